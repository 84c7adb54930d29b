/*
 * The hypervisor's memory: the boot-time page allocator and heap over the
 * RAM that the hypervisor image and the boot modules do not occupy.
 */
#ifndef TERN_MM_H
#define TERN_MM_H

#include <tern/e820.h>
#include <tern/heap.h>

/*
 * Sets up the page allocator and the heap over the RAM of map (sanitised,
 * with the image and modules already marked). Marks the allocator's own
 * metadata E820_HYPERVISOR in map. Returns 0 or -ENOMEM if no RAM region
 * below the boot mapping can hold the metadata.
 */
int mm_init(struct e820_map *map);

/* 2^order contiguous zeroed pages, or NULL. */
void *alloc_pages(unsigned int order);
void free_pages(void *ptr, unsigned int order);
/* Makes the 2^order pages at ptr two allocations of 2^(order-1), each freed
 * on its own (page_alloc_split()). */
void split_pages(void *ptr, unsigned int order);
void *xmalloc(size_t size);
void xfree(void *ptr);

/* Pages the allocator tracks / has free now. */
uint64_t mm_total_pages(void);
uint64_t mm_free_pages(void);

#endif
