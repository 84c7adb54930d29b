/*
 * Binary buddy allocator. Every tracked frame has a page_meta; the first frame
 * of a block (free or allocated) carries the block's order and state, every
 * other frame of it is PAGE_TAIL. Free blocks of each order form a doubly
 * linked list threaded through the metadata by frame index, so nothing is
 * ever written into the managed frames.
 *
 * Blocks are aligned on absolute frame numbers, so a block of order k always
 * starts at a physical address that is a multiple of 2^k pages.
 */
#include <tern/page_alloc.h>
#include <tern/errno.h>

#define META_NONE UINT32_MAX
/* Indices are 32-bit: at most 2^32 - 1 frames (16 TiB) per allocator. */
#define META_MAX_FRAMES ((uint64_t)UINT32_MAX)

enum page_state {
	PAGE_RESERVED = 0, /* in use, never handed to the allocator */
	PAGE_FREE,         /* first frame of a free block */
	PAGE_ALLOC,        /* first frame of an allocated block */
	PAGE_TAIL,         /* any other frame of a free or allocated block */
};

struct page_meta {
	uint32_t next, prev; /* free-list links (frame indices), META_NONE at the ends */
	uint8_t order;
	uint8_t state;
};

static uint64_t page_alloc_span(uint64_t base_pfn, uint64_t end_pfn)
{
	uint64_t nr = end_pfn > base_pfn ? end_pfn - base_pfn : 0;

	return MIN(nr, META_MAX_FRAMES);
}

size_t page_alloc_meta_size(uint64_t base_pfn, uint64_t end_pfn)
{
	return (size_t)page_alloc_span(base_pfn, end_pfn) * sizeof(struct page_meta);
}

static void page_alloc_list_push(struct page_alloc *pa, uint64_t idx, unsigned int order)
{
	struct page_meta *m = &pa->meta[idx];
	uint64_t head = pa->free_head[order];

	m->prev = META_NONE;
	m->next = head == PAGE_ALLOC_NONE ? META_NONE : (uint32_t)head;
	if (head != PAGE_ALLOC_NONE)
		pa->meta[head].prev = (uint32_t)idx;
	pa->free_head[order] = idx;
	m->order = (uint8_t)order;
	m->state = PAGE_FREE;
}

static void page_alloc_list_remove(struct page_alloc *pa, uint64_t idx, unsigned int order)
{
	struct page_meta *m = &pa->meta[idx];

	if (m->prev == META_NONE)
		pa->free_head[order] = m->next == META_NONE ? PAGE_ALLOC_NONE : m->next;
	else
		pa->meta[m->prev].next = m->next;
	if (m->next != META_NONE)
		pa->meta[m->next].prev = m->prev;
	m->next = m->prev = META_NONE;
}

/*
 * Puts a block that is not on any list back as free, merging it with its
 * buddy for as long as the buddy is a whole free block of the same order.
 */
static void page_alloc_free_block(struct page_alloc *pa, uint64_t pfn, unsigned int order)
{
	while (order < PAGE_ALLOC_MAX_ORDER) {
		uint64_t buddy = pfn ^ (1ULL << order);
		uint64_t bidx = buddy - pa->base_pfn;

		if (buddy < pa->base_pfn || bidx >= pa->nr_pfns ||
		    pa->meta[bidx].state != PAGE_FREE || pa->meta[bidx].order != order)
			break;
		page_alloc_list_remove(pa, bidx, order);
		/* The higher half stops being a block head. */
		pa->meta[MAX(pfn, buddy) - pa->base_pfn].state = PAGE_TAIL;
		pfn = MIN(pfn, buddy);
		order++;
	}
	page_alloc_list_push(pa, pfn - pa->base_pfn, order);
}

void page_alloc_init(struct page_alloc *pa, uint64_t base_pfn, uint64_t end_pfn, void *meta)
{
	uint64_t i;

	pa->base_pfn = base_pfn;
	pa->nr_pfns = page_alloc_span(base_pfn, end_pfn);
	pa->free_pfns = 0;
	pa->meta = meta;
	for (i = 0; i <= PAGE_ALLOC_MAX_ORDER; i++)
		pa->free_head[i] = PAGE_ALLOC_NONE;
	for (i = 0; i < pa->nr_pfns; i++) {
		pa->meta[i].next = pa->meta[i].prev = META_NONE;
		pa->meta[i].order = 0;
		pa->meta[i].state = PAGE_RESERVED;
	}
}

/* The largest order of a block starting at pfn that is aligned and fits before end. */
static unsigned int page_alloc_fit_order(uint64_t pfn, uint64_t end)
{
	unsigned int order = 0;

	while (order < PAGE_ALLOC_MAX_ORDER && !(pfn & (1ULL << order)) &&
	       end - pfn >= (2ULL << order))
		order++;
	return order;
}

/* Frees the run of reserved frames [pfn, end) as maximal aligned blocks. */
static void page_alloc_add_run(struct page_alloc *pa, uint64_t pfn, uint64_t end)
{
	while (pfn < end) {
		unsigned int order = page_alloc_fit_order(pfn, end);
		uint64_t i, idx = pfn - pa->base_pfn;

		for (i = 1; i < (1ULL << order); i++)
			pa->meta[idx + i].state = PAGE_TAIL;
		pa->free_pfns += 1ULL << order;
		page_alloc_free_block(pa, pfn, order);
		pfn += 1ULL << order;
	}
}

void page_alloc_add_free(struct page_alloc *pa, uint64_t pfn, uint64_t nr)
{
	uint64_t span_end = pa->base_pfn + pa->nr_pfns;
	uint64_t end = pfn + nr < pfn ? UINT64_MAX : pfn + nr;
	uint64_t run;

	pfn = MAX(pfn, pa->base_pfn);
	end = MIN(end, span_end);
	/* Frames the allocator already owns are skipped, so adding twice is harmless. */
	while (pfn < end) {
		if (pa->meta[pfn - pa->base_pfn].state != PAGE_RESERVED) {
			pfn++;
			continue;
		}
		run = pfn;
		while (run < end && pa->meta[run - pa->base_pfn].state == PAGE_RESERVED)
			run++;
		page_alloc_add_run(pa, pfn, run);
		pfn = run;
	}
}

uint64_t page_alloc_alloc(struct page_alloc *pa, unsigned int order)
{
	unsigned int o = order;
	uint64_t idx;

	if (order > PAGE_ALLOC_MAX_ORDER)
		return PAGE_ALLOC_NONE;
	while (o <= PAGE_ALLOC_MAX_ORDER && pa->free_head[o] == PAGE_ALLOC_NONE)
		o++;
	if (o > PAGE_ALLOC_MAX_ORDER)
		return PAGE_ALLOC_NONE;

	idx = pa->free_head[o];
	page_alloc_list_remove(pa, idx, o);
	/* Split: keep the lower half, free the upper half, until the size fits. */
	while (o > order) {
		o--;
		page_alloc_list_push(pa, idx + (1ULL << o), o);
	}
	pa->meta[idx].order = (uint8_t)order;
	pa->meta[idx].state = PAGE_ALLOC;
	pa->free_pfns -= 1ULL << order;
	return pa->base_pfn + idx;
}

int page_alloc_block_order(const struct page_alloc *pa, uint64_t pfn)
{
	const struct page_meta *m;

	if (pfn < pa->base_pfn || pfn - pa->base_pfn >= pa->nr_pfns)
		return -EINVAL;
	m = &pa->meta[pfn - pa->base_pfn];
	return m->state == PAGE_ALLOC ? m->order : -EINVAL;
}

int page_alloc_split(struct page_alloc *pa, uint64_t pfn, unsigned int order)
{
	uint64_t upper;

	if (order == 0 || page_alloc_block_order(pa, pfn) != (int)order)
		return -EINVAL;
	upper = pfn + (1ULL << (order - 1)) - pa->base_pfn;
	pa->meta[pfn - pa->base_pfn].order = (uint8_t)(order - 1);
	pa->meta[upper].order = (uint8_t)(order - 1);
	pa->meta[upper].state = PAGE_ALLOC;
	return 0;
}

int page_alloc_free(struct page_alloc *pa, uint64_t pfn, unsigned int order)
{
	if (order > PAGE_ALLOC_MAX_ORDER || pfn & ((1ULL << order) - 1))
		return -EINVAL;
	if (page_alloc_block_order(pa, pfn) != (int)order)
		return -EINVAL;
	pa->free_pfns += 1ULL << order;
	page_alloc_free_block(pa, pfn, order);
	return 0;
}
