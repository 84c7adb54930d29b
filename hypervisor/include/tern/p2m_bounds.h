/*
 * How far a domain's guest-physical space reaches, how many nested
 * page-table pages it may hold, and the frame-number arithmetic that every
 * p2m operation checks before it shifts or indexes anything. Pure: host
 * unit tests (tests/unit/test_p2m_bounds.c).
 *
 * A domU's space ends at the larger of its maxmem and 4 GiB, rounded up to
 * a GiB, plus one GiB: Xen guests put what is not RAM (grant-table frames,
 * shared_info, foreign and grant mappings) just above their RAM or in the
 * hole below 4 GiB; Linux takes 128 MiB sections for them, the first
 * above everything its memory map names. Its page tables may use what
 * mapping all of its maxmem with 4 KiB pages needs, plus
 * P2M_EXTRA_TABLES pages for everything else. dom0's space is what the CPU
 * can address (it is one-to-one with the machine).
 */
#ifndef TERN_P2M_BOUNDS_H
#define TERN_P2M_BOUNDS_H

#include <tern/types.h>

#define P2M_ADDR_LIMIT (1ull << 48) /* what a 4-level nested table covers */
#define P2M_LOW_SPACE GiB(4)        /* below it: RAM and the hole under 4 GiB */
#define P2M_HIGH_SPACE GiB(1)       /* above RAM (or 4 GiB): grant frames and mappings */
#define P2M_EXTRA_TABLES 64ull      /* 256 KiB of tables beyond what RAM needs */
/* dom0's table is built at boot; its foreign and grant mappings split large
 * pages (4 MiB of tables: 1024 distinct 2 MiB ranges mapped at once), and
 * undoing them merges the pages back. */
#define P2M_DOM0_EXTRA_TABLES 1024ull

/* The end (exclusive, in bytes) of the guest-physical space of a domU
 * whose RAM may reach max_pages frames (max_pages: at most P2M_MAX_PAGES). */
uint64_t p2m_domu_limit(uint64_t max_pages);

/* The most frames a domU's RAM may have: all of them fit below the limit. */
#define P2M_MAX_PAGES ((P2M_ADDR_LIMIT - P2M_HIGH_SPACE - GiB(1)) >> PAGE_SHIFT)

/* Page-table pages (root, directory-pointer, directory and table pages)
 * needed to map every frame of [0, bytes) with 4 KiB pages. */
uint64_t p2m_tables_to_map(uint64_t bytes);

/* The page-table pages a domU with max_pages of RAM may hold. */
uint64_t p2m_domu_table_allowance(uint64_t max_pages);

/* Whether frame gfn lies below the address limit (no shift that wraps). */
bool p2m_gfn_below(uint64_t gfn, uint64_t limit);

/* Whether the n frames from gfn on all lie below frame end, without the
 * sum wrapping. */
bool p2m_range_below(uint64_t gfn, uint64_t n, uint64_t end);

/*
 * Checks a max_mem request for a domU: 0, or -EINVAL when it is more frames
 * than host_pages (the host's RAM: no domain can have more) or than
 * P2M_MAX_PAGES, so that its frame table (8 bytes a frame) and its
 * guest-physical space are always representable.
 */
int p2m_max_pages_check(uint64_t max_pages, uint64_t host_pages);

#endif
