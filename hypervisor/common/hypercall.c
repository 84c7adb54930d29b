/* Hypercall dispatch: one handler per family, looked up by number. */
#include <public/xen.h>
#include <tern/errno.h>
#include <tern/hypercall.h>

long hypercall_continue(struct vcpu *v, unsigned int nargs, uint64_t a0, uint64_t a1,
			uint64_t a2)
{
	v->hcall.continued = true;
	v->hcall.nargs = (uint8_t)MIN(nargs, ARRAY_SIZE(v->hcall.args));
	v->hcall.args[0] = a0;
	v->hcall.args[1] = a1;
	v->hcall.args[2] = a2;
	return 0;
}

uint64_t hypercall_arg_max(const struct vcpu *v)
{
	return v->hcall.compat ? UINT32_MAX : UINT64_MAX;
}

long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t a[5])
{
	switch (nr) {
	case __HYPERVISOR_xen_version:
		return do_xen_version(v, a[0], a[1]);
	case __HYPERVISOR_console_io:
		return do_console_io(v, a[0], a[1], a[2]);
	case __HYPERVISOR_memory_op:
		return do_memory_op(v, a[0], a[1]);
	case __HYPERVISOR_hvm_op:
		return do_hvm_op(v, a[0], a[1]);
	case __HYPERVISOR_vcpu_op:
		return do_vcpu_op(v, a[0], a[1], a[2]);
	case __HYPERVISOR_sched_op:
		return do_sched_op(v, a[0], a[1]);
	case __HYPERVISOR_event_channel_op:
		return do_event_channel_op(v, a[0], a[1]);
	case __HYPERVISOR_grant_table_op:
		return do_grant_table_op(v, a[0], a[1], a[2]);
	case __HYPERVISOR_sysctl:
		return do_sysctl(v, a[0]);
	case __HYPERVISOR_domctl:
		return do_domctl(v, a[0]);
	default:
		return -ENOSYS;
	}
}
