/*
 * sysctl: the host as the toolstack sees it (xl info, xl dmesg, xl list).
 * dom0 only; the structures are tern's own (public/sysctl.h).
 */
#include <public/sysctl.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/control.h>
#include <tern/errno.h>
#include <tern/hypercall.h>
#include <tern/keyhandler.h>
#include <tern/mm.h>
#include <tern/string.h>

#define READCONSOLE_CHUNK 256

static long readconsole(struct vcpu *v, struct tern_sysctl_readconsole *rc)
{
	uint64_t pos = rc->incremental ? rc->index : 0;
	uint32_t done = 0;
	char chunk[READCONSOLE_CHUNK];

	if (rc->clear > 1 || rc->incremental > 1 || rc->pad0)
		return -EINVAL;
	while (done < rc->count) {
		size_t n = console_read(&pos, chunk, MIN(sizeof(chunk), rc->count - done), false);

		if (!n)
			break;
		if (copy_to_guest(v, rc->buffer + done, chunk, n))
			return -EFAULT;
		done += n;
	}
	if (rc->clear)
		console_read(&pos, chunk, 0, true);
	rc->count = done;
	rc->index = pos;
	return 0;
}

static long getdomaininfolist(struct vcpu *v, struct tern_sysctl_getdomaininfolist *op)
{
	uint32_t n = 0;

	if (op->max_domains > TERN_SYSCTL_MAX_DOMAINS || op->pad0 || op->pad1)
		return -EINVAL;
	for (uint32_t id = op->first_domain; id < DOMID_FIRST_RESERVED && n < op->max_domains; id++) {
		struct domain *d = domain_by_id((domid_t)id);
		struct tern_domaininfo info;

		if (!d)
			continue;
		control_domaininfo(d, &info);
		if (copy_to_guest(v, op->buffer + n * sizeof(info), &info, sizeof(info)))
			return -EFAULT;
		n++;
	}
	op->num_domains = n;
	return 0;
}

static long debug_keys(struct vcpu *v, const struct tern_sysctl_debug_keys *op)
{
	char keys[TERN_SYSCTL_MAX_DEBUG_KEYS];

	if (op->nr_keys > sizeof(keys) || op->pad0)
		return -EINVAL;
	if (copy_from_guest(v, keys, op->keys, op->nr_keys))
		return -EFAULT;
	for (uint32_t i = 0; i < op->nr_keys; i++)
		debug_key(keys[i]);
	return 0;
}

long do_sysctl(struct vcpu *v, uint64_t arg)
{
	struct tern_sysctl op;
	long rc;

	if (!v->domain->is_privileged)
		return -EPERM;
	if (copy_from_guest(v, &op, arg, sizeof(op)))
		return -EFAULT;
	if (op.interface_version != TERN_SYSCTL_INTERFACE_VERSION)
		return -EACCES;
	if (op.domain || op.pad0[0] || op.pad0[1] || op.pad0[2])
		return -EINVAL;
	switch (op.cmd) {
	case TERN_SYSCTL_readconsole:
		rc = readconsole(v, &op.u.readconsole);
		break;
	case TERN_SYSCTL_physinfo:
		control_physinfo(&op.u.physinfo);
		rc = 0;
		break;
	case TERN_SYSCTL_sched_id:
		op.u.sched_id = (struct tern_sysctl_sched_id){ TERN_SCHEDULER_credit, 0 };
		rc = 0;
		break;
	case TERN_SYSCTL_getdomaininfolist:
		rc = getdomaininfolist(v, &op.u.getdomaininfolist);
		break;
	case TERN_SYSCTL_debug_keys:
		rc = debug_keys(v, &op.u.debug_keys);
		break;
	default:
		return -ENOSYS;
	}
	if (rc)
		return rc;
	return copy_to_guest(v, arg, &op, sizeof(op));
}
