/*
 * memory_op: what a guest's physical address space holds. For the
 * auto-translated guests tern runs, every operation is an edit of the
 * domain's nested page table: mapping the shared_info page or a grant-table
 * frame at a guest frame, mapping another domain's frames (dom0's backends
 * and tools), and undoing that; a domU's RAM given and given back.
 */
#include <public/memory.h>
#include <tern/compat.h>
#include <tern/console.h>
#include <tern/errno.h>
#include <tern/grant_table.h>
#include <tern/hypercall.h>
#include <tern/hypercall_batch.h>
#include <tern/domu.h>
#include <tern/mm.h>
#include <tern/p2m.h>

#define BATCH_MAX 1024         /* entries per add_to_physmap_batch call */
/* Work per call before the rest continues as a new call (hypercall_continue()). */
#define BATCH_STEP 64           /* add_to_physmap_batch entries */
#define RESERVATION_STEP_PAGES 4096 /* pages populate/decrease_reservation do (16 MiB) */
/* The largest extent decrease_reservation takes from a domU / dom0, as Xen's
 * default memop-max-order (2 MiB, 16 MiB). */
#define DOMU_MAX_ORDER 9
#define DOM0_MAX_ORDER 12

/* A hypervisor page the domain may map (shared_info, a grant-table frame)
 * moves to the gfn given, as on Xen: one mapping of each at a time. */
static long add_to_physmap(struct vcpu *v, uint64_t arg)
{
	struct xen_add_to_physmap xatp;
	struct domain *d;
	uint64_t *where;
	paddr_t frame;
	long rc = 0;

	if (copy_abi_from_guest(v, &xatp, arg, &xlat_add_to_physmap))
		return -EFAULT;
	/* As in Xen: foreign frames only come through add_to_physmap_batch. */
	if (xatp.space == XENMAPSPACE_gmfn_foreign)
		return -ENOSYS;
	d = domain_named_by(v->domain, xatp.domid, &rc);
	if (!d)
		return rc;
	switch (xatp.space) {
	case XENMAPSPACE_shared_info:
		if (xatp.idx != 0)
			return -EINVAL;
		rc = domain_shared_info_init(d);
		if (rc)
			return rc;
		frame = (uintptr_t)d->shared_info;
		where = &d->shared_info_gfn;
		break;
	case XENMAPSPACE_grant_table:
		/* Version 1 has no status frames (XENMAPIDX_grant_table_status). */
		if (xatp.idx >= GNTTAB_MAX_FRAMES)
			return -EINVAL;
		rc = grant_table_frame(d, (unsigned int)xatp.idx, &frame);
		if (rc)
			return rc;
		where = &d->grant_frame_gfn[xatp.idx];
		break;
	default:
		return -EINVAL;
	}
	return p2m_place(d, where, xatp.gpfn, frame);
}

/* A batch's continuation: the same op, resuming at entry `next`. */
static long continue_batch(struct vcpu *v, unsigned int op, uint64_t next)
{
	return hypercall_continue(v, 1, memop_resume_cmd(op, next), 0, 0);
}

/* Maps frames of another domain into the caller (privcmd's foreign mappings),
 * from entry `start` on. */
static long add_to_physmap_batch(struct vcpu *v, uint64_t arg, uint64_t start)
{
	struct xen_add_to_physmap_batch b;
	struct domain *d, *foreign;
	long rc = 0;

	if (copy_abi_from_guest(v, &b, arg, &xlat_add_to_physmap_batch))
		return -EFAULT;
	if (b.space != XENMAPSPACE_gmfn_foreign)
		return -EOPNOTSUPP;
	if (b.size > BATCH_MAX || start > b.size)
		return -EINVAL;
	d = domain_named_by(v->domain, b.domid, &rc);
	if (!d)
		return rc;
	/* Only dom0 maps foreign frames; others get -EPERM for each entry, as
	 * from Xen (the call itself succeeds). A dying domain's RAM is on its
	 * way back to the heap. */
	foreign = v->domain->is_privileged ? domain_by_id(b.foreign_domid) : NULL;
	if (v->domain->is_privileged && (!foreign || foreign == d || foreign->dying))
		return -ESRCH;
	for (uint64_t i = start; i < b.size; i++) {
		uint64_t idx, gpfn;
		int err = -EPERM;

		if (i - start == BATCH_STEP)
			return continue_batch(v, XENMEM_add_to_physmap_batch, i);
		if (copy_ulong_from_guest(v, &idx, b.idxs, i) ||
		    copy_ulong_from_guest(v, &gpfn, b.gpfns, i))
			return -EFAULT;
		if (foreign)
			err = p2m_map_foreign_gfn(d, gpfn, foreign, idx, true);
		if (copy_to_guest(v, b.errs + i * sizeof(err), &err, sizeof(err)))
			return -EFAULT;
	}
	return 0;
}

static long remove_from_physmap(struct vcpu *v, uint64_t arg)
{
	struct xen_remove_from_physmap xrfp;
	struct domain *d;
	long rc = 0;

	if (copy_abi_from_guest(v, &xrfp, arg, &xlat_remove_from_physmap))
		return -EFAULT;
	d = domain_named_by(v->domain, xrfp.domid, &rc);
	if (!d)
		return rc;
	return p2m_reset_gfn(d, xrfp.gpfn);
}

static long memory_map(struct vcpu *v, uint64_t arg)
{
	const struct e820_map *map = v->domain->e820;
	struct xen_memory_map mm;
	struct {
		uint64_t addr, size;
		uint32_t type;
	} __attribute__((packed)) entry;
	uint32_t n;

	if (copy_abi_from_guest(v, &mm, arg, &xlat_memory_map))
		return -EFAULT;
	if (!map)
		return -ENOSYS;
	n = MIN(mm.nr_entries, map->nr);
	for (uint32_t i = 0; i < n; i++) {
		entry.addr = map->entry[i].addr;
		entry.size = map->entry[i].size;
		entry.type = map->entry[i].type;
		if (copy_to_guest(v, mm.buffer + i * sizeof(entry), &entry, sizeof(entry)))
			return -EFAULT;
	}
	mm.nr_entries = n;
	return copy_abi_to_guest(v, arg, &mm, &xlat_memory_map);
}

/*
 * The extents of r from `start` on, each done by `one` (0 or an error, which
 * ends the call there). Returns the extents done in all, as Xen: a frame
 * list the guest cannot give (a fault) ends the call as an extent that
 * fails, with -EFAULT only if nothing was done. A long list continues after
 * every RESERVATION_STEP_PAGES pages.
 */
static long each_extent(struct vcpu *v, unsigned int op, const struct xen_memory_reservation *r,
			struct domain *d, uint64_t start,
			int (*one)(struct domain *d, uint64_t gfn, unsigned int order))
{
	for (xen_ulong_t i = start; i < r->nr_extents; i++) {
		uint64_t gfn;

		if (((i - start) << r->extent_order) >= RESERVATION_STEP_PAGES)
			return continue_batch(v, op, i);
		if (copy_ulong_from_guest(v, &gfn, r->extent_start, i))
			return i ? (long)i : -EFAULT;
		if (one(d, gfn, r->extent_order))
			return (long)i;
	}
	return (long)r->nr_extents;
}

/*
 * The toolstack gives a domU its RAM, or the guest takes back what it gave
 * back: extents of 2^order fresh pages at the guest frames listed, from
 * extent `start` on, fewer than asked when memory or the domain's allowance
 * runs out.
 */
static long populate_physmap(struct vcpu *v, uint64_t arg, uint64_t start)
{
	struct xen_memory_reservation r;
	struct domain *d;
	long rc = 0;

	if (copy_abi_from_guest(v, &r, arg, &xlat_memory_reservation))
		return -EFAULT;
	/* A domain that may not be named gets Xen's answer: no extents done. */
	d = domain_named_by(v->domain, r.domid, &rc);
	if (!d)
		return 0;
	/* dom0's RAM is fixed at boot; only domUs grow this way. */
	if (d->is_privileged || (r.extent_order != 0 && r.extent_order != 9) ||
	    !memop_batch_fits(r.nr_extents, hypercall_arg_max(v)) || start > r.nr_extents)
		return -EINVAL;
	return each_extent(v, XENMEM_populate_physmap, &r, d, start, domu_populate);
}

/* Every frame of one extent, one by one as Xen does; a frame that is not
 * the domain's RAM ends it (its earlier frames stay given back). */
static int release_extent(struct domain *d, uint64_t gfn, unsigned int order)
{
	int rc = 0;
	uint64_t i;

	/* An extent that runs past 2^64 frames names no RAM from there. */
	for (i = 0; i < 1ull << order && !rc; i++)
		rc = gfn + i < gfn ? -ENOENT : domu_release(d, gfn + i);
	/* Refused while held (not merely absent): a guest that counts on every
	 * page going, as Linux's balloon does, will stop; say which. */
	if (rc && rc != -ENOENT && domain_log_allowed(d))
		pr_info("Domain %u: gfn %#lx not given back (%d)\n", d->id, gfn + i - 1, rc);
	return rc;
}

/*
 * A domU gives RAM back (its balloon driver), or dom0 takes it from one: the
 * frames of each extent leave its guest-physical space and go back to the
 * heap (domu_release()). Xen's answers throughout: the number of extents
 * given back, from `start` on, which stops at the first frame that is not
 * the domain's RAM (never populated, given back already, beyond its space:
 * not an error; the second release of a frame gives 0) or that another
 * domain or the hypervisor still holds; a call it does not take at all (a
 * domain it may not name, an order above the caller's maximum, more than
 * 2^26 - 1 extents, Xen's bound for every caller) does nothing and returns
 * `start`. dom0 has no frames to give back: its RAM is fixed at boot.
 */
static long decrease_reservation(struct vcpu *v, uint64_t arg, uint64_t start)
{
	unsigned int max_order = v->domain->is_privileged ? DOM0_MAX_ORDER : DOMU_MAX_ORDER;
	struct xen_memory_reservation r;
	struct domain *d;
	long rc = 0;

	if (copy_abi_from_guest(v, &r, arg, &xlat_memory_reservation))
		return (long)start;
	d = domain_named_by(v->domain, r.domid, &rc);
	if (!d || r.extent_order > max_order || !memop_batch_fits(r.nr_extents, UINT32_MAX) ||
	    start >= r.nr_extents)
		return (long)start;
	rc = each_extent(v, XENMEM_decrease_reservation, &r, d, start, release_extent);
	return rc < 0 ? 0 : rc; /* a list it cannot read: nothing done */
}

/* current/maximum_reservation, maximum_ram_page: sizes in pages. */
static long reservation(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	struct domain *d;
	domid_t domid;
	long rc = 0;

	if (cmd == XENMEM_maximum_ram_page)
		return (long)(v->domain->max_gfn);
	if (copy_from_guest(v, &domid, arg, sizeof(domid)))
		return -EFAULT;
	d = domain_named_by(v->domain, domid, &rc);
	if (!d)
		return rc;
	return (long)(cmd == XENMEM_current_reservation ? d->tot_pages : d->max_pages);
}

long do_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	uint64_t start = memop_resume_point(cmd);

	switch (cmd & MEMOP_CMD_MASK) {
	case XENMEM_populate_physmap:
		return populate_physmap(v, arg, start);
	case XENMEM_decrease_reservation:
		return decrease_reservation(v, arg, start);
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, arg);
	case XENMEM_add_to_physmap_batch:
		return add_to_physmap_batch(v, arg, start);
	case XENMEM_remove_from_physmap:
		return remove_from_physmap(v, arg);
	case XENMEM_memory_map:
		return memory_map(v, arg);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_ram_page:
		return reservation(v, cmd & MEMOP_CMD_MASK, arg);
	default:
		return -ENOSYS;
	}
}
