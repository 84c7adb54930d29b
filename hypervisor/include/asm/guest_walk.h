/*
 * Translating a guest-virtual address the way the guest's own page tables
 * do, for fetching the instruction behind an intercepted access.
 */
#ifndef ASM_GUEST_WALK_H
#define ASM_GUEST_WALK_H

#include <tern/types.h>

struct guest_paging {
	uint64_t cr0, cr3, cr4, efer;
};

/* Reads the 8-byte (or, for 32-bit tables, 4-byte) entry at a guest-physical address. */
typedef bool (*guest_read_fn)(void *ctx, uint64_t gpa, void *buf, size_t len);

/*
 * Walks the guest's tables for va in whatever mode they describe: paging off,
 * 32-bit (4 MiB pages with PSE), PAE, 4-level and 5-level long mode, large
 * pages at every level that has them. Returns 0 with *gpa set, -EFAULT if an
 * entry is not present or a table cannot be read.
 */
int guest_walk(const struct guest_paging *p, uint64_t va, guest_read_fn read, void *ctx,
	       uint64_t *gpa);

#endif
