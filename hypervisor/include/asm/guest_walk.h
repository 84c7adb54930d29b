/*
 * Translating a guest-virtual address the way the guest's own page tables
 * do: for fetching the instruction behind an intercepted access, and, with
 * the rights checked, for the data accesses the hypervisor carries out for
 * the guest (insn_string.h).
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

/* A data access the hypervisor carries out as the guest's CPU would. */
struct guest_access {
	bool write;  /* else a read */
	bool user;   /* at CPL 3 */
	bool ac;     /* EFLAGS.AC: under SMAP, supervisor accesses may reach user pages */
};

/* Sets bits in the 8-byte (or 4-byte) entry at a guest-physical address,
 * atomically, as the CPU sets accessed and dirty bits. */
typedef bool (*guest_set_fn)(void *ctx, uint64_t gpa, uint64_t bits, size_t len);

/*
 * guest_walk for access a, with the rights the CPU checks on every level:
 * R/W (for the kernel only under CR0.WP), U/S, and SMAP (CR4.SMAP without
 * EFLAGS.AC keeps the kernel off user pages); then, as the CPU does, sets
 * the accessed bit of each entry and the dirty bit of the last for a
 * write. Returns 0 with *gpa set; -EFAULT, a #PF whose error code is
 * *pf_error; or -EIO if a table could not be read or updated (one in
 * memory that is not the guest's RAM). Protection keys and reserved bits
 * are not checked.
 */
int guest_walk_access(const struct guest_paging *p, uint64_t va, const struct guest_access *a,
		      guest_read_fn read, guest_set_fn set, void *ctx, uint64_t *gpa,
		      uint32_t *pf_error);

struct vcpu;
/* guest_walk_access through v's page tables, which are read and updated in
 * v's domain's RAM (guest_access.c). */
int guest_translate(struct vcpu *v, uint64_t gva, const struct guest_access *a, uint64_t *gpa,
		    uint32_t *pf_error);

#endif
