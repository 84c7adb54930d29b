/* sysctl and domctl: tern's control interface (hypervisor/include/public/). */
#include <errno.h>
#include <string.h>

#include "ternctl.h"

int tc_sysctl(struct tc_handle *h, struct tern_sysctl *op)
{
	struct tern_sysctl *buf = tc_buf_alloc(sizeof(*buf));
	long rc;

	if (!buf)
		return -ENOMEM;
	op->interface_version = TERN_SYSCTL_INTERFACE_VERSION;
	*buf = *op;
	rc = tc_hypercall(h, __HYPERVISOR_sysctl, (uint64_t)(uintptr_t)buf, 0, 0, 0, 0);
	if (rc >= 0)
		*op = *buf;
	tc_buf_free(buf, sizeof(*buf));
	return rc < 0 ? (int)rc : 0;
}

int tc_domctl(struct tc_handle *h, struct tern_domctl *op)
{
	struct tern_domctl *buf = tc_buf_alloc(sizeof(*buf));
	long rc;

	if (!buf)
		return -ENOMEM;
	op->interface_version = TERN_DOMCTL_INTERFACE_VERSION;
	*buf = *op;
	rc = tc_hypercall(h, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)buf, 0, 0, 0, 0);
	if (rc >= 0)
		*op = *buf;
	tc_buf_free(buf, sizeof(*buf));
	return rc < 0 ? (int)rc : 0;
}

int tc_physinfo(struct tc_handle *h, struct tern_sysctl_physinfo *out)
{
	struct tern_sysctl op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.cmd = TERN_SYSCTL_physinfo;
	rc = tc_sysctl(h, &op);
	if (rc == 0)
		*out = op.u.physinfo;
	return rc;
}

int tc_sched_id(struct tc_handle *h, uint32_t *sched_id)
{
	struct tern_sysctl op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.cmd = TERN_SYSCTL_sched_id;
	rc = tc_sysctl(h, &op);
	if (rc == 0)
		*sched_id = op.u.sched_id.sched_id;
	return rc;
}

int tc_debug_keys(struct tc_handle *h, const char *keys, uint32_t n)
{
	struct tern_sysctl op;
	char *buf;
	int rc;

	if (n == 0 || n > TERN_SYSCTL_MAX_DEBUG_KEYS)
		return -EINVAL;
	buf = tc_buf_alloc(n);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, keys, n);
	memset(&op, 0, sizeof(op));
	op.cmd = TERN_SYSCTL_debug_keys;
	op.u.debug_keys.keys = (uint64_t)(uintptr_t)buf;
	op.u.debug_keys.nr_keys = n;
	rc = tc_sysctl(h, &op);
	tc_buf_free(buf, n);
	return rc;
}

int tc_readconsole(struct tc_handle *h, void *buf, uint32_t *count, int clear,
		   int incremental, uint64_t *index)
{
	struct tern_sysctl op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.cmd = TERN_SYSCTL_readconsole;
	op.u.readconsole.clear = clear ? 1 : 0;
	op.u.readconsole.incremental = incremental ? 1 : 0;
	op.u.readconsole.count = *count;
	op.u.readconsole.buffer = (uint64_t)(uintptr_t)buf;
	op.u.readconsole.index = *index;
	rc = tc_sysctl(h, &op);
	if (rc == 0) {
		if (op.u.readconsole.count > *count)
			return -EIO; /* a hypervisor bug: more than asked for */
		*count = op.u.readconsole.count;
		*index = op.u.readconsole.index;
	}
	return rc;
}

int tc_domain_list(struct tc_handle *h, uint16_t first, uint32_t max,
		   struct tern_domaininfo *out)
{
	size_t len = (size_t)max * sizeof(*out);
	struct tern_domaininfo *buf;
	struct tern_sysctl op;
	int rc;

	if (max == 0)
		return 0;
	buf = tc_buf_alloc(len);
	if (!buf)
		return -ENOMEM;
	memset(&op, 0, sizeof(op));
	op.cmd = TERN_SYSCTL_getdomaininfolist;
	op.u.getdomaininfolist.first_domain = first;
	op.u.getdomaininfolist.max_domains = max;
	op.u.getdomaininfolist.buffer = (uint64_t)(uintptr_t)buf;
	rc = tc_sysctl(h, &op);
	if (rc == 0) {
		if (op.u.getdomaininfolist.num_domains > max) {
			rc = -EIO;
		} else {
			rc = (int)op.u.getdomaininfolist.num_domains;
			memcpy(out, buf, (size_t)rc * sizeof(*out));
		}
	}
	tc_buf_free(buf, len);
	return rc;
}

/* A domctl on one domain whose op-specific part is u (len bytes), in and out. */
static int domctl_on(struct tc_handle *h, uint32_t cmd, uint16_t domid, void *u, size_t len)
{
	struct tern_domctl op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.domain = domid;
	memcpy(&op.u, u, len);
	rc = tc_domctl(h, &op);
	if (rc == 0)
		memcpy(u, &op.u, len);
	return rc;
}

int tc_domain_info(struct tc_handle *h, uint16_t domid, struct tern_domaininfo *out)
{
	struct tern_domctl_getdomaininfo info;
	int rc;

	memset(&info, 0, sizeof(info));
	rc = domctl_on(h, TERN_DOMCTL_getdomaininfo, domid, &info, sizeof(info));
	if (rc == 0)
		*out = info.info;
	return rc;
}

int tc_vcpu_info(struct tc_handle *h, uint16_t domid, uint32_t vcpu,
		 struct tern_domctl_getvcpuinfo *out)
{
	*out = (struct tern_domctl_getvcpuinfo){ .vcpu = vcpu };
	return domctl_on(h, TERN_DOMCTL_getvcpuinfo, domid, out, sizeof(*out));
}

int tc_vcpu_affinity(struct tc_handle *h, uint16_t domid, struct tern_domctl_vcpuaffinity *a)
{
	return domctl_on(h, TERN_DOMCTL_setvcpuaffinity, domid, a, sizeof(*a));
}

int tc_sched_credit(struct tc_handle *h, uint16_t domid, struct tern_domctl_scheduler_op *op)
{
	op->sched_id = TERN_SCHEDULER_credit;
	return domctl_on(h, TERN_DOMCTL_scheduler_op, domid, op, sizeof(*op));
}

const char *tc_sched_name(uint32_t sched_id)
{
	switch (sched_id) {
	case TERN_SCHEDULER_credit:
		return "credit";
	case TERN_SCHEDULER_credit2:
		return "credit2";
	case 7:
		return "arinc653";
	case TERN_SCHEDULER_rtds:
		return "rtds";
	case TERN_SCHEDULER_null:
		return "null";
	default:
		return "unknown";
	}
}
