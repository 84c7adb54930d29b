/* What a domU needs of the architecture (arch/x86/domu.c). */
#ifndef TERN_DOMU_H
#define TERN_DOMU_H

#include <tern/domain.h>

/* An empty nested page table and the vendor state. 0 or -ENOMEM. */
int domu_arch_init(struct domain *d);
/* The RAM limit, in pages; the first call also sizes its frame table. */
int domu_set_max_mem(struct domain *d, uint64_t max_pages);
/* Gives the domain 2^order fresh zeroed pages at guest frame gfn (aligned).
 * -EINVAL beyond max_mem, -EEXIST if populated already, -ENOMEM. */
int domu_populate(struct domain *d, uint64_t gfn, unsigned int order);
/* Gives the RAM at guest frames [gfn, gfn + count) back to the heap (once
 * nobody else maps it: p2m.c); returns the next frame to look at, which is
 * the size of its frame table once all is done. */
uint64_t domu_free_ram(struct domain *d, uint64_t gfn, uint64_t count);
/* Frees its frame table, its nested page table and the vendor state. */
void domu_arch_destroy(struct domain *d);

#endif
