/*
 * hvm_op: a domain's HVM parameters (the console and xenstore rings and
 * their event channels, the callback vector) and per-vCPU upcall vectors.
 */
#include <public/hvm.h>
#include <tern/compat.h>
#include <tern/errno.h>
#include <tern/hypercall.h>

#define UPCALL_VECTOR_MIN 0x10 /* below are exceptions and reserved vectors */

static long param_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct xen_hvm_param p;
	struct domain *d;
	long rc;

	if (copy_from_guest(v, &p, arg, sizeof(p)))
		return -EFAULT;
	if (p.index >= HVM_NR_PARAMS)
		return -EINVAL;
	d = domain_named_by(v->domain, p.domid, &rc);
	if (!d)
		return rc;
	if (cmd == HVMOP_get_param) {
		p.value = d->hvm_params[p.index];
		return copy_to_guest(v, arg, &p, sizeof(p));
	}
	/* A guest sets its callback; the rings are the toolstack's to set. */
	if (p.index != HVM_PARAM_CALLBACK_IRQ && !v->domain->is_privileged)
		return -EPERM;
	d->hvm_params[p.index] = p.value;
	/* A guest's drivers start here: its shared pages follow its mode. */
	if (p.index == HVM_PARAM_CALLBACK_IRQ && d == v->domain)
		domain_latch_shared_layout(d, hypercall_is_compat(v));
	return 0;
}

static long set_upcall_vector(struct vcpu *v, uint64_t arg)
{
	struct xen_hvm_evtchn_upcall_vector uv;
	struct vcpu *target;

	if (copy_from_guest(v, &uv, arg, sizeof(uv)))
		return -EFAULT;
	if (uv.vector < UPCALL_VECTOR_MIN)
		return -EINVAL;
	if (uv.vcpu >= v->domain->nr_vcpus)
		return -ENOENT;
	target = &v->domain->vcpu[uv.vcpu];
	target->upcall_vector = uv.vector;
	/* An event that came before the vector was known is delivered now. */
	if (target->vcpu_info && target->vcpu_info->evtchn_upcall_pending)
		vcpu_kick(target);
	return 0;
}

long do_hvm_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	switch (cmd) {
	case HVMOP_set_param:
	case HVMOP_get_param:
		return param_op(v, cmd, arg);
	case HVMOP_set_evtchn_upcall_vector:
		return set_upcall_vector(v, arg);
	default:
		return -ENOSYS;
	}
}
