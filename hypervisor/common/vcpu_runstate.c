/*
 * A live vCPU's runstate (tern/runstate.h): kept up to date at every change
 * of the flags it is derived from, and shown to the guest in the area it
 * registered, which is written when the vCPU is scheduled in and out, as
 * Xen does. The area's address is guest-virtual: it is translated through
 * the vCPU's own page tables at each write.
 */
#include <public/xen.h>
#include <tern/arch.h>
#include <tern/compat.h>
#include <tern/errno.h>
#include <tern/hypercall.h>
#include <tern/runstate.h>

void vcpu_runstate_update(struct vcpu *v)
{
	spin_lock(&v->runstate_lock);
	runstate_change(&v->runstate, runstate_of(v), system_time_ns());
	spin_unlock(&v->runstate_lock);
}

void vcpu_runstate_domain(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		vcpu_runstate_update(&d->vcpu[i]);
}

static void snapshot(struct vcpu *v, struct vcpu_runstate_info *out)
{
	spin_lock(&v->runstate_lock);
	runstate_read(&v->runstate, system_time_ns(), out);
	spin_unlock(&v->runstate_lock);
}

uint64_t vcpu_run_time(struct vcpu *v)
{
	struct vcpu_runstate_info rs;

	snapshot(v, &rs);
	return rs.time[RUNSTATE_running];
}

/* The area in its domain's layout: 48 bytes, or 44 for a 32-bit guest
 * (docs/compat-abi.md), written through v's page tables. */
static int area_write(struct vcpu *v, uint64_t gva, const struct vcpu_runstate_info *rs)
{
	uint8_t compat[sizeof(struct compat_vcpu_runstate_info)];

	if (!v->domain->compat_shared)
		return copy_to_guest(v, gva, rs, sizeof(*rs));
	native_to_compat(&xlat_vcpu_runstate_info, rs, compat);
	return copy_to_guest(v, gva, compat, sizeof(compat));
}

/*
 * With VMASST_TYPE_runstate_update_flag, XEN_RUNSTATE_UPDATE is set in
 * state_entry_time before the rest changes and cleared after: a guest
 * reading another vCPU's area retries while it is set. A failed copy (the
 * guest unmapped the area) is ignored, as Xen does.
 */
void vcpu_runstate_publish(struct vcpu *v)
{
	const uint64_t entry_at =
		v->runstate_gva +
		(v->domain->compat_shared ? offsetof(struct compat_vcpu_runstate_info, state_entry_time)
					  : offsetof(struct vcpu_runstate_info, state_entry_time));
	bool flag = v->domain->vm_assist & (1ul << VMASST_TYPE_runstate_update_flag);
	struct vcpu_runstate_info rs;
	uint64_t entry;

	if (!v->runstate_gva)
		return;
	spin_lock(&v->runstate_lock);
	rs = v->runstate;
	spin_unlock(&v->runstate_lock);
	entry = rs.state_entry_time;
	if (flag) {
		rs.state_entry_time |= XEN_RUNSTATE_UPDATE;
		if (copy_to_guest(v, entry_at, &rs.state_entry_time, sizeof(entry)))
			return;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	if (area_write(v, v->runstate_gva, &rs) || !flag)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	copy_to_guest(v, entry_at, &entry, sizeof(entry));
}

/* VCPUOP_register_runstate_memory_area: v's area is at the guest-virtual
 * address in arg; it gets v's runstate now, written through the caller's
 * page tables (the caller may name another vCPU of its domain). */
long vcpu_runstate_register(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
	struct vcpu_register_runstate_memory_area area;
	struct vcpu_runstate_info rs;

	if (copy_from_guest(caller, &area, arg, sizeof(area)))
		return -EFAULT;
	/* A 32-bit caller's handle is the low half; the rest may be garbage. */
	v->runstate_gva = area.addr & hypercall_arg_max(caller);
	if (!v->runstate_gva)
		return 0;
	snapshot(v, &rs);
	area_write(caller, v->runstate_gva, &rs);
	return 0;
}

/* VCPUOP_get_runstate_info: v's runstate as of now, into arg. */
long vcpu_runstate_get(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
	struct vcpu_runstate_info rs;

	snapshot(v, &rs);
	return copy_abi_to_guest(caller, arg, &rs, &xlat_vcpu_runstate_info);
}

long do_vm_assist(struct vcpu *v, uint64_t cmd, uint64_t type)
{
	struct domain *d = v->domain;

	/* An HVM domain may only ask for the runstate update flag. */
	if (type != VMASST_TYPE_runstate_update_flag)
		return -EINVAL;
	if (cmd == VMASST_CMD_enable)
		__atomic_fetch_or(&d->vm_assist, 1ul << type, __ATOMIC_SEQ_CST);
	else if (cmd == VMASST_CMD_disable)
		__atomic_fetch_and(&d->vm_assist, ~(1ul << type), __ATOMIC_SEQ_CST);
	else
		return -ENOSYS;
	return 0;
}
