/*
 * domctl: the toolstack's operations on one domain. dom0 only; the
 * structures are tern's own (public/domctl.h). Only getdomaininfo exists
 * until domUs do.
 */
#include <public/domctl.h>
#include <tern/control.h>
#include <tern/errno.h>
#include <tern/hypercall.h>

long do_domctl(struct vcpu *v, uint64_t arg)
{
	struct tern_domctl op;
	struct domain *d;

	if (!v->domain->is_privileged)
		return -EPERM;
	if (copy_from_guest(v, &op, arg, sizeof(op)))
		return -EFAULT;
	if (op.interface_version != TERN_DOMCTL_INTERFACE_VERSION)
		return -EACCES;
	switch (op.cmd) {
	case TERN_DOMCTL_getdomaininfo:
		d = domain_by_id(op.domain);
		if (!d)
			return -ESRCH;
		control_domaininfo(d, &op.u.getdomaininfo.info);
		return copy_to_guest(v, arg, &op, sizeof(op));
	default:
		return -ENOSYS;
	}
}
