/*
 * The physical memory map in the BIOS e820 form, as multiboot hands it over:
 * sanitising it (sort, overlaps, tiny and unaligned entries) and carving
 * ranges out of RAM (the hypervisor image, the boot modules).
 */
#ifndef TERN_E820_H
#define TERN_E820_H

#include <tern/types.h>

#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3
#define E820_NVS 4
#define E820_UNUSABLE 5
/* Types private to tern (never shown to a guest as such). */
#define E820_HYPERVISOR 0x1000 /* the hypervisor image and its own allocations */
#define E820_MODULE 0x1001     /* a boot module (dom0 kernel, initrd) */
#define E820_DOM0 0x1002       /* RAM given to dom0 (identity-mapped) */

#define E820_MAX 128

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

struct e820_map {
	unsigned int nr;
	struct e820_entry entry[E820_MAX];
};

/* Appends an entry as given (no checks). Returns -ENOSPC when the map is full. */
int e820_add(struct e820_map *map, uint64_t addr, uint64_t size, uint32_t type);

/*
 * Puts the map in canonical form: sorted by address, no overlaps (where a RAM
 * range and another type overlap, the other type wins; between two non-RAM types
 * the higher number wins), adjacent entries of one type merged, RAM trimmed to
 * whole pages and RAM entries smaller than a page dropped, empty entries dropped.
 * Returns the number of entries changed or dropped, or -ENOSPC if resolving
 * overlaps needed more than E820_MAX entries (the map is then left sorted).
 */
int e820_sanitize(struct e820_map *map);

/*
 * Marks [addr, addr+size) as type, splitting the entries it crosses; the map
 * must be sanitised and stays so. Returns 0 or -ENOSPC.
 */
int e820_set_type(struct e820_map *map, uint64_t addr, uint64_t size, uint32_t type);

/* Total bytes of the given type. */
uint64_t e820_total(const struct e820_map *map, uint32_t type);

/* Whether [addr, addr+size) lies inside one entry of the given type (in a
 * sanitised map, where adjacent entries of one type are merged: inside that
 * type altogether). False for an empty or wrapping range. */
bool e820_contains(const struct e820_map *map, uint64_t addr, uint64_t size, uint32_t type);

/* End (exclusive) of the highest entry of the given type; 0 if none. */
uint64_t e820_end(const struct e820_map *map, uint32_t type);

/* Printable name of a type ("RAM", "reserved", "ACPI data", ...). */
const char *e820_type_name(uint32_t type);

#endif
