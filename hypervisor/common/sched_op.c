/*
 * sched_op: yielding, blocking, polling and shutting down. Yield ends a
 * domU vCPU's slice (the scheduler picks again, maybe the same vCPU); block
 * waits for the vCPU's next event (or returns at once if nothing could come);
 * poll waits for one of a few ports, masked or not (Linux's PV spinlocks wait
 * this way for their kick). Shutting down: domain_shutdown().
 */
#include <public/sched.h>
#include <tern/arch.h>
#include <tern/compat.h>
#include <tern/errno.h>
#include <tern/evtchn.h>
#include <tern/hypercall.h>
#include <tern/sched.h>

#define SCHED_POLL_MAX_PORTS 128 /* as Xen */

/* Whether one of the ports is pending; -EINVAL for a port out of range. */
static int poll_any_pending(struct vcpu *v, const struct sched_poll *p)
{
	evtchn_port_t ports[SCHED_POLL_MAX_PORTS];

	if (copy_from_guest(v, ports, p->ports, p->nr_ports * sizeof(ports[0])))
		return -EFAULT;
	for (uint32_t i = 0; i < p->nr_ports; i++) {
		int rc = evtchn_port_pending(v->domain, ports[i]);

		if (rc)
			return rc;
	}
	return 0;
}

static long poll(struct vcpu *v, uint64_t arg)
{
	struct sched_poll p;
	int rc;

	if (copy_abi_from_guest(v, &p, arg, &xlat_sched_poll))
		return -EFAULT;
	if (p.nr_ports > SCHED_POLL_MAX_PORTS || p.pad)
		return -EINVAL;
	/* dom0 owns its CPU and interrupts: it spins instead (one vCPU). */
	if (v->domain->passthrough)
		return poll_any_pending(v, &p) < 0 ? -EINVAL : 0;
	v->poll_deadline = p.timeout;
	__atomic_store_n(&v->polling, true, __ATOMIC_SEQ_CST);
	rc = poll_any_pending(v, &p);
	if (rc || (p.timeout && p.timeout <= system_time_ns())) {
		__atomic_store_n(&v->polling, false, __ATOMIC_SEQ_CST);
		v->poll_deadline = 0;
		return rc < 0 ? rc : 0;
	}
	/* Blocked first, then polling looked at: an event in between (which
	 * clears polling before it unblocks) is not slept through. As on Xen,
	 * an event the guest could take now ends the poll too: with its
	 * interrupts on, an upcall already waiting would not wake it (its
	 * port went pending before the poll), and it would sleep on it. */
	__atomic_store_n(&v->blocked, true, __ATOMIC_SEQ_CST);
	if (vcpu_events_need_delivery(v))
		sched_end_poll(v);
	else if (!__atomic_load_n(&v->polling, __ATOMIC_SEQ_CST))
		__atomic_store_n(&v->blocked, false, __ATOMIC_SEQ_CST);
	return 0;
}

static long shutdown(struct vcpu *v, uint64_t arg)
{
	struct sched_shutdown s;

	if (copy_from_guest(v, &s, arg, sizeof(s)))
		return -EFAULT;
	if (s.reason > SHUTDOWN_soft_reset)
		return -EINVAL;
	domain_shutdown(v->domain, s.reason);
	return 0;
}

/* Another domain's end: dom0's to decide (Xen: the device model's too). */
static long remote_shutdown(struct vcpu *v, uint64_t arg)
{
	struct sched_remote_shutdown s;
	struct domain *d;

	if (copy_from_guest(v, &s, arg, sizeof(s)))
		return -EFAULT;
	d = domain_by_id(s.domain_id);
	if (!d)
		return -ESRCH;
	if (!v->domain->is_privileged)
		return -EPERM;
	if (s.reason > SHUTDOWN_soft_reset)
		return -EINVAL;
	domain_shutdown(d, s.reason);
	return 0;
}

long do_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct sched_shutdown code;

	switch (cmd) {
	case SCHEDOP_yield:
		/* A domU's slice ends here (dom0 owns its CPU: nothing to give). */
		v->yielded = true;
		return 0;
	case SCHEDOP_block:
		/* dom0 idles with HLT on its own LAPIC; others wait for an event here. */
		if (!v->domain->passthrough)
			vcpu_block(v);
		return 0;
	case SCHEDOP_shutdown:
		return shutdown(v, arg);
	case SCHEDOP_remote_shutdown:
		return remote_shutdown(v, arg);
	case SCHEDOP_poll:
		return poll(v, arg);
	case SCHEDOP_shutdown_code:
		if (copy_from_guest(v, &code, arg, sizeof(code)))
			return -EFAULT;
		v->domain->shutdown_code = code.reason;
		return 0;
	default:
		return -ENOSYS;
	}
}
