/*
 * Small-object heap. A page serving a size class starts with a page header
 * (magic, class), then holds slots of one 16-byte object header plus the
 * object. Headers carry a magic mixed with their own physical address: live
 * objects have HEAP_LIVE, freed ones HEAP_FREE, so heap_free can refuse a
 * pointer that is not an object start and an object freed twice.
 *
 * Allocations above half a page are whole 2^order blocks from the page
 * allocator, page aligned; their order is the page allocator's record, so
 * they need no header of their own.
 */
#include <tern/heap.h>
#include <tern/errno.h>
#include <tern/string.h>

#define HEAP_PAGE_MAGIC 0x7465726e68706721ULL /* "ternhpg!" */
#define HEAP_LIVE 0x7465726e6c697665ULL       /* "ternlive" */
#define HEAP_FREE 0x7465726e66726565ULL       /* "ternfree" */

#define HEAP_HDR_SIZE 16
#define HEAP_SMALL_MAX (PAGE_SIZE / 2)

/* At the start of every small-class page, and before every object in it. */
struct heap_hdr {
	uint64_t magic;
	uint32_t cls;
	uint32_t pad;
};

_Static_assert(sizeof(struct heap_hdr) == HEAP_HDR_SIZE, "heap header keeps 16-byte alignment");

struct heap_free_obj {
	struct heap_free_obj *next;
};

static size_t heap_class_size(unsigned int cls)
{
	return (size_t)1 << (HEAP_MIN_SHIFT + cls);
}

static size_t heap_slot_size(unsigned int cls)
{
	return HEAP_HDR_SIZE + heap_class_size(cls);
}

static size_t heap_slots_per_page(unsigned int cls)
{
	return (PAGE_SIZE - HEAP_HDR_SIZE) / heap_slot_size(cls);
}

static unsigned int heap_class_of(size_t size)
{
	unsigned int cls = 0;

	while (heap_class_size(cls) < size)
		cls++;
	return cls;
}

void heap_init(struct heap *heap, struct page_alloc *pages, void *(*map)(paddr_t),
	       paddr_t (*unmap)(const void *))
{
	unsigned int i;

	heap->pages = pages;
	heap->map = map;
	heap->unmap = unmap;
	for (i = 0; i < HEAP_NR_CLASSES; i++)
		heap->free_list[i] = NULL;
	heap->bytes_in_use = 0;
}

/* Takes one page for class cls and puts all its slots on the free list. */
static bool heap_refill(struct heap *heap, unsigned int cls)
{
	uint64_t pfn = page_alloc_alloc(heap->pages, 0);
	paddr_t paddr;
	struct heap_hdr *page;
	size_t i;

	if (pfn == PAGE_ALLOC_NONE)
		return false;
	paddr = pfn << PAGE_SHIFT;
	page = heap->map(paddr);
	page->magic = HEAP_PAGE_MAGIC ^ paddr;
	page->cls = cls;
	page->pad = 0;

	/* Push in reverse so objects come out in address order. */
	for (i = heap_slots_per_page(cls); i-- > 0;) {
		size_t off = HEAP_HDR_SIZE + i * heap_slot_size(cls);
		struct heap_hdr *hdr = (struct heap_hdr *)((char *)page + off);
		struct heap_free_obj *obj = (struct heap_free_obj *)(hdr + 1);

		hdr->magic = HEAP_FREE ^ (paddr + off);
		hdr->cls = cls;
		hdr->pad = 0;
		obj->next = heap->free_list[cls];
		heap->free_list[cls] = obj;
	}
	return true;
}

static void *heap_alloc_small(struct heap *heap, size_t size)
{
	unsigned int cls = heap_class_of(size);
	struct heap_free_obj *obj = heap->free_list[cls];
	struct heap_hdr *hdr;
	paddr_t hdr_paddr;

	if (obj) {
		/* A free object whose header was overwritten means the list is not
		 * to be trusted: drop it (leaking those slots) and start afresh. */
		hdr = (struct heap_hdr *)obj - 1;
		if (hdr->magic != (HEAP_FREE ^ heap->unmap(hdr)) || hdr->cls != cls)
			obj = heap->free_list[cls] = NULL;
	}
	if (!obj) {
		if (!heap_refill(heap, cls))
			return NULL;
		obj = heap->free_list[cls];
	}
	heap->free_list[cls] = obj->next;
	hdr = (struct heap_hdr *)obj - 1;
	hdr_paddr = heap->unmap(hdr);
	hdr->magic = HEAP_LIVE ^ hdr_paddr;
	memset(obj, 0, heap_class_size(cls));
	heap->bytes_in_use += heap_class_size(cls);
	return obj;
}

static void *heap_alloc_pages(struct heap *heap, size_t size)
{
	unsigned int order = 0;
	uint64_t pfn;
	void *p;

	while (order <= PAGE_ALLOC_MAX_ORDER && (PAGE_SIZE << order) < size)
		order++;
	if (order > PAGE_ALLOC_MAX_ORDER)
		return NULL;
	pfn = page_alloc_alloc(heap->pages, order);
	if (pfn == PAGE_ALLOC_NONE)
		return NULL;
	p = heap->map(pfn << PAGE_SHIFT);
	memset(p, 0, PAGE_SIZE << order);
	heap->bytes_in_use += PAGE_SIZE << order;
	return p;
}

void *heap_alloc(struct heap *heap, size_t size)
{
	if (size <= HEAP_SMALL_MAX)
		return heap_alloc_small(heap, size);
	return heap_alloc_pages(heap, size);
}

/* Whether the order-0 page at paddr is one of our small-class pages. */
static bool heap_is_small_page(struct heap *heap, paddr_t paddr)
{
	const struct heap_hdr *page = heap->map(paddr);

	return page->magic == (HEAP_PAGE_MAGIC ^ paddr) && page->cls < HEAP_NR_CLASSES;
}

static int heap_free_pages(struct heap *heap, paddr_t paddr)
{
	uint64_t pfn = paddr >> PAGE_SHIFT;
	int order = page_alloc_block_order(heap->pages, pfn);

	if (order < 0 || (order == 0 && heap_is_small_page(heap, paddr)))
		return -EINVAL;
	if (page_alloc_free(heap->pages, pfn, (unsigned int)order))
		return -EINVAL;
	heap->bytes_in_use -= PAGE_SIZE << order;
	return 0;
}

static int heap_free_small(struct heap *heap, void *ptr, paddr_t paddr)
{
	paddr_t page_paddr = paddr & PAGE_MASK;
	size_t off = (size_t)(paddr - page_paddr);
	const struct heap_hdr *page;
	struct heap_hdr *hdr;
	struct heap_free_obj *obj = ptr;
	unsigned int cls;
	size_t slot;

	/* Small-class pages are order-0 blocks the heap never gives back. */
	if (page_alloc_block_order(heap->pages, page_paddr >> PAGE_SHIFT) != 0 ||
	    !heap_is_small_page(heap, page_paddr))
		return -EINVAL;
	page = heap->map(page_paddr);
	cls = page->cls;
	if (off < 2 * HEAP_HDR_SIZE)
		return -EINVAL;
	slot = (off - 2 * HEAP_HDR_SIZE) / heap_slot_size(cls);
	if ((off - 2 * HEAP_HDR_SIZE) % heap_slot_size(cls) || slot >= heap_slots_per_page(cls))
		return -EINVAL;

	hdr = (struct heap_hdr *)ptr - 1;
	if (hdr->cls != cls || hdr->magic != (HEAP_LIVE ^ (paddr - HEAP_HDR_SIZE)))
		return -EINVAL; /* freed already (HEAP_FREE) or overwritten */
	hdr->magic = HEAP_FREE ^ (paddr - HEAP_HDR_SIZE);
	obj->next = heap->free_list[cls];
	heap->free_list[cls] = obj;
	heap->bytes_in_use -= heap_class_size(cls);
	return 0;
}

int heap_free(struct heap *heap, void *ptr)
{
	paddr_t paddr;

	if (!ptr)
		return 0;
	paddr = heap->unmap(ptr);
	if (!(paddr & ~PAGE_MASK))
		return heap_free_pages(heap, paddr);
	return heap_free_small(heap, ptr, paddr);
}
