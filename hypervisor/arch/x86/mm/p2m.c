/*
 * Changes of a domain's nested page table (tern/p2m.h): its bounds, the
 * fixed page, its allowance of table pages, waiting for TLBs before
 * anything unmapped may be reused, and the mappings of one domain's frames
 * in another's (foreign and grant maps), which destroying the owner takes
 * back (tern/foreign_map.h). Reads and writes through the table are
 * p2m_access.c's.
 *
 * Locks: a domain's p2m_lock is taken last and never two at once; callers
 * may hold the grant-table lock, then foreign_lock, then a p2m_lock.
 */
#include <asm/cpu.h>
#include <asm/p2m_build.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/p2m.h>
#include <tern/p2m_bounds.h>
#include <tern/sched.h>

#define FLUSH_WAIT_NS 1000000000ull /* a vCPU that takes longer to leave the guest is lost */
#define KICK_AGAIN_NS 1000000ull

/* Serialises every domain's foreign_maps, and each map with a revoke. */
static struct spinlock foreign_lock = SPINLOCK_INIT;
static bool npt_pages_1g;

/* One change of a table, and the table pages it gave back: they are freed
 * only once no TLB can still walk them. */
struct p2m_change {
	struct domain *d;
	uint64_t freed[3]; /* a page table, a directory, a directory-pointer table */
	unsigned int nr_freed;
};

static uint64_t change_alloc_table(void *ctx)
{
	struct p2m_change *c = ctx;
	void *page;

	if (c->d->npt_pages >= c->d->npt_pages_max)
		return 0;
	page = alloc_pages(0);
	if (!page)
		return 0;
	c->d->npt_pages++;
	return (uintptr_t)page;
}

static void change_free_table(void *ctx, uint64_t paddr)
{
	struct p2m_change *c = ctx;

	if (c->nr_freed == ARRAY_SIZE(c->freed))
		panic("p2m: a change gave back more than %zu tables", ARRAY_SIZE(c->freed));
	c->freed[c->nr_freed++] = paddr;
}

static struct p2m_mem change_mem(struct p2m_change *c)
{
	return (struct p2m_mem){ c, change_alloc_table, change_free_table, p2m_direct_map,
				 npt_pages_1g };
}

void p2m_init(struct domain *d)
{
	npt_pages_1g = cpu_has_1g_pages();
	d->p2m_gen = 1;
	d->p2m_fixed_gpa = ~0ull;
	d->shared_info_gfn = P2M_NOWHERE;
	for (unsigned int i = 0; i < GNTTAB_MAX_FRAMES; i++)
		d->grant_frame_gfn[i] = P2M_NOWHERE;
}

void p2m_set_bounds(struct domain *d, uint64_t limit, uint64_t max_tables)
{
	spin_lock(&d->p2m_lock);
	d->p2m_gen++;
	d->p2m_limit = limit;
	d->npt_pages_max = max_tables;
	spin_unlock(&d->p2m_lock);
}

void p2m_fix_page(struct domain *d, uint64_t gpa)
{
	d->p2m_fixed_gpa = gpa & PAGE_MASK;
}

/* The pCPUs (bit n = pCPU n) where a vCPU of d is in guest mode with a
 * table older than epoch; the caller's own pCPU runs none of them. */
static uint64_t stale_cpus(struct domain *d, uint64_t epoch)
{
	unsigned int self = smp_processor_id();
	uint64_t cpus = 0;

	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = &d->vcpu[i];

		if (__atomic_load_n(&v->in_guest, __ATOMIC_SEQ_CST) && v->pcpu != self &&
		    (int64_t)(__atomic_load_n(&v->npt_epoch, __ATOMIC_ACQUIRE) - epoch) < 0)
			cpus |= 1ull << v->pcpu;
	}
	return cpus;
}

/*
 * After a change that took translations away: a new epoch, then wait
 * until no vCPU of d is still in guest mode with an older one (a kick makes
 * it leave; it flushes when it enters again, svm.c). The epoch is bumped
 * before in_guest is read and a vCPU sets in_guest before it reads the
 * epoch (both sequentially consistent), so a vCPU this does not see in
 * guest mode is sure to see the new epoch. false if one did not leave in
 * FLUSH_WAIT_NS.
 */
static bool flush_wait(struct domain *d)
{
	uint64_t epoch = __atomic_add_fetch(&d->npt_epoch, 1, __ATOMIC_SEQ_CST);
	uint64_t now = system_time_ns(), deadline = now + FLUSH_WAIT_NS, kick = now;
	uint64_t cpus;

	while ((cpus = stale_cpus(d, epoch))) {
		now = system_time_ns();
		if (now >= deadline)
			return false;
		if (now >= kick) {
			arch_kick_cpus(cpus);
			kick = now + KICK_AGAIN_NS;
		}
		cpu_relax();
	}
	return true;
}

/* Writes gfn's entry, d's p2m_lock held. */
static int change_locked(struct domain *d, uint64_t gfn, paddr_t hpa, unsigned int access)
{
	struct p2m_change c = { .d = d };
	struct p2m_mem mem = change_mem(&c);
	uint64_t gpa, old;
	bool present;
	int rc;

	if (!p2m_gfn_below(gfn, d->p2m_limit))
		return -EINVAL;
	gpa = gfn << PAGE_SHIFT;
	if (gpa == d->p2m_fixed_gpa)
		return -EPERM;
	present = !p2m_build_translate(hvm->p2m_format, &mem, d->npt_root, gpa, &old, NULL, NULL);
	d->p2m_gen++; /* what p2m_access.c kept of the table is void */
	rc = p2m_build_map_4k(hvm->p2m_format, &mem, d->npt_root, gpa, hpa, access);
	if (present || c.nr_freed || d->p2m_flush_owed) {
		d->p2m_flush_owed = !flush_wait(d);
		if (d->p2m_flush_owed) {
			/* The freed tables may still be walked: they stay out of the heap. */
			pr_err("Domain %u: a vCPU did not leave the guest to flush its TLB; "
			       "%u table page(s) kept\n", d->id, c.nr_freed);
			return rc ? rc : -EBUSY;
		}
	}
	for (unsigned int i = 0; i < c.nr_freed; i++) {
		free_pages((void *)(uintptr_t)c.freed[i], 0);
		d->npt_pages--;
	}
	return rc;
}

static int reset_locked(struct domain *d, uint64_t gfn)
{
	paddr_t hpa;

	if (!p2m_gfn_below(gfn, d->p2m_limit))
		return -EINVAL;
	if (!d->base_frame(d, gfn << PAGE_SHIFT, &hpa))
		return change_locked(d, gfn, 0, 0);
	return change_locked(d, gfn, hpa, P2M_RWX);
}

int p2m_map_gfn(struct domain *d, uint64_t gfn, paddr_t hpa, bool writable)
{
	int rc;

	spin_lock(&d->p2m_lock);
	rc = change_locked(d, gfn, hpa, writable ? P2M_RWX : P2M_RX);
	spin_unlock(&d->p2m_lock);
	return rc;
}

int p2m_reset_gfn(struct domain *d, uint64_t gfn)
{
	int rc;

	spin_lock(&d->p2m_lock);
	rc = reset_locked(d, gfn);
	spin_unlock(&d->p2m_lock);
	return rc;
}

/* Whether d shows host frame hpa at gfn; d's p2m_lock held (or d's table
 * otherwise still). */
static bool maps_locked(struct domain *d, uint64_t gfn, paddr_t hpa)
{
	struct p2m_mem mem = { .map = p2m_direct_map };
	paddr_t now;

	return d->npt_root && p2m_gfn_below(gfn, P2M_LIMIT) &&
	       !p2m_build_translate(hvm->p2m_format, &mem, d->npt_root, gfn << PAGE_SHIFT, &now, NULL, NULL) && now == hpa;
}

int p2m_place(struct domain *d, uint64_t *where, uint64_t gfn, paddr_t page)
{
	uint64_t old;
	int rc;

	spin_lock(&d->p2m_lock);
	rc = change_locked(d, gfn, page, P2M_RWX);
	if (!rc || rc == -EBUSY) {
		old = *where;
		*where = gfn;
		if (old != P2M_NOWHERE && old != gfn && maps_locked(d, old, page))
			reset_locked(d, old);
	}
	spin_unlock(&d->p2m_lock);
	return rc;
}

/* ---- others' mappings of a domain's frames ---- */

static bool fm_maps(void *ctx, domid_t mapper, uint64_t gfn, paddr_t hpa)
{
	struct domain *m = domain_by_id(mapper);
	bool maps;

	(void)ctx;
	/* A domain being created may not have a table yet. */
	if (!m || !m->npt_root)
		return false;
	spin_lock(&m->p2m_lock);
	maps = maps_locked(m, gfn, hpa);
	spin_unlock(&m->p2m_lock);
	return maps;
}

/*
 * What a revoked frame shows: dom0 the scratch region, as at any memory it
 * does not own (never a device's registers); a domU what it has there
 * itself, its RAM or nothing (reads of all-ones). Either way it is the
 * mapper's own, and its later unmap (remove_from_physmap, grant unmap) just
 * puts the same default back.
 */
static void fm_revoke(void *ctx, domid_t mapper, uint64_t gfn)
{
	bool *busy = ctx;
	struct domain *m = domain_by_id(mapper);
	uint64_t gpa = gfn << PAGE_SHIFT;
	int rc;

	if (m->scratch)
		rc = p2m_map_gfn(m, gfn, m->scratch + (gpa & (MiB(2) - 1)), true);
	else
		rc = p2m_reset_gfn(m, gfn);
	if (rc)
		pr_err("Domain %u: revoking gfn %#lx failed (%d)\n", mapper, gfn, rc);
	if (rc == -EBUSY)
		*busy = true;
}

static void *fm_alloc(size_t size)
{
	return xmalloc(size);
}

int p2m_map_foreign_gfn(struct domain *mapper, uint64_t gfn, struct domain *owner,
			uint64_t owner_gfn, bool writable)
{
	const struct foreign_map_ops ops = {
		.maps = fm_maps, .alloc = fm_alloc, .free = xfree,
	};
	paddr_t hpa;
	int rc;

	if (!p2m_gfn_below(gfn, mapper->p2m_limit))
		return -EINVAL;
	spin_lock(&foreign_lock);
	rc = p2m_ram_gfn(owner, owner_gfn, &hpa);
	if (!rc)
		rc = foreign_map_add(&ops, &owner->foreign_maps, mapper->id, gfn, hpa);
	if (!rc)
		rc = p2m_map_gfn(mapper, gfn, hpa, writable);
	spin_unlock(&foreign_lock);
	return rc;
}

int p2m_take_ram(struct domain *d, uint64_t gfn, paddr_t hpa, paddr_t *record)
{
	const struct foreign_map_ops ops = { .maps = fm_maps };
	int rc;

	spin_lock(&foreign_lock);
	if (foreign_map_live(&ops, &d->foreign_maps, hpa)) {
		spin_unlock(&foreign_lock);
		return -EBUSY;
	}
	spin_lock(&d->p2m_lock);
	if (!maps_locked(d, gfn, hpa)) {
		rc = -EINVAL;
	} else {
		*record = 0;
		rc = change_locked(d, gfn, 0, 0);
		if (rc)
			pr_err("Domain %u: gfn %#lx given back, but its TLB flush was not seen done; "
			       "its frame stays out of the heap\n", d->id, gfn);
		rc = rc ? -ETIMEDOUT : 0;
	}
	spin_unlock(&d->p2m_lock);
	spin_unlock(&foreign_lock);
	return rc;
}

/* Whether every domain's earlier changes were seen flushed (a retry for
 * those whose wait timed out). */
static bool all_flushed(void)
{
	struct domain *const *doms = domain_table();
	bool ok = true;

	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = doms[id];

		if (!d || !d->p2m_flush_owed)
			continue;
		spin_lock(&d->p2m_lock);
		d->p2m_flush_owed = !flush_wait(d);
		ok &= !d->p2m_flush_owed;
		spin_unlock(&d->p2m_lock);
	}
	return ok;
}

int p2m_revoke_foreign(struct domain *owner)
{
	bool busy = false;
	const struct foreign_map_ops ops = {
		.ctx = &busy, .maps = fm_maps, .revoke = fm_revoke, .free = xfree,
	};
	unsigned int n;

	spin_lock(&foreign_lock);
	n = foreign_map_revoke_all(&ops, &owner->foreign_maps);
	spin_unlock(&foreign_lock);
	if (n)
		pr_info("Domain %u: %u mapping(s) of its memory revoked\n", owner->id, n);
	/* Unmapped earlier, but maybe not flushed: the same rule. */
	return !busy && all_flushed() ? 0 : -EBUSY;
}

static void destroy_free_table(void *ctx, uint64_t paddr)
{
	struct domain *d = ctx;

	free_pages((void *)(uintptr_t)paddr, 0);
	d->npt_pages--;
}

void p2m_destroy(struct domain *d)
{
	struct p2m_mem mem = { .ctx = d, .free_table = destroy_free_table, .map = p2m_direct_map };

	/* Its vCPUs will not run again: what their TLBs hold is tagged with
	 * ASIDs that no pCPU hands out again before a full flush. */
	spin_lock(&d->p2m_lock);
	d->p2m_gen++;
	spin_unlock(&d->p2m_lock);
	p2m_build_free_tables(hvm->p2m_format, &mem, d->npt_root);
	d->npt_root = 0;
	if (d->npt_pages)
		pr_err("Domain %u: %lu nested table page(s) unaccounted for\n", d->id, d->npt_pages);
}
