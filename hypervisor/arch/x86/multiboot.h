/* The multiboot (v1) information structure, as the specification lays it out. */
#ifndef X86_MULTIBOOT_H
#define X86_MULTIBOOT_H

#include <tern/errno.h>
#include <tern/setup.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002

struct multiboot_info {
	uint32_t flags;
#define MULTIBOOT_INFO_MEMORY (1u << 0)
#define MULTIBOOT_INFO_CMDLINE (1u << 2)
#define MULTIBOOT_INFO_MODS (1u << 3)
#define MULTIBOOT_INFO_MMAP (1u << 6)
#define MULTIBOOT_INFO_LOADER_NAME (1u << 9)
	uint32_t mem_lower; /* KiB below 1 MiB */
	uint32_t mem_upper; /* KiB above 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
} __attribute__((packed));
_Static_assert(__builtin_offsetof(struct multiboot_info, mmap_length) == 44, "mbi mmap_length");
_Static_assert(__builtin_offsetof(struct multiboot_info, boot_loader_name) == 64, "mbi loader name");

struct multiboot_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct multiboot_module) == 16, "multiboot module");

/* 'size' does not count itself; entries may be larger than this. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "multiboot mmap entry");

/* Copies the loader's information into info; -EINVAL if magic is not multiboot's. */
int multiboot_read(uint32_t magic, uint32_t mbi_paddr, struct boot_info *info);

#endif
