/*
 * Binary buddy allocator for physical page frames. Its bookkeeping lives in a
 * metadata array the caller provides (page_alloc_meta_size() bytes), never in
 * the managed pages themselves, so it can run on the host over pretend frames.
 */
#ifndef TERN_PAGE_ALLOC_H
#define TERN_PAGE_ALLOC_H

#include <tern/types.h>

#define PAGE_ALLOC_MAX_ORDER 18 /* 2^18 pages = 1 GiB */
#define PAGE_ALLOC_NONE UINT64_MAX

struct page_meta;

struct page_alloc {
	uint64_t base_pfn;  /* first frame tracked */
	uint64_t nr_pfns;   /* frames tracked, free or not */
	uint64_t free_pfns; /* frames free now */
	struct page_meta *meta;
	uint64_t free_head[PAGE_ALLOC_MAX_ORDER + 1]; /* frame index, or PAGE_ALLOC_NONE */
};

/* Bytes of metadata needed to track frames [base_pfn, end_pfn). */
size_t page_alloc_meta_size(uint64_t base_pfn, uint64_t end_pfn);

/* Starts tracking [base_pfn, end_pfn) with every frame in use. */
void page_alloc_init(struct page_alloc *pa, uint64_t base_pfn, uint64_t end_pfn, void *meta);

/* Hands frames [pfn, pfn+nr) to the allocator (clipped to the tracked span). */
void page_alloc_add_free(struct page_alloc *pa, uint64_t pfn, uint64_t nr);

/* Allocates 2^order contiguous, naturally aligned frames; PAGE_ALLOC_NONE if none. */
uint64_t page_alloc_alloc(struct page_alloc *pa, unsigned int order);

/*
 * Frees a block from page_alloc_alloc. Returns 0, or -EINVAL (and changes
 * nothing) for a frame outside the span, a misaligned frame, an order that does
 * not match the allocation, or a block that is already free (double free).
 */
int page_alloc_free(struct page_alloc *pa, uint64_t pfn, unsigned int order);

/*
 * Splits the allocated block of order `order` (> 0) at pfn into two
 * allocated blocks of order - 1, each then freed on its own (a guest gives
 * back part of a 2 MiB extent). 0, or -EINVAL (nothing changed) unless an
 * allocated block of exactly that order starts at pfn.
 */
int page_alloc_split(struct page_alloc *pa, uint64_t pfn, unsigned int order);

/* Order of the allocated block that starts at pfn, or -EINVAL if no allocated
 * block starts there (free, reserved, inside a block, outside the span). */
int page_alloc_block_order(const struct page_alloc *pa, uint64_t pfn);

#endif
