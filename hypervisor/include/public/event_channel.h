/*
 * event_channel_op (hypercall 32): Xen's event channels, 2-level ABI.
 *
 * A port is a number in 1..4095 of one domain (port 0 is never allocated).
 * Raising an event sets the port's bit in shared_info.evtchn_pending; unless
 * the port's bit in evtchn_mask is set, the hypervisor then sets bit port/64
 * of the notified vCPU's evtchn_pending_sel and its evtchn_upcall_pending, and
 * interrupts it. Every operation takes a pointer to its own struct below;
 * fields are IN unless marked OUT. Errors (negative): -EINVAL bad port, port
 * in the wrong state or bad argument; -ENOENT no such vCPU; -ESRCH no such
 * domain; -EPERM acting on another domain without privilege; -ENOSPC no free
 * port; -EEXIST VIRQ already bound on that vCPU; -ENOSYS unsupported op.
 * Layout checks: hypervisor/common/public_layout.c.
 */
#ifndef TERN_PUBLIC_EVENT_CHANNEL_H
#define TERN_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

typedef uint32_t evtchn_port_t;

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_bind_pirq 2 /* not supported: -ENOSYS */
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
#define EVTCHNOP_reset 10
#define EVTCHNOP_init_control 11 /* FIFO ABI (below) */
#define EVTCHNOP_expand_array 12
#define EVTCHNOP_set_priority 13

/*
 * Allocates a port in domain dom that remote_dom may later connect to with
 * bind_interdomain. dom is DOMID_SELF or the caller unless the caller is
 * privileged; remote_dom may be DOMID_SELF (the caller).
 */
struct evtchn_alloc_unbound {
	domid_t dom;
	domid_t remote_dom;
	evtchn_port_t port; /* OUT */
};

/*
 * Connects a new local port to remote_port of remote_dom (DOMID_SELF: the
 * caller), which must be unbound and reserved for the caller. The new local
 * port is left pending once, so no event sent before the bind is lost.
 */
struct evtchn_bind_interdomain {
	domid_t remote_dom;
	evtchn_port_t remote_port;
	evtchn_port_t local_port; /* OUT */
};

/*
 * Binds VIRQ virq to a new port notifying vCPU vcpu. VIRQ_TIMER, VIRQ_DEBUG
 * and the profiling VIRQs are per vCPU; the others are global and must be
 * bound with vcpu 0 (they may move later with bind_vcpu).
 */
struct evtchn_bind_virq {
	uint32_t virq;
	uint32_t vcpu;
	evtchn_port_t port; /* OUT */
};

struct evtchn_bind_pirq {
	uint32_t pirq;
	uint32_t flags;
	evtchn_port_t port; /* OUT */
};

/* A port on which the domain signals its own vCPU vcpu. */
struct evtchn_bind_ipi {
	uint32_t vcpu;
	evtchn_port_t port; /* OUT */
};

/* Closes a port; the peer of an interdomain port goes back to unbound. */
struct evtchn_close {
	evtchn_port_t port;
};

/* Raises an event: on the peer for interdomain ports, locally for IPIs;
 * nothing for unbound ports. */
struct evtchn_send {
	evtchn_port_t port;
};

#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq 3
#define EVTCHNSTAT_virq 4
#define EVTCHNSTAT_ipi 5

/* State of port in dom (DOMID_SELF, or any domain for a privileged caller). */
struct evtchn_status {
	domid_t dom;
	evtchn_port_t port;
	uint32_t status; /* OUT: EVTCHNSTAT_* */
	uint32_t vcpu;   /* OUT: the vCPU notified */
	union {          /* OUT */
		struct {
			domid_t dom;
		} unbound;
		struct {
			domid_t dom;
			evtchn_port_t port;
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;
};

/* Notifies vcpu instead from now on: unbound, interdomain and global VIRQ
 * ports only. */
struct evtchn_bind_vcpu {
	evtchn_port_t port;
	uint32_t vcpu;
};

/* Clears the port's mask bit and, if it is pending, notifies its vCPU again. */
struct evtchn_unmask {
	evtchn_port_t port;
};

/* Closes every port of dom (DOMID_SELF, or any domain for a privileged caller). */
struct evtchn_reset {
	domid_t dom;
};

/*
 * The FIFO ABI. Instead of shared_info's bitmaps, each port has a 32-bit
 * event word in an event array the guest provides page by page (1024 words
 * a page, up to 2^17 ports), and each vCPU a control block with a queue per
 * priority: the hypervisor links a raised, unmasked port at the tail of its
 * queue (through the LINK field of the previous tail's word), sets the
 * queue's bit in `ready` and sends the upcall; the guest consumes from
 * `head`. Priorities run from 0 (highest) to 15; new ports get 7.
 */
#define EVTCHN_FIFO_PRIORITY_MAX 0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN 15
#define EVTCHN_FIFO_MAX_QUEUES 16

typedef uint32_t event_word_t;
#define EVTCHN_FIFO_PENDING 31 /* bit numbers in an event word */
#define EVTCHN_FIFO_MASKED 30
#define EVTCHN_FIFO_LINKED 29
#define EVTCHN_FIFO_BUSY 28    /* the hypervisor is updating LINK: the guest must not unmask itself */
#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1u << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1u << EVTCHN_FIFO_LINK_BITS)

struct evtchn_fifo_control_block {
	uint32_t ready; /* bit n: queue n has events */
	uint32_t _rsvd;
	uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};

/*
 * Switches the calling domain to the FIFO ABI (on its first call) and gives
 * vCPU vcpu its control block at offset in guest frame control_gfn (8-byte
 * aligned, within the page). -ENOENT: no such vCPU; -EINVAL: bad offset, a
 * frame that is not the domain's own RAM, or a vCPU that has one already.
 * Ports bound before the switch keep their pending state.
 */
struct evtchn_init_control {
	uint64_t control_gfn;
	uint32_t offset;
	uint32_t vcpu;
	uint8_t link_bits; /* OUT: EVTCHN_FIFO_LINK_BITS */
	uint8_t _pad[7];
};

/* Adds the guest frame array_gfn as the next page of the event array.
 * -EOPNOTSUPP before init_control, -ENOSPC when the array is full, -EINVAL
 * for a frame that is not the domain's own RAM. */
struct evtchn_expand_array {
	uint64_t array_gfn;
};

/* The queue the port's next event goes to. -EINVAL: bad port or priority;
 * -ENOSYS under the 2-level ABI. */
struct evtchn_set_priority {
	evtchn_port_t port;
	uint32_t priority;
};

#endif
