/*
 * struct dombuild_ops on the real hypervisor: domctls, memory_op
 * populate_physmap and EVTCHNOP_alloc_unbound through privcmd, guest memory
 * through privcmd's foreign mappings. Hypercall arguments live in
 * tc_buf_alloc() memory, which stays resident while the hypervisor reads it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <public/event_channel.h>
#include <public/memory.h>

#include "dombuild.h"
#include "ternctl.h"

static int tc_create(void *priv, uint32_t max_vcpus, uint32_t max_evtchn_port,
		     const uint8_t uuid[16], uint16_t *domid)
{
	struct tern_domctl op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.cmd = TERN_DOMCTL_createdomain;
	op.domain = 0; /* any free id */
	op.u.createdomain.flags = TERN_CDF_hvm;
	op.u.createdomain.max_vcpus = max_vcpus;
	op.u.createdomain.max_evtchn_port = max_evtchn_port;
	memcpy(op.u.createdomain.handle, uuid, 16);
	rc = tc_domctl(priv, &op);
	if (rc == 0)
		*domid = op.domain;
	return rc;
}

static int tc_max_mem(void *priv, uint16_t domid, uint64_t max_kb)
{
	struct tern_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = TERN_DOMCTL_max_mem;
	op.domain = domid;
	op.u.max_mem.max_memkb = max_kb;
	return tc_domctl(priv, &op);
}

static long tc_populate(void *priv, uint16_t domid, unsigned order, const uint64_t *gfns,
			unsigned n)
{
	struct xen_memory_reservation *r = tc_buf_alloc(sizeof(*r));
	uint64_t *list = tc_buf_alloc((size_t)n * sizeof(*list));
	long rc;

	if (!r || !list) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(list, gfns, (size_t)n * sizeof(*list));
	r->extent_start = (uint64_t)(uintptr_t)list;
	r->nr_extents = n;
	r->extent_order = order;
	r->mem_flags = 0;
	r->domid = domid;
	rc = tc_hypercall(priv, __HYPERVISOR_memory_op, XENMEM_populate_physmap,
			  (uint64_t)(uintptr_t)r, 0, 0, 0);
out:
	tc_buf_free(list, (size_t)n * sizeof(*list));
	tc_buf_free(r, sizeof(*r));
	return rc;
}

static void *tc_map(void *priv, uint16_t domid, uint64_t gfn, unsigned n)
{
	uint64_t *gfns = calloc(n, sizeof(*gfns));
	int *errs = calloc(n, sizeof(*errs));
	void *p = NULL;

	if (!gfns || !errs) {
		errno = ENOMEM;
		goto out;
	}
	for (unsigned i = 0; i < n; i++)
		gfns[i] = gfn + i;
	p = tc_map_foreign(priv, domid, PROT_READ | PROT_WRITE, gfns, errs, n);
	if (!p)
		goto out;
	for (unsigned i = 0; i < n; i++) {
		if (errs[i]) {
			tc_unmap_foreign(p, n);
			p = NULL;
			errno = errs[i] < 0 ? -errs[i] : EIO;
			break;
		}
	}
out:
	free(gfns);
	free(errs);
	return p;
}

static void tc_unmap(void *priv, void *addr, unsigned n)
{
	(void)priv;
	tc_unmap_foreign(addr, n);
}

static int tc_set_param(void *priv, uint16_t domid, uint32_t index, uint64_t value)
{
	struct tern_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = TERN_DOMCTL_set_param;
	op.domain = domid;
	op.u.param.index = index;
	op.u.param.value = value;
	return tc_domctl(priv, &op);
}

static int tc_alloc_unbound(void *priv, uint16_t domid, uint16_t remote, uint32_t *port)
{
	struct evtchn_alloc_unbound *a = tc_buf_alloc(sizeof(*a));
	long rc;

	if (!a)
		return -ENOMEM;
	a->dom = domid;
	a->remote_dom = remote;
	rc = tc_hypercall(priv, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
			  (uint64_t)(uintptr_t)a, 0, 0, 0);
	if (rc == 0)
		*port = a->port;
	tc_buf_free(a, sizeof(*a));
	return rc < 0 ? (int)rc : 0;
}

static int tc_vcpu_start(void *priv, uint16_t domid, const struct tern_domctl_vcpu_start *st)
{
	struct tern_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = TERN_DOMCTL_vcpu_start;
	op.domain = domid;
	op.u.vcpu_start = *st;
	return tc_domctl(priv, &op);
}

static int tc_set_affinity(void *priv, uint16_t domid, uint32_t vcpu, uint64_t map)
{
	struct tern_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = TERN_DOMCTL_setvcpuaffinity;
	op.domain = domid;
	op.u.vcpuaffinity.vcpu = vcpu;
	op.u.vcpuaffinity.cpumap = map;
	return tc_domctl(priv, &op);
}

static int tc_set_sched(void *priv, uint16_t domid, uint32_t weight, uint32_t cap)
{
	struct tern_domctl_scheduler_op op = {
		.cmd = TERN_SCHEDOP_putinfo,
		.flags = TERN_SCHED_set_weight | TERN_SCHED_set_cap,
		.weight = weight,
		.cap = cap,
	};

	return tc_sched_credit(priv, domid, &op);
}

static int tc_destroy(void *priv, uint16_t domid)
{
	struct tern_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = TERN_DOMCTL_destroydomain;
	op.domain = domid;
	return tc_domctl(priv, &op);
}

void dombuild_tc_ops(struct dombuild_ops *ops, struct tc_handle *h)
{
	ops->priv = h;
	ops->create = tc_create;
	ops->max_mem = tc_max_mem;
	ops->populate = tc_populate;
	ops->map = tc_map;
	ops->unmap = tc_unmap;
	ops->set_param = tc_set_param;
	ops->alloc_unbound = tc_alloc_unbound;
	ops->vcpu_start = tc_vcpu_start;
	ops->set_affinity = tc_set_affinity;
	ops->set_sched = tc_set_sched;
	ops->destroy = tc_destroy;
}
