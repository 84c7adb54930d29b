/*
 * domUs on x86: their nested page table, their RAM from the heap (populated
 * by the toolstack), and giving it all back when they are destroyed.
 */
#include <asm/npt_build.h>
#include <tern/domu.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/p2m.h>
#include <tern/string.h>

extern struct npt_mem hypervisor_npt_mem;

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
	d->npt_root = (uintptr_t)root;
	d->base_frame = domu_base_frame;
	d->is_ram = domu_is_ram;
	/* ASIDs: all domUs share one and every switch flushes (svm.c). */
	d->asid = 2;
	return hvm->domain_init(d);
}

int domu_set_max_mem(struct domain *d, uint64_t max_pages)
{
	paddr_t *p2m;

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
	return 0;
}

int domu_populate(struct domain *d, uint64_t gfn, unsigned int order)
{
	uint64_t n = 1ull << order;
	uint8_t *block;
	int rc;

	if (gfn & (n - 1) || gfn + n > d->p2m_size || d->tot_pages + n > d->max_pages)
		return -EINVAL;
	for (uint64_t i = 0; i < n; i++)
		if (d->p2m_ram[gfn + i])
			return -EEXIST;
	block = alloc_pages(order);
	if (!block)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++) {
		paddr_t hpa = (uintptr_t)block + i * PAGE_SIZE;

		rc = p2m_set(d, (gfn + i) << PAGE_SHIFT, hpa, true);
		if (rc)
			return rc; /* the pages stay the domain's; destroy frees them */
		d->p2m_ram[gfn + i] = hpa | P2M_RAM |
				      (i == 0 ? P2M_HEAD | ((uint64_t)order << P2M_ORDER_SHIFT) : 0);
	}
	d->tot_pages += n;
	d->max_gfn = MAX(d->max_gfn, gfn + n - 1);
	return 0;
}

/* Frees the nested page table's pages, leaves first. */
static void free_table(uint64_t table, unsigned int level)
{
	uint64_t *entries = (uint64_t *)(uintptr_t)table;

	for (unsigned int i = 0; level > 1 && i < NPT_ENTRIES; i++)
		if (entries[i] & NPT_P && !(entries[i] & NPT_PS) && !(entries[i] & NPT_SHARED))
			free_table(entries[i] & NPT_ADDR_MASK, level - 1);
	free_pages(entries, 0);
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
	free_table(d->npt_root, 4);
	hvm->domain_destroy(d);
}
