/*
 * Nested page tables in either vendor's format, built and edited in memory
 * reached through callbacks (struct p2m_mem), so the same code runs in the
 * hypervisor and in host unit tests on a fake physical memory. AMD's nested
 * tables (asm/npt_build.h) and Intel's EPT (asm/ept.h) have the same four
 * levels of 512 entries and the same page sizes; a struct p2m_format says
 * how each encodes an entry. Levels are numbered as the walk meets them:
 * 3 = PML4 (512 GiB per entry), 2 = PDPT (1 GiB), 1 = PD (2 MiB), 0 = PT (4 KiB).
 */
#ifndef ASM_P2M_BUILD_H
#define ASM_P2M_BUILD_H

#include <asm/p2m_table.h>

#define P2M_ENTRIES 512
#define P2M_4K (1ull << 12)
#define P2M_2M (1ull << 21)
#define P2M_1G (1ull << 30)
#define P2M_512G (1ull << 39)
#define P2M_LIMIT (1ull << 48) /* guest-physical addresses a 4-level table covers */
#define P2M_ADDR_MASK 0x000ffffffffff000ull

struct p2m_format {
	uint64_t present;  /* an entry with any of these bits maps or links something */
	uint64_t large;    /* a 1 GiB page in a PDPTE, a 2 MiB page in a PDE */
	uint64_t shared;   /* software bit: the table below is shared, copy it before a change */
	uint64_t table;    /* the bits of an entry that links a table */
	uint64_t writable; /* a write needs all of these at every level */
	uint64_t ignored_for_merge; /* bits the CPU sets (accessed, dirty) */
	uint64_t leaf_rwx; /* a page the guest may read, write and execute */
	/* A page's bits for what a guest may do (P2M_*, not 0). */
	uint64_t (*leaf_flags)(unsigned int access);
};

/*
 * Builds dom0's table: guest-physical [0, limit) maps one-to-one, with 1 GiB,
 * 2 MiB or 4 KiB pages, the largest that fits, except the frames that
 * hidden(mem->ctx, addr, len) reports (true: [addr, addr+len) holds at least
 * one hidden frame, i.e. the hypervisor's or the domain heap's RAM). A hidden
 * frame maps, read-write, to the frame at the same offset within 2 MiB of the
 * dummy region [dummy_2m, dummy_2m + 2 MiB): a wholly hidden 2 MiB block is one
 * 2 MiB page onto the dummy, and every wholly hidden 1 GiB range points at one
 * shared page directory of such pages, so hiding any amount costs one table.
 * dom0 then reads the dummy's bytes there and its writes land in the dummy.
 * Above limit nothing is mapped. limit is rounded up to 4 KiB. Without
 * mem->pages_1g (a CPU without 1 GiB pages) visible ranges use 2 MiB pages.
 *
 * Cost: a hidden 2 MiB block is checked frame by frame (512 calls of hidden()).
 * Returns 0 and the root's physical address in *root_out, or -EINVAL (dummy_2m
 * not 2 MiB aligned, limit beyond 2^48) or -ENOMEM (tables already allocated
 * are not given back: boot-time use, where this is fatal anyway).
 */
int p2m_build_identity(const struct p2m_format *f, struct p2m_mem *mem, uint64_t *root_out,
		       uint64_t limit, bool (*hidden)(void *ctx, uint64_t addr, uint64_t len),
		       uint64_t dummy_2m);

/*
 * Maps the 4 KiB guest frame gpa to hpa with access (P2M_* bits; 0 unmaps
 * it), splitting the 1 GiB or 2 MiB page that covers
 * it into pages that keep every other translation, and copying a shared
 * directory before changing it. Then the tables on gpa's path give back what
 * they no longer need, bottom up: a table left empty is unlinked, and one
 * whose 512 entries map one aligned, contiguous range with the same flags
 * (accessed and dirty bits aside) becomes a 2 MiB page, or a 1 GiB page with
 * mem->pages_1g; each such table goes to mem->free_table. So a map followed
 * by its unmap leaves the table as it was, and unmapped space costs no pages.
 * The caller flushes the guest's TLB (ASID) before a freed table is reused.
 * Returns 0, -EINVAL (gpa or hpa not page aligned or out of range) or -ENOMEM
 * (then the table is as it was).
 */
int p2m_build_map_4k(const struct p2m_format *f, struct p2m_mem *mem, uint64_t root, uint64_t gpa,
		     uint64_t hpa, unsigned int access);

/*
 * Walks the table for gpa: returns 0 with the host-physical address in *hpa
 * (and, if not NULL, the size of the page that maps it in *page_size and in
 * *writable whether every level allows writes), or -ENOENT if gpa is not
 * mapped.
 */
int p2m_build_translate(const struct p2m_format *f, struct p2m_mem *mem, uint64_t root,
			uint64_t gpa, uint64_t *hpa, uint64_t *page_size, bool *writable);

/* Table pages reachable from root, a shared one counted once. */
unsigned long p2m_build_count_tables(const struct p2m_format *f, struct p2m_mem *mem, uint64_t root);

/* Gives every table page reachable from root, root included, to
 * mem->free_table, except shared ones (not the table's own). */
void p2m_build_free_tables(const struct p2m_format *f, struct p2m_mem *mem, uint64_t root);

#endif
