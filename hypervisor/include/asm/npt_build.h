/*
 * Building and editing a nested page table (AMD64 long-mode, 4 levels) in
 * memory reached through callbacks, so the same code runs in the hypervisor
 * and in host unit tests on a fake physical memory.
 *
 * NPT entries have the layout of ordinary long-mode page-table entries; a
 * guest access (always a user access, AMD APM vol. 2, "Nested Paging") needs
 * P, RW and US set at every level. Every mapping here uses PAT index 0 (PWT,
 * PCD and PAT clear): write-back at the nested level, so the guest's own PAT
 * and MTRRs decide how MMIO is cached.
 */
#ifndef ASM_NPT_BUILD_H
#define ASM_NPT_BUILD_H

#include <asm/p2m_table.h>

#define NPT_P (1ull << 0)
#define NPT_RW (1ull << 1)
#define NPT_US (1ull << 2)
#define NPT_PWT (1ull << 3)
#define NPT_PCD (1ull << 4)
#define NPT_A (1ull << 5)
#define NPT_D (1ull << 6)
#define NPT_PS (1ull << 7)     /* 1 GiB page in a PDPTE, 2 MiB page in a PDE */
#define NPT_SHARED (1ull << 9) /* software bit: the table below is shared, copy it before a change */
#define NPT_NX (1ull << 63)
#define NPT_ADDR_MASK 0x000ffffffffff000ull

/* A present, writable, executable, write-back guest mapping; also used for tables. */
#define NPT_RWX (NPT_P | NPT_RW | NPT_US)

#define NPT_ENTRIES 512
#define NPT_4K (1ull << 12)
#define NPT_2M (1ull << 21)
#define NPT_1G (1ull << 30)
#define NPT_512G (1ull << 39)
#define NPT_LIMIT (1ull << 48) /* guest-physical addresses a 4-level table covers */

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
int npt_build_identity(struct p2m_mem *mem, uint64_t *root_out, uint64_t limit,
		       bool (*hidden)(void *ctx, uint64_t addr, uint64_t len), uint64_t dummy_2m);

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
int npt_map_4k(struct p2m_mem *mem, uint64_t root, uint64_t gpa, uint64_t hpa, unsigned int access);

/*
 * Walks the table for gpa: returns 0 with the host-physical address in *hpa
 * (and, if not NULL, the size of the page that maps it in *page_size and in
 * *writable whether every level allows writes), or -ENOENT if gpa is not
 * mapped.
 */
int npt_translate(struct p2m_mem *mem, uint64_t root, uint64_t gpa, uint64_t *hpa,
		  uint64_t *page_size, bool *writable);

/* Table pages reachable from root, a shared one counted once. */
unsigned long npt_count_tables(struct p2m_mem *mem, uint64_t root);

/* Gives every table page reachable from root, root included, to
 * mem->free_table, except shared ones (not the table's own). */
void npt_free_tables(struct p2m_mem *mem, uint64_t root);

/* These, as hvm_ops.p2m_table offers them. */
extern const struct p2m_table_ops npt_table_ops;

#endif
