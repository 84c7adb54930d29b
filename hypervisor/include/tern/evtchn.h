/*
 * Event channels (2-level ABI). Two layers:
 *  - common/evtchn.c, the state logic: ports, their bindings, and raising an
 *    event in shared_info / vcpu_info. It reaches domains and vCPUs only
 *    through struct evtchn_ops, so host unit tests run it over plain memory.
 *    Callers serialise all calls (evtchn_op.c holds one lock).
 *  - common/evtchn_op.c, the glue: do_event_channel_op, the domain hooks and
 *    the functions the rest of the hypervisor uses to raise events.
 */
#ifndef TERN_EVTCHN_H
#define TERN_EVTCHN_H

#include <public/event_channel.h>
#include <tern/types.h>

#define EVTCHN_NR_PORTS 4096 /* 2-level ABI, 64-bit guests */
#define EVTCHN_MAX_VCPUS XEN_LEGACY_MAX_VCPUS

struct evtchn {
	uint8_t state;         /* EVTCHNSTAT_* */
	uint8_t virq;          /* EVTCHNSTAT_virq */
	uint16_t vcpu;         /* the vCPU notified */
	domid_t remote_dom;    /* unbound: who may connect; interdomain: the peer */
	uint16_t remote_port;  /* interdomain */
};

/* One domain's ports. */
struct evtchn_domain {
	void *ctx;             /* the owner, for the ops (the hypervisor: struct domain) */
	domid_t id;
	unsigned int nr_vcpus;
	uint16_t virq_port[EVTCHN_MAX_VCPUS][NR_VIRQS]; /* 0: not bound; global VIRQs in [0] */
	struct evtchn port[EVTCHN_NR_PORTS];
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
};

/* Sets up ed with no port in use. */
void evtchn_setup(struct evtchn_domain *ed, void *ctx, domid_t id, unsigned int nr_vcpus);

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

/* Closes all of ed's ports (domain teardown); peers see their ports unbound. */
void evtchn_close_all(const struct evtchn_ops *ops, struct evtchn_domain *ed);

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
 * Gives d its event channels (all closed) / closes and frees them. Call
 * init once d->id, d->is_privileged and d->nr_vcpus are set; 0 or -ENOMEM.
 */
int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);

/* Raises VIRQ virq of d (e.g. VIRQ_DOM_EXC to dom0, VIRQ_TIMER to a vCPU). */
int evtchn_send_virq(struct domain *d, unsigned int virq, unsigned int vcpu);

/* Raises port of d from the hypervisor (e.g. a port the hypervisor owns the
 * other end of). */
int evtchn_send_port(struct domain *d, evtchn_port_t port);

#endif
