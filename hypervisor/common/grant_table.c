/*
 * Grant-table state (v1). The granter's entries live in pages its guest
 * writes concurrently, so the hypervisor reads and updates an entry's flags
 * and domid together with one 32-bit compare-and-exchange; once an entry is
 * pinned (GTF_reading set) the granter's revocation fails, and the frame
 * latched at the first pin is the one used until the last unpin.
 * Every entry is checked completely before anything is pinned or mapped;
 * a step that fails after that undoes the earlier ones.
 */
#include <public/xen.h>
#include <tern/domid_naming.h>
#include <tern/errno.h>
#include <tern/grant_table.h>
#include <tern/string.h>

/* flags and domid of an entry as one word, as the guest's cmpxchg sees them. */
typedef uint32_t __attribute__((may_alias)) gnttab_word_t;
#define ENTRY_WORD(flags, domid) ((uint32_t)(flags) | (uint32_t)(domid) << 16)

/* Tries before giving up on an entry the guest keeps changing. */
#define PIN_RETRIES 4

void gnttab_setup(struct grant_table *gt, void *ctx, domid_t id)
{
	memset(gt, 0, sizeof(*gt));
	gt->ctx = ctx;
	gt->id = id;
	gt->maptrack_free = GNTTAB_NO_HANDLE;
}

static unsigned int nr_entries(const struct grant_table *gt)
{
	return gt->nr_frames * GNTTAB_ENTRIES_PER_FRAME;
}

static struct grant_entry_v1 *entry_of(struct grant_table *gt, grant_ref_t ref)
{
	return &gt->shared[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}

static struct grant_active *active_of(struct grant_table *gt, grant_ref_t ref)
{
	return &gt->active[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}

int gnttab_grow(const struct gnttab_ops *ops, struct grant_table *gt, unsigned int nr_frames)
{
	if (nr_frames > GNTTAB_MAX_FRAMES)
		return -EINVAL;
	while (gt->nr_frames < nr_frames) {
		unsigned int i = gt->nr_frames;
		paddr_t pa, unused;
		void *shared = ops->alloc_page(&pa);
		void *active = shared ? ops->alloc_page(&unused) : NULL;

		if (!active) {
			if (shared)
				ops->free_page(shared);
			return -ENOMEM;
		}
		gt->shared[i] = shared;
		gt->shared_pa[i] = pa;
		gt->active[i] = active;
		gt->nr_frames++;
	}
	return 0;
}

int gnttab_frame(const struct gnttab_ops *ops, struct grant_table *gt, unsigned int idx,
		 paddr_t *pa)
{
	int rc;

	if (idx >= GNTTAB_MAX_FRAMES)
		return -EINVAL;
	rc = gnttab_grow(ops, gt, idx + 1);
	if (rc)
		return rc;
	*pa = gt->shared_pa[idx];
	return 0;
}

int gnttab_grant(struct grant_table *gt, grant_ref_t ref, domid_t grantee, uint32_t gfn,
		 bool readonly)
{
	struct grant_entry_v1 *e;

	if (ref >= nr_entries(gt))
		return -EINVAL;
	e = entry_of(gt, ref);
	e->domid = grantee;
	e->frame = gfn;
	__atomic_store_n(&e->flags, GTF_permit_access | (readonly ? GTF_readonly : 0),
			 __ATOMIC_RELEASE);
	return 0;
}

/* ---- pins ---- */

/*
 * Checks that entry ref of rgt grants grantee access (write access unless
 * readonly) and sets GTF_reading (and GTF_writing), in one atomic step so
 * the guest cannot revoke in between. Returns a GNTST_* status.
 */
static int16_t pin(struct grant_table *rgt, grant_ref_t ref, domid_t grantee, bool readonly,
		   uint32_t *frame)
{
	struct grant_entry_v1 *e = entry_of(rgt, ref);
	struct grant_active *act = active_of(rgt, ref);
	gnttab_word_t *word = (gnttab_word_t *)e;
	uint32_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE);
	uint16_t set = GTF_reading | (readonly ? 0 : GTF_writing);
	int tries;

	if ((readonly ? act->readers : act->writers) == UINT16_MAX)
		return GNTST_general_error;
	for (tries = 0; tries < PIN_RETRIES; tries++) {
		uint16_t flags = (uint16_t)old;

		if ((flags & GTF_type_mask) != GTF_permit_access || (old >> 16) != grantee)
			return GNTST_general_error;
		if (!readonly && (flags & GTF_readonly))
			return GNTST_general_error;
		if (__atomic_compare_exchange_n(word, &old, old | set, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			break;
	}
	if (tries == PIN_RETRIES)
		return GNTST_general_error;

	if (act->readers == 0 && act->writers == 0)
		act->frame = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);
	if (readonly)
		act->readers++;
	else
		act->writers++;
	*frame = act->frame;
	return GNTST_okay;
}

/* Drops one pin; the last writer clears GTF_writing, the last user GTF_reading. */
static void unpin(struct grant_table *rgt, grant_ref_t ref, bool readonly)
{
	struct grant_entry_v1 *e = entry_of(rgt, ref);
	struct grant_active *act = active_of(rgt, ref);
	uint16_t clear = 0;

	if (readonly)
		act->readers--;
	else
		act->writers--;
	if (act->writers == 0)
		clear |= GTF_writing;
	if (act->readers == 0 && act->writers == 0) {
		clear |= GTF_reading;
		act->frame = 0;
	}
	if (clear)
		__atomic_fetch_and(&e->flags, (uint16_t)~clear, __ATOMIC_RELEASE);
}

/* ---- maptrack: the handles of the mappings a domain holds ---- */

static struct grant_mapping *mapping_of(struct grant_table *gt, uint32_t handle)
{
	return &gt->maptrack[handle / GNTTAB_MAPTRACK_PER_PAGE][handle % GNTTAB_MAPTRACK_PER_PAGE];
}

/* Makes sure a free handle exists (adding a page of them if needed). */
static bool maptrack_reserve(const struct gnttab_ops *ops, struct grant_table *gt)
{
	unsigned int base;
	paddr_t pa;
	struct grant_mapping *page;

	if (gt->maptrack_free != GNTTAB_NO_HANDLE)
		return true;
	if (gt->maptrack_pages == GNTTAB_MAPTRACK_MAX_PAGES)
		return false;
	page = ops->alloc_page(&pa);
	if (!page)
		return false;
	base = gt->maptrack_pages * GNTTAB_MAPTRACK_PER_PAGE;
	/* Chain the new handles so the lowest is used first. */
	for (unsigned int i = 0; i < GNTTAB_MAPTRACK_PER_PAGE; i++)
		page[i].ref = i + 1 < GNTTAB_MAPTRACK_PER_PAGE ? base + i + 1 : GNTTAB_NO_HANDLE;
	gt->maptrack[gt->maptrack_pages++] = page;
	gt->maptrack_free = base;
	return true;
}

static uint32_t maptrack_get(struct grant_table *gt)
{
	uint32_t handle = gt->maptrack_free;

	gt->maptrack_free = mapping_of(gt, handle)->ref;
	gt->maptrack_used++;
	return handle;
}

/* A freed handle is the next one given out. */
static void maptrack_put(struct grant_table *gt, uint32_t handle)
{
	struct grant_mapping *m = mapping_of(gt, handle);

	memset(m, 0, sizeof(*m));
	m->ref = gt->maptrack_free;
	gt->maptrack_free = handle;
	gt->maptrack_used--;
}

/* ---- map and unmap ---- */

int16_t gnttab_map_one(const struct gnttab_ops *ops, struct grant_table *gt,
		       struct gnttab_map_grant_ref *op)
{
	bool readonly = op->flags & GNTMAP_readonly;
	uint64_t gpa = op->host_addr & PAGE_MASK;
	struct grant_table *rgt;
	struct grant_mapping *m;
	uint32_t handle, frame;
	int16_t st;

	op->dev_bus_addr = 0;
	if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map))) {
		st = GNTST_bad_gntref;
		goto out;
	}
	/* Guests are auto-translated: host_addr is a guest-physical address, and
	 * there are no PTE or device (IOMMU) mappings to make. */
	if (!(op->flags & GNTMAP_host_map) || (op->flags & GNTMAP_contains_pte)) {
		st = GNTST_general_error;
		goto out;
	}
	rgt = ops->find_domain(op->dom);
	if (!rgt) {
		st = GNTST_bad_domain;
		goto out;
	}
	if (op->ref >= nr_entries(rgt)) {
		st = GNTST_bad_gntref;
		goto out;
	}
	if (!maptrack_reserve(ops, gt)) {
		st = GNTST_no_space;
		goto out;
	}
	st = pin(rgt, op->ref, gt->id, readonly, &frame);
	if (st != GNTST_okay)
		goto out;
	if (ops->map_frame(gt, gpa, rgt, frame, readonly)) {
		unpin(rgt, op->ref, readonly);
		st = GNTST_general_error;
		goto out;
	}
	handle = maptrack_get(gt);
	m = mapping_of(gt, handle);
	m->ref = op->ref;
	m->dom = rgt->id;
	m->flags = GNTTAB_MAPPING_INUSE | (readonly ? GNTTAB_MAPPING_READONLY : 0);
	m->host_addr = gpa;
	op->handle = handle;
out:
	op->status = st;
	return st;
}

/* The table whose grant mapping m is, or NULL if that domain is gone. */
static struct grant_table *granter_of(const struct gnttab_ops *ops, const struct grant_mapping *m)
{
	struct grant_table *rgt;

	if (m->flags & GNTTAB_MAPPING_ORPHAN)
		return NULL;
	rgt = ops->find_domain(m->dom);
	/* A granter that grew no frames since cannot have lost the entry. */
	return rgt && m->ref < nr_entries(rgt) ? rgt : NULL;
}

void gnttab_forget_granter(struct grant_table *gt, domid_t granter)
{
	unsigned int nr_handles = gt->maptrack_pages * GNTTAB_MAPTRACK_PER_PAGE;

	for (uint32_t h = 0; h < nr_handles; h++) {
		struct grant_mapping *m = mapping_of(gt, h);

		if (m->flags & GNTTAB_MAPPING_INUSE && m->dom == granter)
			m->flags |= GNTTAB_MAPPING_ORPHAN;
	}
}

/* Undoes mapping handle of gt, which is in use; 0 or the unmap_frame error. */
static int unmap_handle(const struct gnttab_ops *ops, struct grant_table *gt, uint32_t handle)
{
	struct grant_mapping *m = mapping_of(gt, handle);
	bool readonly = m->flags & GNTTAB_MAPPING_READONLY;
	struct grant_table *rgt = granter_of(ops, m);
	uint64_t frame = rgt ? active_of(rgt, m->ref)->frame : 0;

	if (ops->unmap_frame(gt, m->host_addr, rgt, frame))
		return -EINVAL;
	if (rgt)
		unpin(rgt, m->ref, readonly);
	maptrack_put(gt, handle);
	return 0;
}

int16_t gnttab_unmap_one(const struct gnttab_ops *ops, struct grant_table *gt,
			 struct gnttab_unmap_grant_ref *op)
{
	uint32_t handle = op->handle;
	struct grant_mapping *m;

	if (handle >= gt->maptrack_pages * GNTTAB_MAPTRACK_PER_PAGE ||
	    !(mapping_of(gt, handle)->flags & GNTTAB_MAPPING_INUSE)) {
		op->status = GNTST_bad_handle;
		return op->status;
	}
	m = mapping_of(gt, handle);
	if ((op->host_addr & PAGE_MASK) != m->host_addr || unmap_handle(ops, gt, handle))
		op->status = GNTST_general_error;
	else
		op->status = GNTST_okay;
	return op->status;
}

/* ---- copy ---- */

struct copy_side {
	struct grant_table *owner;  /* whose page */
	uint64_t gfn;
	bool is_gref;
	grant_ref_t ref;
	bool pinned;
	uint8_t *page;
};

/* Checks one side without touching anything: the domain and ref exist. */
static int16_t copy_side_check(const struct gnttab_ops *ops, struct grant_table *gt,
			       const struct gnttab_copy_ptr *ptr, bool is_gref,
			       struct copy_side *side)
{
	side->is_gref = is_gref;
	side->pinned = false;
	if (!is_gref) {
		/* Copy by frame only from or to the caller's own memory. */
		if (ptr->domid != DOMID_SELF)
			return GNTST_permission_denied;
		side->owner = gt;
		side->gfn = ptr->u.gmfn;
		return GNTST_okay;
	}
	side->owner = ptr->domid == DOMID_SELF ? gt : ops->find_domain(ptr->domid);
	if (!side->owner)
		return GNTST_bad_domain;
	if (ptr->u.ref >= nr_entries(side->owner))
		return GNTST_bad_gntref;
	side->ref = ptr->u.ref;
	return GNTST_okay;
}

static int16_t copy_side_acquire(const struct gnttab_ops *ops, struct grant_table *gt,
				 struct copy_side *side, bool write)
{
	if (side->is_gref) {
		uint32_t frame;
		int16_t st = pin(side->owner, side->ref, gt->id, !write, &frame);

		if (st != GNTST_okay)
			return st;
		side->pinned = true;
		side->gfn = frame;
	}
	side->page = ops->frame_ptr(side->owner, side->gfn, write);
	return side->page ? GNTST_okay : GNTST_bad_page;
}

static void copy_side_release(struct copy_side *side, bool write)
{
	if (side->pinned)
		unpin(side->owner, side->ref, !write);
	side->pinned = false;
}

int16_t gnttab_copy_one(const struct gnttab_ops *ops, struct grant_table *gt,
			struct gnttab_copy *op)
{
	struct copy_side src, dst;
	int16_t st;

	if ((op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref)) ||
	    op->source.offset + op->len > PAGE_SIZE || op->dest.offset + op->len > PAGE_SIZE) {
		st = GNTST_bad_copy_arg;
		goto out;
	}
	st = copy_side_check(ops, gt, &op->source, op->flags & GNTCOPY_source_gref, &src);
	if (st == GNTST_okay)
		st = copy_side_check(ops, gt, &op->dest, op->flags & GNTCOPY_dest_gref, &dst);
	if (st != GNTST_okay)
		goto out;

	st = copy_side_acquire(ops, gt, &src, false);
	if (st == GNTST_okay)
		st = copy_side_acquire(ops, gt, &dst, true);
	if (st == GNTST_okay)
		memmove(dst.page + op->dest.offset, src.page + op->source.offset, op->len);
	copy_side_release(&dst, true);
	copy_side_release(&src, false);
out:
	op->status = st;
	return st;
}

/* ---- calls ---- */

long gnttab_op_check(uint64_t cmd, uint64_t count, bool *batch)
{
	size_t size;

	*batch = cmd == GNTTABOP_map_grant_ref || cmd == GNTTABOP_unmap_grant_ref ||
		 cmd == GNTTABOP_copy;
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		size = sizeof(struct gnttab_map_grant_ref);
		break;
	case GNTTABOP_unmap_grant_ref:
		size = sizeof(struct gnttab_unmap_grant_ref);
		break;
	case GNTTABOP_copy:
		size = sizeof(struct gnttab_copy);
		break;
	case GNTTABOP_query_size:
		size = sizeof(struct gnttab_query_size);
		break;
	case GNTTABOP_setup_table:
		size = sizeof(struct gnttab_setup_table);
		break;
	case GNTTABOP_set_version:
		size = sizeof(struct gnttab_set_version);
		break;
	case GNTTABOP_get_version:
		size = sizeof(struct gnttab_get_version);
		break;
	default:
		return -ENOSYS;
	}
	if (*batch ? count > GNTTAB_MAX_COUNT : count != 1)
		return -EINVAL;
	return (long)size;
}

/* ---- size and version ---- */

/* The table a caller names (tern/domid_naming.h). */
static int16_t lookup_table(const struct gnttab_ops *ops, struct grant_table *gt, domid_t dom,
			    struct grant_table **out)
{
	switch (domid_naming(dom, gt->id, ops->is_privileged(gt))) {
	case DOMID_NAMES_CALLER:
		*out = gt;
		return GNTST_okay;
	case DOMID_NAMES_OTHER:
		*out = ops->find_domain(dom);
		return *out ? GNTST_okay : GNTST_bad_domain;
	default:
		return GNTST_permission_denied;
	}
}

void gnttab_query_size(const struct gnttab_ops *ops, struct grant_table *gt,
		       struct gnttab_query_size *op)
{
	struct grant_table *t;

	op->status = lookup_table(ops, gt, op->dom, &t);
	if (op->status != GNTST_okay)
		return;
	op->nr_frames = t->nr_frames;
	op->max_nr_frames = GNTTAB_MAX_FRAMES;
}

/*
 * setup_table hands out frame numbers for a guest to map by itself, which only
 * means something to guests that are not auto-translated; tern's guests map
 * the table with XENMEM_add_to_physmap. Arguments are checked as Xen checks
 * them, then the answer is GNTST_general_error and nothing changes.
 */
void gnttab_setup_table(const struct gnttab_ops *ops, struct grant_table *gt,
			struct gnttab_setup_table *op)
{
	struct grant_table *t;

	op->status = lookup_table(ops, gt, op->dom, &t);
	if (op->status == GNTST_okay)
		op->status = GNTST_general_error;
}

int gnttab_set_version(struct grant_table *gt, struct gnttab_set_version *op)
{
	(void)gt;
	if (op->version != 1) {
		op->version = 1;
		return -EINVAL;
	}
	return 0;
}

int gnttab_get_version(const struct gnttab_ops *ops, struct grant_table *gt,
		       struct gnttab_get_version *op)
{
	struct grant_table *t;

	switch (lookup_table(ops, gt, op->dom, &t)) {
	case GNTST_okay:
		op->version = 1;
		return 0;
	case GNTST_bad_domain:
		return -ESRCH;
	default:
		return -EPERM;
	}
}

void gnttab_teardown(const struct gnttab_ops *ops, struct grant_table *gt)
{
	unsigned int nr_handles = gt->maptrack_pages * GNTTAB_MAPTRACK_PER_PAGE;

	for (uint32_t h = 0; h < nr_handles && gt->maptrack_used; h++) {
		struct grant_mapping *m = mapping_of(gt, h);
		struct grant_table *rgt;

		if (!(m->flags & GNTTAB_MAPPING_INUSE))
			continue;
		if (unmap_handle(ops, gt, h) == 0)
			continue;
		/* The mapping cannot be undone; still give the grant back. */
		rgt = granter_of(ops, m);
		if (rgt)
			unpin(rgt, m->ref, m->flags & GNTTAB_MAPPING_READONLY);
		maptrack_put(gt, h);
	}
	for (unsigned int i = 0; i < gt->maptrack_pages; i++)
		ops->free_page(gt->maptrack[i]);
	for (unsigned int i = 0; i < gt->nr_frames; i++) {
		ops->free_page(gt->shared[i]);
		ops->free_page(gt->active[i]);
	}
	gnttab_setup(gt, gt->ctx, gt->id);
}
