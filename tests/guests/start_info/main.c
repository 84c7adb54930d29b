/*
 * start_info: tern starts its initial domain through the PVH protocol with a
 * sane hvm_start_info: the magic, flags privileged|initdomain, a memory map
 * with RAM (below 1 MiB too), sorted and non-overlapping, and the command line
 * from the module's line (tests/system/test_guests.py passes
 * "tern-test=start_info" after the image name).
 * Cannot tell: whether the memory map matches what tern really gave the
 * domain, or whether modules and the RSDP are right (none are passed).
 */
#include "lib.h"

const char test_title[] = "hvm_start_info from the PVH entry";

#define E820_RAM 1
static const char expected_cmdline[] = "tern-test=start_info";

void test_main(void)
{
	const struct hvm_start_info *si = start_info();

	printf("hvm_start_info at %#lx: magic %#x version %u flags %#x cmdline %#lx memmap %#lx/%u\n",
	       start_info_pa, si->magic, si->version, si->flags, si->cmdline_paddr,
	       si->memmap_paddr, si->memmap_entries);
	if (si->magic != XEN_HVM_START_MAGIC_VALUE)
		return test_failure("magic %#x, expected %#x", si->magic, XEN_HVM_START_MAGIC_VALUE);
	if ((si->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)) != (SIF_PRIVILEGED | SIF_INITDOMAIN))
		test_failure("flags %#x lack SIF_PRIVILEGED|SIF_INITDOMAIN", si->flags);

	if (!si->cmdline_paddr) {
		test_failure("no command line");
	} else {
		const char *cmdline = (const char *)(uintptr_t)si->cmdline_paddr;

		printf("cmdline: '%.*s'\n", 200, cmdline);
		if (strnlen(cmdline, 2048) == 2048)
			test_failure("command line not NUL-terminated within 2048 bytes");
		else if (strcmp(cmdline, expected_cmdline))
			test_failure("command line '%s', expected '%s'", cmdline, expected_cmdline);
	}

	if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries)
		return test_failure("no memory map (version %u, %u entries)", si->version,
				    si->memmap_entries);
	const struct hvm_memmap_table_entry *map = (const void *)(uintptr_t)si->memmap_paddr;
	uint64_t ram = 0, prev_end = 0;
	bool low_ram = false;

	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = &map[i];

		printf("  [%016lx, %016lx) type %u\n", e->addr, e->addr + e->size, e->type);
		if (!e->size || e->addr + e->size < e->addr)
			test_failure("entry %u: empty or wrapping", i);
		if (e->addr < prev_end)
			test_failure("entry %u: unsorted or overlapping", i);
		prev_end = e->addr + e->size;
		if (e->type == E820_RAM) {
			ram += e->size;
			low_ram |= e->addr < 0x100000;
		}
	}
	if (ram < 0x200000)
		test_failure("only %lu KiB of RAM in the memory map", ram >> 10);
	if (!low_ram)
		test_failure("no RAM below 1 MiB");
	if (start_info_pa + sizeof(*si) > 0x100000000ull)
		test_failure("hvm_start_info above 4 GiB");
}
