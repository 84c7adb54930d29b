/*
 * A domain's nested table (guest-physical -> host-physical) is in the
 * vendor's format: AMD's nested page tables (svm/npt_build.c) or Intel's
 * EPT (vmx/ept.c), which have the same four levels of 512 entries and the
 * same page sizes, but other bits. mm/ and dom0/ edit the table with
 * asm/p2m_build.h's functions in hvm_ops.p2m_format's encoding, saying what
 * a guest may do through a mapping in the bits below.
 */
#ifndef ASM_P2M_TABLE_H
#define ASM_P2M_TABLE_H

#include <tern/types.h>

#define P2M_R (1u << 0)
#define P2M_W (1u << 1)
#define P2M_X (1u << 2)
#define P2M_RX (P2M_R | P2M_X)
#define P2M_RWX (P2M_R | P2M_W | P2M_X)

/* The physical memory the tables live in. */
struct p2m_mem {
	void *ctx;
	/* The physical address of a zeroed 4 KiB page, or 0 on failure (out of
	 * memory, or of the domain's allowance). */
	uint64_t (*alloc_table)(void *ctx);
	/* A table page that is no longer linked in. A TLB's cached walks may
	 * still point at it: the caller reuses it only once they are gone. */
	void (*free_table)(void *ctx, uint64_t paddr);
	/* A pointer through which the table page at paddr is read and written. */
	uint64_t *(*map)(void *ctx, uint64_t paddr);
	/* The CPU takes 1 GiB pages in nested tables. */
	bool pages_1g;
};

/* p2m_mem.map in the hypervisor, whose direct map is one-to-one (the unit
 * tests map fake memory instead). */
static inline uint64_t *p2m_direct_map(void *ctx, uint64_t paddr)
{
	(void)ctx;
	return (uint64_t *)(uintptr_t)paddr;
}


#endif
