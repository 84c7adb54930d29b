/*
 * The hypervisor's allocators, set up once from the sanitised memory map.
 * Memory below 1 MiB stays out: firmware and real-mode code live there.
 */
#include <asm/paging.h>
#include <asm/spinlock.h>
#include <tern/console.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/string.h>

#define LOW_MEMORY_END MiB(1)

static struct page_alloc page_alloc;
static struct heap heap;
/* One lock for both: allocations are rare outside boot and domain building. */
static struct spinlock mm_lock = SPINLOCK_INIT;

static void *direct_map(paddr_t paddr)
{
	return (void *)(uintptr_t)paddr;
}

static paddr_t direct_unmap(const void *ptr)
{
	return (uintptr_t)ptr;
}

/* First RAM range, inside the boot mapping and above 1 MiB, that holds size bytes. */
static paddr_t find_ram(const struct e820_map *map, uint64_t size)
{
	for (unsigned int i = 0; i < map->nr; i++) {
		const struct e820_entry *e = &map->entry[i];
		paddr_t start = MAX(e->addr, LOW_MEMORY_END), end = e->addr + e->size;

		if (e->type == E820_RAM && end <= direct_map_end && start + size <= end)
			return start;
	}
	return 0;
}

/* Gives the allocator every RAM range that lies within [lo, hi). */
static void add_ram(const struct e820_map *map, paddr_t lo, paddr_t hi)
{
	for (unsigned int i = 0; i < map->nr; i++) {
		const struct e820_entry *e = &map->entry[i];
		paddr_t start = MAX(e->addr, lo), end = MIN(e->addr + e->size, hi);

		if (e->type == E820_RAM && start < end)
			page_alloc_add_free(&page_alloc, start >> PAGE_SHIFT,
					    (end - start) >> PAGE_SHIFT);
	}
}

int mm_init(struct e820_map *map)
{
	uint64_t first_pfn = LOW_MEMORY_END >> PAGE_SHIFT;
	uint64_t end_pfn = e820_end(map, E820_RAM) >> PAGE_SHIFT;
	uint64_t meta_size, boot_map_end = direct_map_end;
	paddr_t meta;
	int rc;

	if (end_pfn <= first_pfn)
		return -ENOMEM;
	meta_size = ALIGN_UP(page_alloc_meta_size(first_pfn, end_pfn), PAGE_SIZE);
	meta = find_ram(map, meta_size);
	if (!meta)
		return -ENOMEM;
	rc = e820_set_type(map, meta, meta_size, E820_HYPERVISOR);
	if (rc)
		return rc;
	page_alloc_init(&page_alloc, first_pfn, end_pfn, direct_map(meta));

	/* RAM the boot map covers first: the page tables for the rest come from it. */
	add_ram(map, LOW_MEMORY_END, boot_map_end);
	rc = paging_extend_direct_map(end_pfn << PAGE_SHIFT);
	if (rc)
		return rc;
	add_ram(map, boot_map_end, end_pfn << PAGE_SHIFT);
	heap_init(&heap, &page_alloc, direct_map, direct_unmap);
	return 0;
}

void *alloc_pages(unsigned int order)
{
	uint64_t pfn;
	void *ptr;

	spin_lock(&mm_lock);
	pfn = page_alloc_alloc(&page_alloc, order);
	spin_unlock(&mm_lock);

	if (pfn == PAGE_ALLOC_NONE)
		return NULL;
	ptr = direct_map(pfn << PAGE_SHIFT);
	memset(ptr, 0, PAGE_SIZE << order);
	return ptr;
}

/* Frees or splits an allocated block. The hypervisor naming a block it does
 * not own is a bug in the hypervisor. */
static void block_op(int (*op)(struct page_alloc *, uint64_t, unsigned int), const char *what,
		     void *ptr, unsigned int order)
{
	int rc;

	spin_lock(&mm_lock);
	rc = op(&page_alloc, direct_unmap(ptr) >> PAGE_SHIFT, order);
	spin_unlock(&mm_lock);
	if (rc)
		panic("%s: %p (order %u) was not allocated", what, ptr, order);
}

void free_pages(void *ptr, unsigned int order)
{
	block_op(page_alloc_free, "free_pages", ptr, order);
}

void split_pages(void *ptr, unsigned int order)
{
	block_op(page_alloc_split, "split_pages", ptr, order);
}

void *xmalloc(size_t size)
{
	void *ptr;

	spin_lock(&mm_lock);
	ptr = heap_alloc(&heap, size);
	spin_unlock(&mm_lock);
	return ptr;
}

void xfree(void *ptr)
{
	int rc;

	spin_lock(&mm_lock);
	rc = heap_free(&heap, ptr);
	spin_unlock(&mm_lock);
	if (rc)
		panic("xfree: %p was not allocated by xmalloc", ptr);
}

uint64_t mm_total_pages(void)
{
	return page_alloc.nr_pfns;
}

uint64_t mm_free_pages(void)
{
	return page_alloc.free_pfns;
}
