/*
 * grant_table_op for guests, and grant tables for the rest of the hypervisor:
 * binds common/grant_table.c's state logic to struct domain, guest memory and
 * the nested page tables (p2m). One lock serialises all grant
 * state, since a map or copy touches two domains' tables.
 */
#include <asm/spinlock.h>
#include <public/memory.h>
#include <tern/compat.h>
#include <tern/domain.h>
#include <tern/errno.h>
#include <tern/grant_table.h>
#include <tern/hypercall.h>
#include <tern/hypercall_batch.h>
#include <tern/mm.h>
#include <tern/p2m.h>
#include <tern/string.h>

static struct spinlock gnttab_lock = SPINLOCK_INIT;

static struct domain *owner(const struct grant_table *gt)
{
	return gt ? gt->ctx : NULL;
}

static struct grant_table *ops_find_domain(domid_t id)
{
	struct domain *d = domain_by_id(id);

	return d ? d->grant_table : NULL;
}

static bool ops_is_privileged(const struct grant_table *gt)
{
	return owner(gt)->is_privileged;
}

/* Hypervisor pages are mapped at virtual == physical. */
static void *ops_alloc_page(paddr_t *pa)
{
	void *page = alloc_pages(0);

	*pa = (paddr_t)(uintptr_t)page;
	return page;
}

static void ops_free_page(void *page)
{
	free_pages(page, 0);
}

/* A grant maps the granter's own RAM (not a page it mapped from elsewhere),
 * recorded so that the granter's destruction revokes it. */
static int ops_map_frame(struct grant_table *mapper, uint64_t gpa, struct grant_table *granter,
			 uint64_t gfn, bool readonly)
{
	return p2m_map_foreign_gfn(owner(mapper), gpa >> PAGE_SHIFT, owner(granter), gfn, !readonly);
}

/* Returns once no vCPU of the mapper can still reach the frame (tern/p2m.h):
 * only then is the grant unpinned and the granter free to reuse it. */
static int ops_unmap_frame(struct grant_table *mapper, uint64_t gpa, struct grant_table *granter,
			   uint64_t gfn)
{
	(void)granter;
	(void)gfn;
	return p2m_reset_gfn(owner(mapper), gpa >> PAGE_SHIFT);
}

/* The owner's own RAM (writable, reachable at virtual == physical): a
 * grant copy never reaches MMIO, a mapping or a page of the hypervisor's. */
static void *ops_frame_ptr(struct grant_table *gt, uint64_t gfn, bool writable)
{
	paddr_t hpa;

	(void)writable;
	if (p2m_ram_gfn(owner(gt), gfn, &hpa))
		return NULL;
	return (void *)(uintptr_t)hpa;
}

static const struct gnttab_ops gnttab_hv_ops = {
	.find_domain = ops_find_domain,
	.is_privileged = ops_is_privileged,
	.alloc_page = ops_alloc_page,
	.free_page = ops_free_page,
	.map_frame = ops_map_frame,
	.unmap_frame = ops_unmap_frame,
	.frame_ptr = ops_frame_ptr,
};

int grant_table_init(struct domain *d)
{
	struct grant_table *gt = xmalloc(sizeof(*gt));
	int rc;

	if (!gt)
		return -ENOMEM;
	gnttab_setup(gt, d, d->id);
	/* One frame from the start, for the toolstack's reserved entries. */
	rc = gnttab_grow(&gnttab_hv_ops, gt, 1);
	if (rc) {
		xfree(gt);
		return rc;
	}
	spin_lock(&gnttab_lock);
	d->grant_table = gt;
	spin_unlock(&gnttab_lock);
	return 0;
}

void grant_table_destroy(struct domain *d)
{
	struct grant_table *gt;

	spin_lock(&gnttab_lock);
	gt = d->grant_table;
	/* From here on others find no table for d; their mappings of its grants
	 * are released without touching it, even once its id is reused. (What
	 * they map is revoked with d's other foreign mappings: p2m.c.) */
	d->grant_table = NULL;
	if (gt)
		gnttab_teardown(&gnttab_hv_ops, gt);
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *other = domain_by_id((domid_t)id);

		if (other && other != d && other->grant_table)
			gnttab_forget_granter(other->grant_table, d->id);
	}
	spin_unlock(&gnttab_lock);
	xfree(gt);
}

int grant_table_frame(struct domain *d, unsigned int idx, paddr_t *frame)
{
	int rc = -EINVAL;

	if (idx & XENMAPIDX_grant_table_status)
		return -EINVAL;
	spin_lock(&gnttab_lock);
	if (d->grant_table)
		rc = gnttab_frame(&gnttab_hv_ops, d->grant_table, idx, frame);
	spin_unlock(&gnttab_lock);
	return rc;
}

void grant_ops_hold(void)
{
	spin_lock(&gnttab_lock);
}

void grant_ops_resume(void)
{
	spin_unlock(&gnttab_lock);
}

/*
 * Runs one map, unmap or copy entry. The lock is taken per entry so a long
 * batch does not hold it throughout.
 */
static void gnttab_run_one(struct grant_table *gt, uint64_t cmd, void *op)
{
	spin_lock(&gnttab_lock);
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		gnttab_map_one(&gnttab_hv_ops, gt, op);
		break;
	case GNTTABOP_unmap_grant_ref:
		gnttab_unmap_one(&gnttab_hv_ops, gt, op);
		break;
	case GNTTABOP_copy:
		gnttab_copy_one(&gnttab_hv_ops, gt, op);
		break;
	}
	spin_unlock(&gnttab_lock);
}

union gnttab_entry_args {
	struct gnttab_map_grant_ref map;
	struct gnttab_unmap_grant_ref unmap;
	struct gnttab_copy copy;
};

/* Entries a map, unmap or copy call runs before the rest continues as a new
 * call (hypercall_continue()): a copy entry moves up to a page. */
#define GNTTAB_BATCH_STEP 32

/* The ops whose structure has a 32-bit form of its own (docs/compat-abi.md). */
static const struct xlat_layout *op_layout(uint64_t cmd)
{
	switch (cmd) {
	case GNTTABOP_copy:
		return &xlat_gnttab_copy;
	case GNTTABOP_setup_table:
		return &xlat_gnttab_setup_table;
	default:
		return NULL;
	}
}

/* The bytes of one op's structure in the caller's form (native: size). */
static size_t op_guest_size(struct vcpu *v, uint64_t cmd, size_t size)
{
	const struct xlat_layout *l = op_layout(cmd);

	return l && hypercall_is_compat(v) ? l->compat_size : size;
}

static int op_from_guest(struct vcpu *v, uint64_t cmd, void *a, uint64_t gva, size_t size)
{
	const struct xlat_layout *l = op_layout(cmd);

	return l ? copy_abi_from_guest(v, a, gva, l) : copy_from_guest(v, a, gva, size);
}

static int op_to_guest(struct vcpu *v, uint64_t cmd, uint64_t gva, const void *a, size_t size)
{
	const struct xlat_layout *l = op_layout(cmd);

	return l ? copy_abi_to_guest(v, gva, a, l) : copy_to_guest(v, gva, a, size);
}

/* The largest entry of a batch op as a guest lays it out (native or compat). */
#define GNTTAB_ENTRY_MAX sizeof(union gnttab_entry_args)
/* A step's entries fit one guest_span. */
_Static_assert(GNTTAB_BATCH_STEP * GNTTAB_ENTRY_MAX <= PAGE_SIZE + 1,
	       "a grant batch step spans at most two pages");
_Static_assert(GUEST_SPAN_PAGES >= 2, "a grant batch step needs a two-page span");

/* One entry of a step's copy of the caller's array, in the caller's form. */
static void entry_read(struct vcpu *v, uint64_t cmd, const uint8_t *raw, void *a, size_t size)
{
	const struct xlat_layout *l = op_layout(cmd);

	if (!l || !hypercall_is_compat(v))
		memcpy(a, raw, size);
	else
		compat_to_native(l, raw, a);
}

static void entry_write(struct vcpu *v, uint64_t cmd, uint8_t *raw, const void *a, size_t size)
{
	const struct xlat_layout *l = op_layout(cmd);

	if (!l || !hypercall_is_compat(v))
		memcpy(raw, a, size);
	else
		native_to_compat(l, a, raw);
}

/*
 * map, unmap and copy: count entries at arg, each with its own status, at
 * most GNTTAB_BATCH_STEP per call. The entries a call runs must all be
 * readable and writable before the first of them runs, so a bad pointer or
 * count changes nothing in that step (earlier steps stay done, as in Xen).
 * The step's array is walked in the guest's page tables once (a guest_span)
 * and read once; its entries run from that copy and go back in one write at
 * the end of the step, so a guest sees its statuses when the call returns or
 * continues (and an op that copies into its own step's entries has them
 * written over: the caller's own memory). Reading and writing each entry in
 * guest memory cost an eighth of a grant copy (docs/blkback.md).
 */
static long gnttab_batch(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t count,
			 size_t size)
{
	struct grant_table *gt = v->domain->grant_table;
	size_t guest_size = op_guest_size(v, cmd, size);
	uint8_t whole[GNTTAB_BATCH_STEP * GNTTAB_ENTRY_MAX];
	union gnttab_entry_args a;
	struct batch_step step;
	struct guest_span span;
	size_t bytes;

	if (batch_step(arg, count, guest_size, GNTTAB_BATCH_STEP, &step))
		return -EFAULT;
	bytes = step.n * guest_size;
	if (bytes && (guest_span_init(v, &span, arg, bytes) ||
		      guest_span_read(&span, 0, whole, bytes) ||
		      guest_span_write(&span, 0, whole, bytes)))
		return -EFAULT;
	if (!gt)
		return -ENOSYS;
	for (uint64_t i = 0; i < step.n; i++) {
		entry_read(v, cmd, whole + i * guest_size, &a, size);
		gnttab_run_one(gt, cmd, &a);
		entry_write(v, cmd, whole + i * guest_size, &a, size);
	}
	if (bytes && guest_span_write(&span, 0, whole, bytes))
		return -EFAULT;
	if (step.left)
		return hypercall_continue(v, 3, cmd, step.next_addr, step.left);
	return 0;
}

union gnttab_single_args {
	struct gnttab_query_size query_size;
	struct gnttab_setup_table setup_table;
	struct gnttab_set_version set_version;
	struct gnttab_get_version get_version;
};

/* The one-struct ops; the struct is written back even when the call fails
 * (set_version reports the version in force). */
static long gnttab_single(struct vcpu *v, uint64_t cmd, uint64_t arg, size_t size)
{
	struct grant_table *gt = v->domain->grant_table;
	union gnttab_single_args a;
	long rc = 0;

	if (op_from_guest(v, cmd, &a, arg, size) || op_to_guest(v, cmd, arg, &a, size))
		return -EFAULT;
	if (!gt)
		return -ENOSYS;
	spin_lock(&gnttab_lock);
	switch (cmd) {
	case GNTTABOP_query_size:
		gnttab_query_size(&gnttab_hv_ops, gt, &a.query_size);
		break;
	case GNTTABOP_setup_table:
		gnttab_setup_table(&gnttab_hv_ops, gt, &a.setup_table);
		break;
	case GNTTABOP_set_version:
		rc = gnttab_set_version(gt, &a.set_version);
		break;
	case GNTTABOP_get_version:
		rc = gnttab_get_version(&gnttab_hv_ops, gt, &a.get_version);
		break;
	}
	spin_unlock(&gnttab_lock);
	if (op_to_guest(v, cmd, arg, &a, size))
		rc = -EFAULT;
	return rc;
}

long do_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t count)
{
	bool batch;
	long size = gnttab_op_check(cmd, count, &batch);

	if (size < 0)
		return size;
	if (batch)
		return gnttab_batch(v, cmd, arg, count, (size_t)size);
	return gnttab_single(v, cmd, arg, (size_t)size);
}
