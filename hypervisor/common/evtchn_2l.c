/*
 * The 2-level event-channel ABI: a pending and a mask bit per port in
 * shared_info, a selector word per vCPU naming which 64-bit words to look
 * at, and the upcall flag. The guest reads and writes these words
 * concurrently, so they are touched only with atomic operations.
 */
#include <public/xen.h>
#include "evtchn_port.h"

void evtchn_notify_vcpu(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			unsigned int vcpu)
{
	struct vcpu_info *vi = ops->vcpu_info(ed, vcpu);

	if (vi && __atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) == 0)
		ops->kick(ed, vcpu);
}

/* Selector bit, then the upcall: the guest scans only the words selected. */
static void notify_word(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			evtchn_port_t port)
{
	unsigned int vcpu = evtchn_port(ed, port)->vcpu;
	struct vcpu_info *vi = ops->vcpu_info(ed, vcpu);

	if (!vi)
		return;
	__atomic_fetch_or(&vi->evtchn_pending_sel, 1ull << (port / 64), __ATOMIC_SEQ_CST);
	evtchn_notify_vcpu(ops, ed, vcpu);
}

/*
 * Marks port pending and, unless it is masked, tells its vCPU. A port
 * already pending needs nothing more: its notification is on its way.
 */
void evtchn_2l_set_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			   evtchn_port_t port)
{
	struct shared_info *si = ops->shared_info(ed);
	uint64_t bit = 1ull << (port % 64);

	/* Before the guest maps shared_info there is nowhere to record it. */
	if (!si)
		return;
	if (__atomic_fetch_or(&si->evtchn_pending[port / 64], bit, __ATOMIC_SEQ_CST) & bit)
		return;
	if (ops->wake_poller)
		ops->wake_poller(ed, evtchn_port(ed, port)->vcpu);
	if (__atomic_load_n(&si->evtchn_mask[port / 64], __ATOMIC_SEQ_CST) & bit)
		return;
	notify_word(ops, ed, port);
}

void evtchn_2l_clear_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			     evtchn_port_t port)
{
	struct shared_info *si = ops->shared_info(ed);

	if (si)
		__atomic_fetch_and(&si->evtchn_pending[port / 64], ~(1ull << (port % 64)),
				   __ATOMIC_SEQ_CST);
}

/*
 * Linux clears the mask bit itself and calls this when the port may have
 * been raised while masked: if it is pending, notify as a fresh event would.
 */
void evtchn_2l_unmask(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		      evtchn_port_t port)
{
	struct shared_info *si = ops->shared_info(ed);
	uint64_t bit = 1ull << (port % 64);

	if (!si)
		return;
	__atomic_fetch_and(&si->evtchn_mask[port / 64], ~bit, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&si->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) & bit)
		notify_word(ops, ed, port);
}

bool evtchn_2l_is_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			  evtchn_port_t port)
{
	const struct shared_info *si = ops->shared_info(ed);

	return si && (__atomic_load_n(&si->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) >>
		      (port % 64) & 1);
}
