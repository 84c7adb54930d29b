/*
 * domUs on x86: their nested page table, their RAM from the heap (populated
 * by the toolstack), and giving it all back when they are destroyed.
 */
#include <asm/npt_build.h>
#include <tern/domu.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/p2m.h>
#include <tern/p2m_bounds.h>
#include <tern/string.h>

/* A p2m_ram entry: the host frame, bit 0 "RAM", bits 1-5 the order of the
 * block this frame heads (0x3e clear for frames inside a block). */
#define P2M_RAM 1ull
#define P2M_HEAD (1ull << 1)
#define P2M_ORDER_SHIFT 2
#define P2M_ORDER_MASK 0x1full

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
		/* Only growing the guest-frame space is allowed once memory is in. */
		if (max_pages < d->tot_pages)
			return -EINVAL;
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

int domu_populate(struct domain *d, uint64_t gfn, unsigned int order)
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

uint64_t domu_free_ram(struct domain *d, uint64_t gfn, uint64_t count)
{
	uint64_t end = gfn + MIN(count, d->p2m_size - MIN(gfn, d->p2m_size));

	for (; gfn < end; gfn++) {
		uint64_t e = d->p2m_ram[gfn];

		if (e & P2M_HEAD)
			free_pages((void *)(uintptr_t)(e & PAGE_MASK),
				   (e >> P2M_ORDER_SHIFT) & P2M_ORDER_MASK);
	}
	return end < d->p2m_size ? end : d->p2m_size;
}

void domu_arch_destroy(struct domain *d)
{
	xfree(d->p2m_ram);
	p2m_destroy(d);
	hvm->domain_destroy(d);
}
