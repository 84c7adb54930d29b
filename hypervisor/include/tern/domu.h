/* What a domU needs of the architecture (arch/x86/mm/domu.c). */
#ifndef TERN_DOMU_H
#define TERN_DOMU_H

#include <tern/domain.h>

/* An empty nested page table and the vendor state. 0 or -ENOMEM. */
int domu_arch_init(struct domain *d);
/* The RAM limit, in pages; the first call also sizes its frame table and
 * its guest-physical space. It may go below what the domain has (as on Xen,
 * populate then fails until the guest gives back enough). -EINVAL for more
 * pages than the host has (tern/p2m_bounds.h); -ENOMEM. */
int domu_set_max_mem(struct domain *d, uint64_t max_pages);
/* Gives the domain 2^order fresh zeroed pages at guest frame gfn (aligned).
 * -EINVAL beyond max_mem, -EEXIST if populated already, -ENOMEM. */
int domu_populate(struct domain *d, uint64_t gfn, unsigned int order);
/*
 * The guest gives back its RAM frame at gfn (XENMEM_decrease_reservation):
 * unmapped, its TLBs flushed, the frame back in the heap and tot_pages one
 * less. -ENOENT if gfn holds none of its RAM (never populated, given back
 * already, beyond its frames; any domain without a frame table: dom0);
 * -EBUSY while another domain maps the frame or the hypervisor holds it
 * (domu_hold_ram()); -EINVAL while a page is placed over it (shared_info, a
 * grant-table frame). Nothing changes on error.
 */
int domu_release(struct domain *d, uint64_t gfn);
/* p2m_ram_gfn() for a frame the hypervisor keeps a pointer to (vcpu_info,
 * FIFO event pages): a domU can no longer give it back, until destroyed. */
int domu_hold_ram(struct domain *d, uint64_t gfn, paddr_t *hpa);
/* Gives the RAM at guest frames [gfn, gfn + count) back to the heap (once
 * nobody else maps it: p2m.c); returns the next frame to look at, which is
 * the size of its frame table once all is done. */
uint64_t domu_free_ram(struct domain *d, uint64_t gfn, uint64_t count);
/* Frees its frame table, its nested page table and the vendor state. */
void domu_arch_destroy(struct domain *d);

#endif
