/*
 * A domain's nested table (guest-physical -> host-physical) is in the
 * vendor's format: AMD's nested page tables (svm/npt_build.c), and later
 * Intel's EPT, which has the same four levels of 512 entries and the same
 * page sizes, but other bits. mm/ and dom0/ reach the table only through
 * hvm_ops.p2m_table, with what a guest may do through a mapping in the
 * bits below, which each format encodes its own way.
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

struct p2m_table_ops {
	/* Guest-physical addresses from here up cannot be mapped. */
	uint64_t limit;
	/* Each as npt_build.h describes for AMD's format. */
	int (*build_identity)(struct p2m_mem *mem, uint64_t *root_out, uint64_t limit,
			      bool (*hidden)(void *ctx, uint64_t addr, uint64_t len),
			      uint64_t dummy_2m);
	int (*map_4k)(struct p2m_mem *mem, uint64_t root, uint64_t gpa, uint64_t hpa,
		      unsigned int access);
	int (*translate)(struct p2m_mem *mem, uint64_t root, uint64_t gpa, uint64_t *hpa,
			 uint64_t *page_size, bool *writable);
	unsigned long (*count_tables)(struct p2m_mem *mem, uint64_t root);
	void (*free_tables)(struct p2m_mem *mem, uint64_t root);
};

#endif
