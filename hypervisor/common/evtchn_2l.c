/*
 * The 2-level event-channel ABI: a pending and a mask bit per port in
 * shared_info, a selector word per vCPU naming which bitmap words to look
 * at, and the upcall flag. The guest reads and writes these words
 * concurrently, so they are touched only with atomic operations.
 *
 * The bitmaps are handled as 32-bit words in both layouts: bit p is bit
 * p % 32 of word p / 32 whether the guest sees 64-bit words (x86-64) or
 * 32-bit ones (i386). What differs (docs/compat-abi.md) is where the mask
 * bitmap starts, how many ports there are, and the selector's width.
 */
#include <public/xen.h>
#include <tern/compat.h>
#include "evtchn_port.h"

/* Where port's pending and mask bits are; false if the guest has no
 * shared_info yet (nowhere to record them) or its layout has no such port. */
static bool bitmaps(const struct evtchn_ops *ops, struct evtchn_domain *ed, evtchn_port_t port,
		    uint32_t **pending, uint32_t **mask)
{
	struct shared_info *si = ops->shared_info(ed);
	struct compat_shared_info *csi = (struct compat_shared_info *)si;

	if (!si || port >= (ed->compat_2l ? EVTCHN_2L_NR_PORTS_COMPAT : EVTCHN_2L_NR_PORTS))
		return false;
	*pending = (ed->compat_2l ? csi->evtchn_pending : (uint32_t *)si->evtchn_pending) + port / 32;
	*mask = (ed->compat_2l ? csi->evtchn_mask : (uint32_t *)si->evtchn_mask) + port / 32;
	return true;
}

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
	if (ed->compat_2l)
		__atomic_fetch_or(&((struct compat_vcpu_info *)vi)->evtchn_pending_sel,
				  1u << (port / 32), __ATOMIC_SEQ_CST);
	else
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
	uint32_t bit = 1u << (port % 32), *pending, *mask;

	if (!bitmaps(ops, ed, port, &pending, &mask))
		return;
	if (__atomic_fetch_or(pending, bit, __ATOMIC_SEQ_CST) & bit)
		return;
	if (ops->wake_poller)
		ops->wake_poller(ed, evtchn_port(ed, port)->vcpu);
	if (__atomic_load_n(mask, __ATOMIC_SEQ_CST) & bit)
		return;
	notify_word(ops, ed, port);
}

void evtchn_2l_clear_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			     evtchn_port_t port)
{
	uint32_t *pending, *mask;

	if (bitmaps(ops, ed, port, &pending, &mask))
		__atomic_fetch_and(pending, ~(1u << (port % 32)), __ATOMIC_SEQ_CST);
}

/*
 * Linux clears the mask bit itself and calls this when the port may have
 * been raised while masked: if it is pending, notify as a fresh event would.
 */
void evtchn_2l_unmask(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		      evtchn_port_t port)
{
	uint32_t bit = 1u << (port % 32), *pending, *mask;

	if (!bitmaps(ops, ed, port, &pending, &mask))
		return;
	__atomic_fetch_and(mask, ~bit, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(pending, __ATOMIC_SEQ_CST) & bit)
		notify_word(ops, ed, port);
}

bool evtchn_2l_is_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			  evtchn_port_t port)
{
	uint32_t *pending, *mask;

	return bitmaps(ops, ed, port, &pending, &mask) &&
	       (__atomic_load_n(pending, __ATOMIC_SEQ_CST) >> (port % 32) & 1);
}
