/* Growing head.S's 4 GiB one-to-one map to cover all of RAM; holes in it. */
#include <asm/cpu.h>
#include <asm/paging.h>
#include <tern/errno.h>
#include <tern/mm.h>

#define PT_ENTRIES 512

extern uint64_t boot_pml4[PT_ENTRIES];

paddr_t direct_map_end = GiB(4);

/* The table an entry of a table points at. */
static uint64_t *table_of(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PAGE_MASK & ((1ull << 52) - 1));
}

/* The table that entry points at, allocated (zeroed) if absent. */
static uint64_t *next_table(uint64_t *entry)
{
	if (!(*entry & PTE_P)) {
		void *page = alloc_pages(0);

		if (!page)
			return NULL;
		*entry = (uintptr_t)page | PTE_P | PTE_RW;
	}
	return table_of(*entry);
}

static int map_one(paddr_t addr, bool huge_1g)
{
	uint64_t *pdpt = next_table(&boot_pml4[(addr >> 39) % PT_ENTRIES]);
	uint64_t *pd;

	if (!pdpt)
		return -ENOMEM;
	if (huge_1g) {
		pdpt[(addr >> 30) % PT_ENTRIES] = addr | PTE_P | PTE_RW | PTE_PS;
		return 0;
	}
	pd = next_table(&pdpt[(addr >> 30) % PT_ENTRIES]);
	if (!pd)
		return -ENOMEM;
	pd[(addr >> 21) % PT_ENTRIES] = addr | PTE_P | PTE_RW | PTE_PS;
	return 0;
}

int paging_extend_direct_map(paddr_t end)
{
	bool huge = cpu_has_1g_pages();
	uint64_t step = huge ? GiB(1) : MiB(2);

	end = ALIGN_UP(end, step);
	for (paddr_t addr = direct_map_end; addr < end; addr += step) {
		int rc = map_one(addr, huge);

		if (rc)
			return rc;
		direct_map_end = addr + step;
	}
	return 0;
}

/* The large page *entry maps becomes a table of PT_ENTRIES mappings of step
 * bytes each (large ones again if huge), the same memory with the same rights. */
static int split_large(uint64_t *entry, uint64_t step, bool huge)
{
	uint64_t *table = alloc_pages(0);
	uint64_t base = (uintptr_t)table_of(*entry);

	if (!table)
		return -ENOMEM;
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		table[i] = (base + i * step) | PTE_P | PTE_RW | (huge ? PTE_PS : 0);
	*entry = (uintptr_t)table | PTE_P | PTE_RW;
	return 0;
}

int paging_unmap_page(uintptr_t va)
{
	uint64_t *entry = &boot_pml4[(va >> 39) % PT_ENTRIES];
	int rc;

	if (!(*entry & PTE_P))
		return -EINVAL;
	entry = &table_of(*entry)[(va >> 30) % PT_ENTRIES];
	if (!(*entry & PTE_P))
		return -EINVAL;
	if (*entry & PTE_PS && (rc = split_large(entry, MiB(2), true)))
		return rc;
	entry = &table_of(*entry)[(va >> 21) % PT_ENTRIES];
	if (!(*entry & PTE_P))
		return -EINVAL;
	if (*entry & PTE_PS && (rc = split_large(entry, PAGE_SIZE, false)))
		return rc;
	table_of(*entry)[(va >> 12) % PT_ENTRIES] = 0;
	/* Also drops a large-page TLB entry that covered va. */
	invlpg(va);
	return 0;
}
