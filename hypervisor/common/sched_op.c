/*
 * sched_op: yielding, blocking and shutting down. A domain runs alone on its
 * CPU, so yield returns at once and block waits for the vCPU's next event
 * (or returns at once if nothing could come). Shutting down: domain_shutdown().
 */
#include <public/sched.h>
#include <tern/errno.h>
#include <tern/hypercall.h>

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

long do_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct sched_shutdown code;

	switch (cmd) {
	case SCHEDOP_yield:
		return 0;
	case SCHEDOP_block:
		/* dom0 idles with HLT on its own LAPIC; others wait for an event here. */
		if (!v->domain->passthrough)
			vcpu_block(v);
		return 0;
	case SCHEDOP_shutdown:
		return shutdown(v, arg);
	case SCHEDOP_shutdown_code:
		if (copy_from_guest(v, &code, arg, sizeof(code)))
			return -EFAULT;
		v->domain->shutdown_code = code.reason;
		return 0;
	default:
		return -ENOSYS;
	}
}
