/*
 * dom0's nested page table: everything one-to-one (its RAM, and all the
 * physical address space that is not RAM: its devices are its own) except
 * the hypervisor's and the domain heap's frames, which show a 2 MiB dummy
 * region instead, and its LAPIC page, which is read-only so that writes to
 * the interrupt command register come to tern (dom0_lapic.c).
 */
#include <asm/cpu.h>
#include <asm/dom0.h>
#include <asm/p2m_build.h>
#include <tern/console.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/p2m.h>
#include <tern/p2m_bounds.h>

#define DUMMY_ORDER 9 /* 2 MiB, naturally aligned by the buddy allocator */
#define CPUID_ADDRESS_SIZES 0x80000008

/* Building at boot: table pages straight from the allocator; one given back
 * (a range that merged) is free at once, since no guest has run yet. */
static uint64_t boot_alloc_table(void *ctx)
{
	(void)ctx;
	return (uintptr_t)alloc_pages(0);
}

static void boot_free_table(void *ctx, uint64_t paddr)
{
	(void)ctx;
	free_pages((void *)(uintptr_t)paddr, 0);
}

/* ctx: the host memory map, which frame_hidden() reads. */
static struct p2m_mem boot_table_mem(void)
{
	return (struct p2m_mem){ &boot_info.map, boot_alloc_table, boot_free_table, p2m_direct_map,
				 cpu_has_1g_pages() };
}

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

/* The table is built: its pages are charged to dom0, which may use
 * P2M_DOM0_EXTRA_TABLES more, anywhere the CPU can address. */
static void dom0_p2m_bounds(struct domain *d, struct p2m_mem *mem, uint64_t root)
{
	d->npt_root = root;
	d->npt_pages = p2m_build_count_tables(hvm->p2m_format, mem, root);
	p2m_set_bounds(d, physical_limit(), d->npt_pages + P2M_DOM0_EXTRA_TABLES);
}

/* What dom0's table maps at gpa when nothing was mapped over it. */
static bool dom0_base_frame(struct domain *d, uint64_t gpa, paddr_t *hpa)
{
	if (gpa >= physical_limit())
		return false;
	*hpa = frame_hidden(&boot_info.map, gpa, PAGE_SIZE) ? d->scratch + (gpa & (MiB(2) - 1)) : gpa;
	return true;
}

static bool dom0_base_frame_ram_only(struct domain *d, uint64_t gpa, paddr_t *hpa)
{
	*hpa = gpa;
	return d->is_ram(d, gpa);
}

int dom0_npt_build(struct domain *d)
{
	struct p2m_mem mem = boot_table_mem();
	void *dummy = alloc_pages(DUMMY_ORDER);
	uint64_t root;
	int rc;

	if (!dummy)
		return -ENOMEM;
	d->scratch = (uintptr_t)dummy; /* the 2 MiB region hidden frames show */
	d->base_frame = dom0_base_frame;
	rc = p2m_build_identity(hvm->p2m_format, &mem, &root, physical_limit(), frame_hidden, (uintptr_t)dummy);
	if (rc)
		return rc;
	dom0_lapic_base = rdmsr(MSR_APIC_BASE) & 0xffffff000ull;
	rc = p2m_build_map_4k(hvm->p2m_format, &mem, root, dom0_lapic_base, dom0_lapic_base, P2M_RX);
	if (rc)
		return rc;
	/* Read-only for good: no p2m operation may put anything else there. */
	p2m_fix_page(d, dom0_lapic_base);
	dom0_p2m_bounds(d, &mem, root);
	pr_info("dom0: nested page table of %lu pages\n", (unsigned long)d->npt_pages);
	return 0;
}

/* A dom0 without devices: its RAM one-to-one, nothing else (hvm/mmio.c answers). */
int dom0_npt_build_ram_only(struct domain *d)
{
	struct p2m_mem mem = boot_table_mem();
	uint64_t root = mem.alloc_table(mem.ctx);

	if (!root)
		return -ENOMEM;
	for (unsigned int i = 0; i < d->e820->nr; i++) {
		const struct e820_entry *e = &d->e820->entry[i];

		if (e->type != E820_RAM)
			continue;
		for (uint64_t a = e->addr; a < e->addr + e->size; a += PAGE_SIZE) {
			int rc = p2m_build_map_4k(hvm->p2m_format, &mem, root, a, a, P2M_RWX);

			if (rc)
				return rc;
		}
	}
	d->base_frame = dom0_base_frame_ram_only;
	dom0_p2m_bounds(d, &mem, root);
	pr_info("dom0: nested page table of %lu pages (RAM only)\n", (unsigned long)d->npt_pages);
	return 0;
}
