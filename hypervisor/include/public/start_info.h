/*
 * The PVH entry protocol: the ELF note that gives a kernel's 32-bit entry,
 * and the hvm_start_info the vCPU finds in %ebx there.
 */
#ifndef TERN_PUBLIC_START_INFO_H
#define TERN_PUBLIC_START_INFO_H

#include <stdint.h>

#define XEN_ELFNOTE_PHYS32_ENTRY 18 /* in an ELF note named "Xen" */

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578u

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;       /* 1: memmap fields valid */
	uint32_t flags;         /* SIF_* */
	uint32_t nr_modules;
	uint64_t modlist_paddr; /* struct hvm_modlist_entry[nr_modules] */
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;  /* struct hvm_memmap_table_entry[memmap_entries] */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* e820 types */
	uint32_t reserved;
};

#endif
