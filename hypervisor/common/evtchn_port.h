/*
 * How a port's pending and masked state live in guest memory, under each of
 * Xen's two ABIs (evtchn_2l.c, evtchn_fifo.c). Private to the event-channel
 * state logic (evtchn.c), which picks the ABI the domain is using; the
 * caller holds the event-channel lock.
 */
#ifndef EVTCHN_PORT_H
#define EVTCHN_PORT_H

#include <tern/evtchn.h>

/* Tells vCPU vcpu it has events: upcall_pending, and the interrupt on its
 * 0 -> 1 (exactly one kick until the guest clears it). */
void evtchn_notify_vcpu(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			unsigned int vcpu);

/* 2-level: bits in shared_info, selector and upcall in the vCPU's vcpu_info. */
void evtchn_2l_set_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			   evtchn_port_t port);
void evtchn_2l_clear_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			     evtchn_port_t port);
void evtchn_2l_unmask(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		      evtchn_port_t port);
bool evtchn_2l_is_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			  evtchn_port_t port);

/* FIFO: the event word, the vCPU's queues, the control block's ready bits. */
void evtchn_fifo_set_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			     evtchn_port_t port);
void evtchn_fifo_clear_pending(struct evtchn_domain *ed, evtchn_port_t port);
void evtchn_fifo_unmask(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			evtchn_port_t port);
bool evtchn_fifo_is_pending(struct evtchn_domain *ed, evtchn_port_t port);
/* A port just bound: its first event goes to its vCPU's default queue. */
void evtchn_fifo_bind(struct evtchn_domain *ed, evtchn_port_t port);
/* Frees the FIFO state; the domain is back under the 2-level ABI. */
void evtchn_fifo_destroy(const struct evtchn_ops *ops, struct evtchn_domain *ed);

#endif
