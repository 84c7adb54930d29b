/*
 * domUs on x86: their nested page table, their RAM from the heap (populated
 * by the toolstack, given back and taken again by the guest's balloon), and
 * giving it all back when they are destroyed.
 */
#include <tern/domu.h>
#include <tern/errno.h>
#include <tern/grant_table.h>
#include <tern/mm.h>
#include <tern/p2m.h>
#include <tern/p2m_bounds.h>
#include <tern/string.h>

/* A p2m_ram entry: the host frame, bit 0 "RAM", bit 1 "heads a block" and
 * bits 2-6 the block's order (clear for frames inside a block), bit 7 "the
 * hypervisor keeps a pointer to this frame" (domu_hold_ram()). */
#define P2M_RAM 1ull
#define P2M_HEAD (1ull << 1)
#define P2M_ORDER_SHIFT 2
#define P2M_ORDER_MASK 0x1full
#define P2M_HELD (1ull << 7)

static unsigned int block_order(uint64_t e)
{
	return (e >> P2M_ORDER_SHIFT) & P2M_ORDER_MASK;
}

static bool domu_base_frame(struct domain *d, uint64_t gpa, paddr_t *hpa)
{
	uint64_t gfn = gpa >> PAGE_SHIFT;

	if (gfn >= d->p2m_size || !(d->p2m_ram[gfn] & P2M_RAM))
		return false;
	*hpa = d->p2m_ram[gfn] & PAGE_MASK;
	return true;
}

static bool domu_is_ram(struct domain *d, uint64_t gpa)
{
	paddr_t hpa;

	return domu_base_frame(d, gpa, &hpa);
}

int domu_arch_init(struct domain *d)
{
	void *root = alloc_pages(0);

	if (!root)
		return -ENOMEM;
	p2m_init(d);
	d->npt_root = (uintptr_t)root;
	d->npt_pages = 1;
	/* Nothing can be mapped before max_mem says how big it may get. */
	p2m_set_bounds(d, 0, 1);
	d->base_frame = domu_base_frame;
	d->is_ram = domu_is_ram;
	return hvm->domain_init(d);
}

int domu_set_max_mem(struct domain *d, uint64_t max_pages)
{
	paddr_t *p2m;

	if (p2m_max_pages_check(max_pages, mm_total_pages()))
		return -EINVAL;
	if (d->p2m_ram) {
		/* The guest-frame space stays as first sized. A limit below what the
		 * domain has is Xen's ratchet: nothing more is populated until its
		 * balloon has given enough back. */
		d->max_pages = max_pages;
		return 0;
	}
	p2m = xmalloc(max_pages * sizeof(*p2m));
	if (!p2m)
		return -ENOMEM;
	d->p2m_ram = p2m;
	d->p2m_size = max_pages;
	d->max_pages = max_pages;
	/* Its guest-physical space and page-table allowance follow from its
	 * largest RAM, once (tern/p2m_bounds.h). */
	p2m_set_bounds(d, p2m_domu_limit(max_pages), p2m_domu_table_allowance(max_pages));
	return 0;
}

static int populate_locked(struct domain *d, uint64_t gfn, unsigned int order)
{
	uint64_t n = 1ull << order;
	uint8_t *block;
	int rc;

	if (gfn & (n - 1) || !p2m_range_below(gfn, n, d->p2m_size) ||
	    !p2m_range_below(d->tot_pages, n, d->max_pages))
		return -EINVAL;
	for (uint64_t i = 0; i < n; i++)
		if (d->p2m_ram[gfn + i])
			return -EEXIST;
	block = alloc_pages(order);
	if (!block)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++) {
		paddr_t hpa = (uintptr_t)block + i * PAGE_SIZE;

		rc = p2m_map_gfn(d, gfn + i, hpa, true);
		if (rc && rc != -EBUSY) {
			/* The pages mapped so far stay the domain's: destroy frees them. */
			if (i == 0)
				free_pages(block, order);
			return rc;
		}
		d->p2m_ram[gfn + i] = hpa | P2M_RAM |
				      (i == 0 ? P2M_HEAD | ((uint64_t)order << P2M_ORDER_SHIFT) : 0);
	}
	d->tot_pages += n;
	d->max_gfn = MAX(d->max_gfn, gfn + n - 1);
	return 0;
}

int domu_populate(struct domain *d, uint64_t gfn, unsigned int order)
{
	int rc;

	spin_lock(&d->ram_lock);
	rc = populate_locked(d, gfn, order);
	spin_unlock(&d->ram_lock);
	return rc;
}

/* Makes the frame at gfn a block of its own, halving the block it is in
 * (and each half that holds it) down to one frame. */
static void split_to_frame(struct domain *d, uint64_t gfn)
{
	uint64_t head = gfn;
	unsigned int order;

	/* Blocks are aligned and at most 2^P2M_ORDER_MASK frames: the walk ends. */
	while (!(d->p2m_ram[head] & P2M_HEAD))
		head--;
	for (order = block_order(d->p2m_ram[head]); order > 0; order--) {
		uint64_t half = 1ull << (order - 1), upper = head + half;
		uint64_t order_bits = (uint64_t)(order - 1) << P2M_ORDER_SHIFT;
		paddr_t base = d->p2m_ram[head] & PAGE_MASK;

		split_pages((void *)(uintptr_t)base, order);
		d->p2m_ram[head] = (d->p2m_ram[head] & ~(P2M_ORDER_MASK << P2M_ORDER_SHIFT)) |
				   order_bits;
		/* The upper half may be unmapped (a populate that failed part way):
		 * it heads its block all the same, so destroy frees it. */
		d->p2m_ram[upper] = (d->p2m_ram[upper] & (P2M_RAM | P2M_HELD)) |
				    (base + half * PAGE_SIZE) | P2M_HEAD | order_bits;
		if (gfn >= upper)
			head = upper;
	}
}

static int release_locked(struct domain *d, uint64_t gfn)
{
	uint64_t e;
	paddr_t hpa;
	int rc;

	if (!d->p2m_ram || !p2m_range_below(gfn, 1, d->p2m_size))
		return -ENOENT;
	e = d->p2m_ram[gfn];
	if (!(e & P2M_RAM))
		return -ENOENT;
	if (e & P2M_HELD)
		return -EBUSY;
	hpa = e & PAGE_MASK;
	split_to_frame(d, gfn);
	grant_ops_hold();
	rc = p2m_take_ram(d, gfn, hpa, &d->p2m_ram[gfn]);
	grant_ops_resume();
	if (rc && rc != -ETIMEDOUT)
		return rc;
	d->tot_pages--;
	if (!rc)
		free_pages((void *)(uintptr_t)hpa, 0);
	return 0;
}

int domu_release(struct domain *d, uint64_t gfn)
{
	int rc;

	spin_lock(&d->ram_lock);
	rc = release_locked(d, gfn);
	spin_unlock(&d->ram_lock);
	return rc;
}

int domu_hold_ram(struct domain *d, uint64_t gfn, paddr_t *hpa)
{
	int rc;

	spin_lock(&d->ram_lock);
	rc = p2m_ram_gfn(d, gfn, hpa);
	if (!rc && d->p2m_ram)
		d->p2m_ram[gfn] |= P2M_HELD;
	spin_unlock(&d->ram_lock);
	return rc;
}

uint64_t domu_free_ram(struct domain *d, uint64_t gfn, uint64_t count)
{
	uint64_t end = gfn + MIN(count, d->p2m_size - MIN(gfn, d->p2m_size));

	for (; gfn < end; gfn++) {
		uint64_t e = d->p2m_ram[gfn];

		if (e & P2M_HEAD)
			free_pages((void *)(uintptr_t)(e & PAGE_MASK), block_order(e));
	}
	return end < d->p2m_size ? end : d->p2m_size;
}

void domu_arch_destroy(struct domain *d)
{
	xfree(d->p2m_ram);
	p2m_destroy(d);
	hvm->domain_destroy(d);
}
