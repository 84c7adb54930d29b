/*
 * Reads the multiboot (v1) information into struct boot_info, copying
 * everything out so nothing later depends on where the loader put it.
 */
#include <tern/console.h>
#include <tern/setup.h>
#include <tern/string.h>

#include "multiboot.h"

struct boot_info boot_info;

/* Copies a loader string (bounded: a missing NUL is not our undoing). */
static bool copy_string(char *dst, size_t size, paddr_t src)
{
	const char *s = (const char *)(uintptr_t)src;
	size_t i;

	for (i = 0; i + 1 < size && s[i]; i++)
		dst[i] = s[i];
	dst[i] = '\0';
	return s[i] == '\0';
}

static void read_memory_map(const struct multiboot_info *mbi, struct e820_map *map)
{
	if (mbi->flags & MULTIBOOT_INFO_MMAP) {
		uintptr_t p = mbi->mmap_addr, end = p + mbi->mmap_length;

		while (p + sizeof(struct multiboot_mmap_entry) <= end) {
			const struct multiboot_mmap_entry *e = (const void *)p;

			if (e820_add(map, e->addr, e->len, e->type) < 0)
				break;
			p += e->size + sizeof(e->size);
		}
	} else if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
		/* Only the legacy sizes: conventional memory and the RAM above 1 MiB. */
		e820_add(map, 0, (uint64_t)mbi->mem_lower << 10, E820_RAM);
		e820_add(map, MiB(1), (uint64_t)mbi->mem_upper << 10, E820_RAM);
	}
}

static void read_modules(const struct multiboot_info *mbi, struct boot_info *info)
{
	const struct multiboot_module *mod = (const void *)(uintptr_t)mbi->mods_addr;

	if (!(mbi->flags & MULTIBOOT_INFO_MODS))
		return;
	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		struct boot_module *bm;

		if (info->nr_modules == MAX_BOOT_MODULES || mod[i].mod_end < mod[i].mod_start) {
			info->modules_dropped++;
			continue;
		}
		bm = &info->module[info->nr_modules++];
		bm->start = mod[i].mod_start;
		bm->end = mod[i].mod_end;
		if (mod[i].string)
			copy_string(bm->string, sizeof(bm->string), mod[i].string);
	}
}

int multiboot_read(uint32_t magic, uint32_t mbi_paddr, struct boot_info *info)
{
	const struct multiboot_info *mbi = (const void *)(uintptr_t)mbi_paddr;

	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		return -EINVAL;
	if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
		info->cmdline_truncated = !copy_string(info->cmdline, sizeof(info->cmdline), mbi->cmdline);
	if (mbi->flags & MULTIBOOT_INFO_LOADER_NAME)
		copy_string(info->loader_name, sizeof(info->loader_name), mbi->boot_loader_name);
	read_memory_map(mbi, &info->map);
	read_modules(mbi, info);
	return 0;
}
