/*
 * Event channels, with both of Xen's ABIs: 2-level (pending and mask bitmaps
 * in shared_info, 4096 ports) and FIFO (an event word per port in pages the
 * guest provides, per-vCPU priority queues, up to 2^17 ports). Three layers:
 *  - common/evtchn.c, the state logic: ports, their bindings, sending and
 *    closing. It reaches domains and vCPUs only through struct evtchn_ops,
 *    so host unit tests run it over plain memory. Callers serialise all
 *    calls (evtchn_op.c holds one lock).
 *  - common/evtchn_2l.c and evtchn_fifo.c: how a port's pending and masked
 *    state live in guest memory under each ABI (evtchn_port.h).
 *  - common/evtchn_op.c, the glue: do_event_channel_op, the domain hooks and
 *    the functions the rest of the hypervisor uses to raise events.
 */
#ifndef TERN_EVTCHN_H
#define TERN_EVTCHN_H

#include <public/event_channel.h>
#include <tern/types.h>

#define EVTCHN_2L_NR_PORTS 4096 /* 64 x 64 bits: 64-bit guests */
#define EVTCHN_2L_NR_PORTS_COMPAT 1024 /* 32 x 32 bits: 32-bit guests */
#define EVTCHN_MAX_VCPUS XEN_LEGACY_MAX_VCPUS
/* Ports live in buckets allocated on first use, so a domain that uses a
 * handful of the FIFO ABI's 2^17 ports pays for a few KiB only. */
#define EVTCHN_BUCKET_PORTS 256
#define EVTCHN_NR_BUCKETS (EVTCHN_FIFO_NR_CHANNELS / EVTCHN_BUCKET_PORTS)
/* The most ports a domain may use unless told otherwise (Xen's toolstack
 * gives domUs 1023 too: ports 1..1023). */
#define EVTCHN_DEFAULT_MAX_PORT 1023

struct evtchn {
	uint8_t state;         /* EVTCHNSTAT_* */
	uint8_t virq;          /* EVTCHNSTAT_virq */
	uint16_t vcpu;         /* the vCPU notified */
	domid_t remote_dom;    /* unbound: who may connect; interdomain: the peer */
	uint8_t priority;      /* FIFO: the queue of its next event */
	bool unseen;           /* FIFO: raised while its event word had no page */
	evtchn_port_t remote_port; /* interdomain */
	uint16_t last_vcpu;    /* FIFO: the queue its last event was linked on */
	uint8_t last_priority;
	uint8_t pad;
};

/* FIFO ABI state (evtchn_fifo.c). */
#define EVTCHN_FIFO_WORDS_PER_PAGE (PAGE_SIZE / sizeof(event_word_t))
#define EVTCHN_FIFO_MAX_ARRAY_PAGES (EVTCHN_FIFO_NR_CHANNELS / EVTCHN_FIFO_WORDS_PER_PAGE)

struct evtchn_fifo_queue {
	uint32_t *head;      /* in the control block */
	evtchn_port_t tail;  /* the last port linked, 0: none */
};

struct evtchn_fifo_vcpu {
	struct evtchn_fifo_control_block *control; /* NULL until init_control */
	struct evtchn_fifo_queue queue[EVTCHN_FIFO_MAX_QUEUES];
};

struct evtchn_fifo {
	event_word_t *array[EVTCHN_FIFO_MAX_ARRAY_PAGES];
	unsigned int nr_pages;
	struct evtchn_fifo_vcpu vcpu[EVTCHN_MAX_VCPUS];
};

/* One domain's ports. */
struct evtchn_domain {
	void *ctx;             /* the owner, for the ops (the hypervisor: struct domain) */
	domid_t id;
	unsigned int nr_vcpus;
	evtchn_port_t max_port;          /* the highest port it may use (either ABI) */
	struct evtchn_fifo *fifo;        /* NULL: the 2-level ABI */
	bool compat_2l;                  /* 2-level in the 32-bit layout (docs/compat-abi.md) */
	evtchn_port_t virq_port[EVTCHN_MAX_VCPUS][NR_VIRQS]; /* 0: not bound; global VIRQs in [0] */
	struct evtchn *bucket[EVTCHN_NR_BUCKETS];
};

struct shared_info;
struct vcpu_info;

/* What the state logic needs from its environment. */
struct evtchn_ops {
	/* The ports of domain id (never DOMID_SELF), or NULL if it does not exist. */
	struct evtchn_domain *(*find_domain)(domid_t id);
	bool (*is_privileged)(const struct evtchn_domain *ed);
	/* Where ed's pending and mask bits are; NULL until the guest has them. */
	struct shared_info *(*shared_info)(const struct evtchn_domain *ed);
	/* vCPU vcpu's event state (vcpu < ed->nr_vcpus), or NULL. */
	struct vcpu_info *(*vcpu_info)(const struct evtchn_domain *ed, unsigned int vcpu);
	/* Interrupts vCPU vcpu: its evtchn_upcall_pending just went 0 -> 1. */
	void (*kick)(const struct evtchn_domain *ed, unsigned int vcpu);
	/* A port of vCPU vcpu became pending, masked or not: ends a SCHEDOP_poll
	 * it may be in (pollers wait on masked ports). NULL: nobody polls. */
	void (*wake_poller)(const struct evtchn_domain *ed, unsigned int vcpu);
	/* Zeroed memory for port buckets and FIFO state, and its release. */
	void *(*alloc)(size_t size);
	void (*free)(void *p);
	/* The page at guest frame gfn if it is ed's own RAM, writable by the
	 * hypervisor for as long as the domain lives; NULL otherwise. */
	void *(*guest_page)(const struct evtchn_domain *ed, uint64_t gfn);
};

/* Sets up ed with no port in use, under the 2-level ABI, allowed ports
 * 1..max_port (capped by the ABI in use); the first bucket of ports exists
 * from the start, as in Xen. 0 or -ENOMEM. */
int evtchn_setup(const struct evtchn_ops *ops, struct evtchn_domain *ed, void *ctx, domid_t id,
		 unsigned int nr_vcpus, evtchn_port_t max_port);

/* The port's state if it is within a bucket in use, else NULL. */
struct evtchn *evtchn_port(const struct evtchn_domain *ed, evtchn_port_t port);
/* FIFO: port's event word as the guest left it (0: no array page for it). */
event_word_t evtchn_fifo_word(const struct evtchn_domain *ed, evtchn_port_t port);

/*
 * The operations, each with the caller's ports and the op's public struct
 * (OUT fields written only on success). Every check comes first: on error
 * nothing has changed. Errors as in public/event_channel.h.
 */
int evtchn_alloc_unbound(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			 struct evtchn_alloc_unbound *op);
int evtchn_bind_interdomain(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			    struct evtchn_bind_interdomain *op);
int evtchn_bind_virq(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		     struct evtchn_bind_virq *op);
int evtchn_bind_ipi(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		    struct evtchn_bind_ipi *op);
int evtchn_bind_vcpu(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		     const struct evtchn_bind_vcpu *op);
int evtchn_close(const struct evtchn_ops *ops, struct evtchn_domain *ed, evtchn_port_t port);
int evtchn_send(const struct evtchn_ops *ops, struct evtchn_domain *ed, evtchn_port_t port);
int evtchn_status(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		  struct evtchn_status *op);
int evtchn_unmask(const struct evtchn_ops *ops, struct evtchn_domain *ed, evtchn_port_t port);
int evtchn_reset(const struct evtchn_ops *ops, struct evtchn_domain *ed, domid_t dom);
int evtchn_init_control(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			struct evtchn_init_control *op);
int evtchn_expand_array(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			const struct evtchn_expand_array *op);
int evtchn_set_priority(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			const struct evtchn_set_priority *op);

/* Whether port is pending (SCHEDOP_poll); -EINVAL for a port out of range. */
int evtchn_is_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		      evtchn_port_t port);

/* Closes all of ed's ports (EVTCHNOP_reset); peers see their ports unbound.
 * ed is back under the 2-level ABI. */
void evtchn_close_all(const struct evtchn_ops *ops, struct evtchn_domain *ed);

/* Closes all of ed's ports and frees what they used (domain teardown). */
void evtchn_teardown(const struct evtchn_ops *ops, struct evtchn_domain *ed);

/*
 * The hypervisor's own events. evtchn_raise marks port of ed pending and
 * notifies its vCPU, whatever the port is bound to (-EINVAL if it is closed
 * or out of range). evtchn_raise_virq raises VIRQ virq (for a per-vCPU VIRQ,
 * vCPU vcpu's; vcpu is ignored for global ones): 0, -EINVAL for a bad virq
 * or vcpu, -ENOENT if the guest has not bound it (the event is dropped, as
 * Xen drops it).
 */
int evtchn_raise(const struct evtchn_ops *ops, struct evtchn_domain *ed, evtchn_port_t port);
int evtchn_raise_virq(const struct evtchn_ops *ops, struct evtchn_domain *ed, unsigned int virq,
		      unsigned int vcpu);

/* True for VIRQs that each vCPU binds for itself. */
bool evtchn_virq_is_per_vcpu(unsigned int virq);

/* ---- evtchn_op.c: the hypervisor side ---- */
struct domain;

/*
 * Gives d its event channels (all closed; ports 1..max_port allowed) /
 * closes and frees them. Call init once d->id, d->is_privileged and
 * d->nr_vcpus are set; 0 or -ENOMEM.
 */
int evtchn_domain_init(struct domain *d, evtchn_port_t max_port);

/* d's 2-level bitmaps follow the 32-bit layout from now on (or not). */
void evtchn_domain_set_compat(struct domain *d, bool compat);
void evtchn_domain_destroy(struct domain *d);

/* Raises VIRQ virq of d (e.g. VIRQ_DOM_EXC to dom0, VIRQ_TIMER to a vCPU). */
int evtchn_send_virq(struct domain *d, unsigned int virq, unsigned int vcpu);

/* Prints which ABI d uses and its first ports' state (debug key 'q'). */
void evtchn_dump(const struct domain *d);

/* Whether port of d is pending (SCHEDOP_poll): 1, 0, or -EINVAL. */
int evtchn_port_pending(struct domain *d, evtchn_port_t port);

/* Raises port of d from the hypervisor (e.g. a port the hypervisor owns the
 * other end of). */
int evtchn_send_port(struct domain *d, evtchn_port_t port);

#endif
