/*
 * dom0's nested page table: everything one-to-one (its RAM, and all the
 * physical address space that is not RAM: its devices are its own) except
 * the hypervisor's and the domain heap's frames, which show a 2 MiB dummy
 * region instead, and its LAPIC page, which is read-only so that writes to
 * the interrupt command register come to tern (dom0_lapic.c).
 */
#include <asm/cpu.h>
#include <asm/dom0.h>
#include <asm/npt_build.h>
#include <tern/console.h>
#include <tern/errno.h>
#include <tern/mm.h>

#define DUMMY_ORDER 9 /* 2 MiB, naturally aligned by the buddy allocator */
#define CPUID_ADDRESS_SIZES 0x80000008

extern struct npt_mem hypervisor_npt_mem;

/* RAM nobody gave dom0: the hypervisor's, the heap's, the boot modules'. */
static bool frame_hidden(void *ctx, uint64_t addr, uint64_t len)
{
	const struct e820_map *map = ctx;

	for (unsigned int i = 0; i < map->nr; i++) {
		const struct e820_entry *e = &map->entry[i];

		if ((e->type == E820_RAM || e->type == E820_HYPERVISOR || e->type == E820_MODULE) &&
		    e->addr < addr + len && addr < e->addr + e->size)
			return true;
	}
	return false;
}

/* All the physical address space the CPU can address (MMIO windows included). */
static uint64_t physical_limit(void)
{
	unsigned int bits = cpuid(CPUID_ADDRESS_SIZES, 0).eax & 0xff;

	if (bits < 32 || bits > 48)
		bits = 48;
	return 1ull << bits;
}

int dom0_npt_build(struct domain *d)
{
	struct npt_mem mem = hypervisor_npt_mem;
	void *dummy = alloc_pages(DUMMY_ORDER);
	uint64_t root;
	int rc;

	if (!dummy)
		return -ENOMEM;
	mem.ctx = &boot_info.map;
	rc = npt_build_identity(&mem, &root, physical_limit(), frame_hidden, (uintptr_t)dummy,
				cpu_has_1g_pages());
	if (rc)
		return rc;
	dom0_lapic_base = rdmsr(MSR_APIC_BASE) & 0xffffff000ull;
	rc = npt_map_4k(&mem, root, dom0_lapic_base, dom0_lapic_base, NPT_P | NPT_US);
	if (rc)
		return rc;
	d->npt_root = root;
	pr_info("dom0: nested page table of %lu pages\n", npt_count_tables(&mem, root));
	return 0;
}
