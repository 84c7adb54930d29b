/*
 * Starting an initial domain through the PVH protocol, as Xen's dom0=pvh
 * does: the ELF segments loaded where they ask, an hvm_start_info marking
 * the domain privileged and initial, with the memory map, the command line
 * and the initrd as module 0.
 */
#include <asm/acpi.h>
#include <asm/bios.h>
#include <asm/dom0.h>
#include <asm/elf_pvh.h>
#include <public/start_info.h>
#include <public/xen.h>
#include <tern/cmdline.h>
#include <tern/console.h>
#include <tern/errno.h>
#include <tern/setup.h>
#include <tern/string.h>

#define INITRD_LIMIT GiB(4)

static bool rsdp_valid(const void *p)
{
	return acpi_checksum_ok(p, 20);
}

int dom0_pvh_load(const struct elf_pvh_info *elf, const struct e820_map *e820,
		  const struct boot_module *kernel, const struct boot_module *initrd,
		  struct vcpu_start *start)
{
	const uint8_t *image = (const uint8_t *)(uintptr_t)kernel->start;
	struct hvm_start_info *si = (void *)DOM0_ZERO_PAGE;
	struct hvm_modlist_entry *mod = (void *)(si + 1);
	struct hvm_memmap_table_entry *memmap = (void *)DOM0_MEMMAP;
	const char *cmdline = cmdline_skip_image_name(kernel->string, boot_info.loader_name);
	const void *rsdp = bios_find("RSD PTR ", 8, 20, rsdp_valid);

	for (unsigned int i = 0; i < elf->nr_segments; i++) {
		const struct elf_pvh_segment *seg = &elf->segment[i];
		uint8_t *dst = (uint8_t *)(uintptr_t)seg->paddr;

		memcpy(dst, image + seg->offset, seg->filesz);
		memset(dst + seg->filesz, 0, seg->memsz - seg->filesz);
	}
	memset(si, 0, PAGE_SIZE);
	si->magic = XEN_HVM_START_MAGIC_VALUE;
	si->version = 1;
	si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
	memcpy((void *)DOM0_CMDLINE, cmdline, strlen(cmdline) + 1);
	si->cmdline_paddr = DOM0_CMDLINE;
	si->rsdp_paddr = (uintptr_t)rsdp;
	for (unsigned int i = 0; i < e820->nr; i++)
		memmap[i] = (struct hvm_memmap_table_entry){ e820->entry[i].addr, e820->entry[i].size,
							     e820->entry[i].type, 0 };
	si->memmap_paddr = DOM0_MEMMAP;
	si->memmap_entries = e820->nr;
	if (initrd) {
		uint64_t size = initrd->end - initrd->start;
		uint64_t at = dom0_place_high(e820, size, INITRD_LIMIT, elf->lowest, elf->highest);

		if (!at) {
			pr_err("dom0: no room for the %lu KiB initrd in dom0's memory\n", size >> 10);
			return -ENOMEM;
		}
		memcpy((void *)(uintptr_t)at, (const void *)(uintptr_t)initrd->start, size);
		*mod = (struct hvm_modlist_entry){ at, size, 0, 0 };
		si->nr_modules = 1;
		si->modlist_paddr = (uintptr_t)mod;
	}
	dom0_write_boot_gdt();
	*start = (struct vcpu_start){ .eip = elf->entry, .ebx = DOM0_ZERO_PAGE,
				      .gdt_base = DOM0_GDT, .gdt_limit = DOM0_GDT_LIMIT };
	return 0;
}
