/*
 * vcpu_op: where a vCPU's vcpu_info and runstate live, whether it is up, and
 * its timers. A vCPU may name another of its domain's (Linux registers an
 * AP's vcpu_info from CPU0 before the AP starts); the op's arguments are
 * always read in the caller's address space. dom0 owns its LAPIC timer and
 * gets -ENOSYS for timers, so Linux keeps its native clock events there.
 */
#include <public/vcpu.h>
#include <tern/arch.h>
#include <tern/compat.h>
#include <tern/domu.h>
#include <tern/errno.h>
#include <tern/hypercall.h>
#include <tern/runstate.h>
#include <tern/string.h>

static long register_vcpu_info(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
	struct vcpu_register_vcpu_info info;
	struct vcpu_info *where;
	paddr_t frame;

	if (copy_from_guest(caller, &info, arg, sizeof(info)))
		return -EFAULT;
	/* Within one page and aligned, as Xen requires: tern updates its 64-bit
	 * fields atomically, and a locked access split across cache lines or
	 * pages stalls every CPU of the machine (a bus lock). */
	if (info.offset > PAGE_SIZE - sizeof(struct vcpu_info) ||
	    info.offset % __alignof__(struct vcpu_info))
		return -EINVAL;
	if (domu_hold_ram(v->domain, info.mfn, &frame))
		return -EINVAL;
	where = (struct vcpu_info *)(uintptr_t)(frame + info.offset);
	/* Moving it keeps what was pending. */
	if (v->vcpu_info)
		memcpy(where, v->vcpu_info, sizeof(*where));
	else
		memset(where, 0, sizeof(*where));
	v->vcpu_info = where;
	vcpu_time_update(v);
	if (where->evtchn_upcall_pending)
		vcpu_kick(v);
	return 0;
}

static long timer_op(struct vcpu *caller, struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct vcpu_set_singleshot_timer single;
	struct vcpu_set_periodic_timer periodic;

	if (v->domain->passthrough)
		return -ENOSYS;
	switch (cmd) {
	case VCPUOP_set_singleshot_timer:
		if (copy_abi_from_guest(caller, &single, arg, &xlat_vcpu_set_singleshot_timer))
			return -EFAULT;
		if (single.flags & ~VCPU_SSHOTTMR_future)
			return -EINVAL;
		return vcpu_timer_set_singleshot(&v->timer, single.timeout_abs_ns,
						 single.flags & VCPU_SSHOTTMR_future, system_time_ns());
	case VCPUOP_stop_singleshot_timer:
		vcpu_timer_stop_singleshot(&v->timer);
		return 0;
	case VCPUOP_set_periodic_timer:
		if (copy_from_guest(caller, &periodic, arg, sizeof(periodic)))
			return -EFAULT;
		return vcpu_timer_set_periodic(&v->timer, periodic.period_ns, system_time_ns());
	default: /* VCPUOP_stop_periodic_timer */
		vcpu_timer_stop_periodic(&v->timer);
		return 0;
	}
}

long do_vcpu_op(struct vcpu *caller, uint64_t cmd, uint64_t vcpuid, uint64_t arg)
{
	struct vcpu *v;

	if (vcpuid >= caller->domain->nr_vcpus)
		return -ENOENT;
	v = &caller->domain->vcpu[vcpuid];
	switch (cmd) {
	case VCPUOP_set_singleshot_timer:
	case VCPUOP_stop_singleshot_timer:
	case VCPUOP_set_periodic_timer:
	case VCPUOP_stop_periodic_timer:
		return timer_op(caller, v, cmd, arg);
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(caller, v, arg);
	case VCPUOP_register_runstate_memory_area:
		return vcpu_runstate_register(caller, v, arg);
	case VCPUOP_get_runstate_info:
		return vcpu_runstate_get(caller, v, arg);
	case VCPUOP_is_up:
		return v->online;
	case VCPUOP_up:
	case VCPUOP_down:
	case VCPUOP_initialise:
		return -EINVAL; /* PVH vCPUs start with INIT/STARTUP (vlapic) */
	default:
		return -ENOSYS;
	}
}
