/*
 * The physical-to-machine map on top of the nested page table, and the
 * mappings of one domain's frames in another's (foreign and grant maps),
 * which destroying the owner takes back (tern/foreign_map.h).
 */
#include <asm/npt_build.h>
#include <asm/spinlock.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/p2m.h>
#include <tern/sched.h>

#define FLUSH_WAIT_MS 1000

extern struct npt_mem hypervisor_npt_mem;

/* Serialises every domain's foreign_maps, and each map with a revoke. */
static struct spinlock foreign_lock = SPINLOCK_INIT;

/* Writes gpa's entry; every change bumps npt_epoch, which makes the
 * domain's vCPUs flush their TLBs before they next run (svm.c). */
static int p2m_write(struct domain *d, uint64_t gpa, paddr_t hpa, uint64_t flags)
{
	int rc;

	if (gpa & ~PAGE_MASK || gpa >= (1ull << 48))
		return -EINVAL;
	rc = npt_map_4k(&hypervisor_npt_mem, d->npt_root, gpa, hpa, flags);
	if (!rc)
		__atomic_fetch_add(&d->npt_epoch, 1, __ATOMIC_RELEASE);
	return rc;
}

int p2m_set(struct domain *d, uint64_t gpa, paddr_t hpa, bool writable)
{
	return p2m_write(d, gpa, hpa, NPT_P | NPT_US | (writable ? NPT_RW : 0));
}

int p2m_reset(struct domain *d, uint64_t gpa)
{
	paddr_t hpa;

	if (!d->base_frame(d, gpa, &hpa))
		return p2m_write(d, gpa, 0, 0);
	return p2m_set(d, gpa, hpa, true);
}

int p2m_get_ram(struct domain *d, uint64_t gpa, paddr_t *hpa)
{
	paddr_t base, now;

	if (!d->is_ram(d, gpa) || !d->base_frame(d, gpa, &base) ||
	    npt_translate(&hypervisor_npt_mem, d->npt_root, gpa, &now, NULL) || now != base)
		return -EINVAL;
	*hpa = now;
	return 0;
}

/* ---- others' mappings of a domain's frames ---- */

/* Domains whose tables a revoke changed: bit n = domain n. */
struct revoke_set {
	uint64_t mappers[MAX_DOMAINS / 64];
};

static bool fm_maps(void *ctx, domid_t mapper, uint64_t gfn, paddr_t hpa)
{
	struct domain *m = domain_by_id(mapper);
	paddr_t now;

	(void)ctx;
	/* A domain being created may not have a table yet. */
	if (!m || !m->npt_root || gfn >= (1ull << (48 - PAGE_SHIFT)))
		return false;
	return !npt_translate(&hypervisor_npt_mem, m->npt_root, gfn << PAGE_SHIFT, &now, NULL) &&
	       now == hpa;
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
	struct revoke_set *set = ctx;
	struct domain *m = domain_by_id(mapper);
	uint64_t gpa = gfn << PAGE_SHIFT;
	int rc;

	if (m->scratch)
		rc = p2m_set(m, gpa, m->scratch + (gpa & (MiB(2) - 1)), true);
	else
		rc = p2m_reset(m, gpa);
	/* The entry exists (it maps the frame), so no table is allocated. */
	if (rc)
		pr_err("Domain %u: revoking gfn %#lx failed (%d)\n", mapper, gfn, rc);
	set->mappers[mapper / 64] |= 1ull << (mapper % 64);
}

static void *fm_alloc(size_t size)
{
	return xmalloc(size);
}

int p2m_map_foreign(struct domain *mapper, uint64_t gpa, struct domain *owner,
		    uint64_t owner_gpa, bool writable)
{
	const struct foreign_map_ops ops = {
		.maps = fm_maps, .alloc = fm_alloc, .free = xfree,
	};
	paddr_t hpa;
	int rc;

	spin_lock(&foreign_lock);
	rc = p2m_get_ram(owner, owner_gpa, &hpa);
	if (!rc)
		rc = foreign_map_add(&ops, &owner->foreign_maps, mapper->id, gpa >> PAGE_SHIFT, hpa);
	if (!rc)
		rc = p2m_set(mapper, gpa, hpa, writable);
	spin_unlock(&foreign_lock);
	return rc;
}

/*
 * Waits until no vCPU of d can still use a translation from before its
 * table's last change: every one running on another CPU has left the guest
 * (a kick makes it) and entered again, flushing. false after FLUSH_WAIT_MS.
 */
static bool wait_flushed(struct domain *d)
{
	uint64_t epoch = __atomic_load_n(&d->npt_epoch, __ATOMIC_ACQUIRE);
	unsigned int self = smp_processor_id();

	for (unsigned int ms = 0; ms <= FLUSH_WAIT_MS; ms++) {
		uint64_t cpus = 0;

		for (unsigned int i = 0; i < d->nr_vcpus; i++) {
			const struct vcpu *v = &d->vcpu[i];

			if (v->running && v->pcpu != self &&
			    __atomic_load_n(&v->npt_epoch, __ATOMIC_ACQUIRE) != epoch)
				cpus |= 1ull << v->pcpu;
		}
		if (!cpus)
			return true;
		arch_kick_cpus(cpus);
		mdelay(1);
	}
	return false;
}

int p2m_revoke_foreign(struct domain *owner)
{
	struct revoke_set set = { { 0 } };
	const struct foreign_map_ops ops = {
		.ctx = &set, .maps = fm_maps, .revoke = fm_revoke, .free = xfree,
	};
	unsigned int n;
	int rc = 0;

	spin_lock(&foreign_lock);
	n = foreign_map_revoke_all(&ops, &owner->foreign_maps);
	spin_unlock(&foreign_lock);
	if (n)
		pr_info("Domain %u: %u mapping(s) of its memory revoked\n", owner->id, n);
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *m;

		if (!(set.mappers[id / 64] & (1ull << (id % 64))))
			continue;
		m = domain_by_id((domid_t)id);
		if (m && !wait_flushed(m)) {
			pr_err("Domain %u: its vCPUs did not flush their TLBs\n", m->id);
			rc = -EBUSY;
		}
	}
	return rc;
}
