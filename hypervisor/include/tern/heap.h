/*
 * Small-object heap on top of the page allocator: power-of-two size classes
 * from 16 bytes to half a page carved out of single pages; anything larger
 * takes whole pages. Memory is reached through a map function so the same code
 * runs on the host.
 */
#ifndef TERN_HEAP_H
#define TERN_HEAP_H

#include <tern/page_alloc.h>

#define HEAP_MIN_SHIFT 4
#define HEAP_NR_CLASSES (PAGE_SHIFT - HEAP_MIN_SHIFT) /* 16 .. 2048 bytes */

struct heap {
	struct page_alloc *pages;
	void *(*map)(paddr_t paddr);   /* physical -> hypervisor virtual */
	paddr_t (*unmap)(const void *ptr); /* hypervisor virtual -> physical */
	void *free_list[HEAP_NR_CLASSES];
	uint64_t bytes_in_use;
};

void heap_init(struct heap *heap, struct page_alloc *pages, void *(*map)(paddr_t),
	       paddr_t (*unmap)(const void *));

/* Returns zeroed memory aligned to 16 bytes (page aligned above half a page), or NULL. */
void *heap_alloc(struct heap *heap, size_t size);

/* Frees memory from heap_alloc; NULL is ignored. Returns -EINVAL for a pointer
 * the heap did not hand out or one already freed (detected where the header shows it). */
int heap_free(struct heap *heap, void *ptr);

#endif
