/*
 * Building dom0 from the boot modules: an unmodified Linux bzImage started
 * through its 32-bit boot protocol entry, identity-mapped, on the boot CPU.
 *
 * Two steps, because dom0's RAM must be chosen before the hypervisor's page
 * allocator takes the rest: dom0_plan() (memory map only) and dom0_build()
 * (copying, the zero page, the nested page table, the vCPU).
 */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/bzimage.h>
#include <asm/elf_pvh.h>
#include <asm/cpu.h>
#include <asm/dom0.h>
#include <asm/dom0_mem.h>
#include <asm/npt_build.h>
#include <asm/percpu.h>
#include <tern/console.h>
#include <tern/errno.h>
#include <tern/evtchn.h>
#include <tern/grant_table.h>
#include <tern/mm.h>
#include <tern/p2m.h>
#include <tern/setup.h>
#include <tern/string.h>



static struct {
	bool pvh;                 /* a PVH ELF kernel, else a bzImage */
	struct bzimage_info kernel;
	struct elf_pvh_info elf;
	uint64_t load_addr;
	struct e820_map e820;     /* what dom0 sees */
	struct dom0_mem_result mem;
} plan;

static const void *module_data(const struct boot_module *m)
{
	return (const void *)(uintptr_t)m->start;
}

/* Whether [start, end) is all free RAM in the host map. */
static bool free_ram(const struct e820_map *host, uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < host->nr; i++) {
		const struct e820_entry *e = &host->entry[i];

		if (e->type == E820_RAM && e->addr <= start && end <= e->addr + e->size)
			return true;
	}
	return false;
}

/*
 * Where the kernel goes: its preferred address, or, when the bootloader put
 * the modules there (a large initrd right after tern reaches 16 MiB), the
 * lowest address above it that is aligned as a relocatable kernel needs and
 * free. 0 if there is none.
 */
static uint64_t kernel_load_address(const struct e820_map *host)
{
	uint64_t size = plan.kernel.init_size, align = plan.kernel.kernel_alignment;

	if (free_ram(host, plan.kernel.pref_address, plan.kernel.pref_address + size))
		return plan.kernel.pref_address;
	if (!plan.kernel.relocatable)
		return 0;
	for (unsigned int i = 0; i < host->nr; i++) {
		const struct e820_entry *e = &host->entry[i];
		uint64_t at = ALIGN_UP(MAX(e->addr, plan.kernel.pref_address), align);

		if (e->type == E820_RAM && at + size <= e->addr + e->size && at + size <= GiB(4))
			return at;
	}
	return 0;
}

/* Which kernel it is and the memory it must have; says why if it is unusable. */
static int parse_kernel(const struct e820_map *host, const struct boot_module *kernel,
			uint64_t *start, uint64_t *end)
{
	size_t len = kernel->end - kernel->start;
	int rc;

	if (elf_is_elf(module_data(kernel), len)) {
		rc = elf_pvh_parse(module_data(kernel), len, &plan.elf);
		if (rc) {
			pr_err("dom0: the kernel module is an ELF file tern cannot start (%s)\n",
			       elf_pvh_strerror(rc));
			return rc;
		}
		plan.pvh = true;
		*start = ALIGN_DOWN(plan.elf.lowest, PAGE_SIZE);
		*end = ALIGN_UP(plan.elf.highest, PAGE_SIZE);
		return 0;
	}
	rc = bzimage_parse(module_data(kernel), len, &plan.kernel);
	if (rc) {
		pr_err("dom0: the kernel module is not a usable bzImage (%s)\n", bzimage_strerror(rc));
		return rc;
	}
	plan.load_addr = kernel_load_address(host);
	if (!plan.load_addr) {
		pr_err("dom0: no free RAM for the kernel's %lu MiB at %#lx%s\n",
		       (uint64_t)plan.kernel.init_size >> 20, plan.kernel.pref_address,
		       plan.kernel.relocatable ? " or above" : " (and it is not relocatable)");
		return -ENOMEM;
	}
	*start = plan.load_addr;
	*end = plan.load_addr + plan.kernel.init_size;
	return 0;
}

int dom0_plan(struct e820_map *host, const struct boot_module *kernel, const struct boot_options *opts)
{
	uint64_t start, end;
	int rc;

	rc = parse_kernel(host, kernel, &start, &end);
	if (rc)
		return rc;
	rc = dom0_mem_build(host, opts, start, end, &plan.e820, &plan.mem);
	if (rc) {
		pr_err("dom0: cannot give dom0 its memory (%s)\n",
		       rc == -ENOMEM ? "the kernel's load address is not free RAM" :
		       rc == -EINVAL ? "dom0_mem is smaller than the kernel" : "memory map too large");
		return rc;
	}
	if (plan.mem.clamped)
		pr_warn("dom0: dom0_mem asks for %lu MiB but only %lu MiB are free; dom0 gets them all\n",
			plan.mem.requested >> 20, plan.mem.free >> 20);
	if (plan.pvh)
		pr_info("dom0: %lu MiB of RAM, PVH kernel at %#lx, entry %#x\n", plan.mem.size >> 20,
			plan.elf.lowest, plan.elf.entry);
	else
		pr_info("dom0: %lu MiB of RAM, kernel boot protocol %u.%02u at %#lx\n",
			plan.mem.size >> 20, plan.kernel.version >> 8, plan.kernel.version & 0xff,
			plan.load_addr);
	return 0;
}

uint64_t dom0_place_high(const struct e820_map *map, uint64_t size, uint64_t limit,
			 uint64_t avoid_start, uint64_t avoid_end)
{
	uint64_t best = 0;

	for (unsigned int i = 0; i < map->nr; i++) {
		const struct e820_entry *e = &map->entry[i];
		uint64_t end = MIN(e->addr + e->size, limit), start;

		if (e->type != E820_RAM || end < size)
			continue;
		if (end > avoid_start && end - size < avoid_end)
			end = avoid_start; /* try below the kernel */
		start = ALIGN_DOWN(end - size, PAGE_SIZE);
		if (end >= size && start >= e->addr && start >= MiB(1) && start > best)
			best = start;
	}
	return best;
}

void dom0_write_boot_gdt(void)
{
	uint64_t *gdt = (uint64_t *)DOM0_GDT;

	gdt[0] = 0;
	gdt[1] = 0;
	gdt[2] = 0x00cf9a000000ffff; /* 0x10: flat 32-bit code */
	gdt[3] = 0x00cf92000000ffff; /* 0x18: flat data */
}

static int load_kernel(const struct boot_module *kernel, const struct boot_module *initrd,
		       struct vcpu_start *start)
{
	struct bzimage_load load = { 0 };
	/* Some loaders put the module's path first, as for tern itself (Xen drops it too). */
	const char *cmdline = cmdline_skip_image_name(kernel->string, boot_info.loader_name);
	size_t cmdline_len = strlen(cmdline);
	int rc;

	memcpy((void *)(uintptr_t)plan.load_addr,
	       (const uint8_t *)module_data(kernel) + plan.kernel.setup_size, plan.kernel.pm_size);
	load.load_addr = plan.load_addr;
	if (cmdline_len) {
		memcpy((void *)DOM0_CMDLINE, cmdline, cmdline_len + 1);
		load.cmdline_addr = DOM0_CMDLINE;
		load.cmdline_len = cmdline_len;
	}
	if (initrd) {
		uint64_t size = initrd->end - initrd->start;
		uint64_t at = dom0_place_high(&plan.e820, size, (uint64_t)plan.kernel.initrd_addr_max + 1,
					      plan.load_addr, plan.load_addr + plan.kernel.init_size);

		if (!at) {
			pr_err("dom0: no room for the %lu KiB initrd in dom0's memory\n", size >> 10);
			return -ENOMEM;
		}
		memcpy((void *)(uintptr_t)at, module_data(initrd), size);
		load.initrd_addr = at;
		load.initrd_size = size;
	}
	load.e820 = &plan.e820;
	rc = bzimage_boot_params((struct boot_params *)DOM0_ZERO_PAGE, module_data(kernel),
				 &plan.kernel, &load);
	if (rc)
		return rc;
	dom0_write_boot_gdt();
	*start = (struct vcpu_start){ .eip = (uint32_t)plan.load_addr, .esi = DOM0_ZERO_PAGE,
				      .gdt_base = DOM0_GDT, .gdt_limit = DOM0_GDT_LIMIT };
	return 0;
}

/* dom0 sees the firmware's tables, but with its own CPUs only: those of
 * its vCPUs, numbered as they are. */
static void hide_other_cpus(const struct domain *d)
{
	struct acpi_madt *madt = acpi_find_madt();
	uint32_t apic_ids[TERN_MAX_VCPUS];
	int hidden;

	if (!madt) {
		pr_warn("dom0: no ACPI MADT to hide tern's CPUs in\n");
		return;
	}
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		apic_ids[i] = percpu[d->vcpu[i].pcpu].apic_id;
	hidden = madt_keep_cpus(madt, madt->header.length, apic_ids, d->nr_vcpus);
	if (hidden < 0)
		pr_warn("dom0: the ACPI MADT is malformed; CPUs not hidden\n");
	else if (hidden > 0)
		pr_info("dom0: %d CPU(s) hidden from dom0's ACPI MADT\n", hidden);
}

/* Whether gpa is RAM dom0 was given (its e820). */
static bool dom0_is_ram(struct domain *d, uint64_t gpa)
{
	for (unsigned int i = 0; i < d->e820->nr; i++) {
		const struct e820_entry *e = &d->e820->entry[i];

		if (e->type == E820_RAM && gpa >= e->addr && gpa < e->addr + e->size)
			return true;
	}
	return false;
}

bool dom0_owns_machine(void)
{
	return !plan.pvh;
}

int dom0_build(struct domain *d, const struct hvm_ops *hvm, const struct boot_module *kernel,
	       const struct boot_module *initrd, unsigned int nr_vcpus)
{
	struct vcpu_start start;
	int rc;

	d->id = 0;
	d->name = "Domain-0";
	d->is_privileged = true;
	p2m_init(d);
	d->e820 = &plan.e820;
	d->is_ram = dom0_is_ram;
	d->tot_pages = d->max_pages = plan.mem.size >> PAGE_SHIFT;
	d->max_gfn = (e820_end(&plan.e820, E820_RAM) >> PAGE_SHIFT) - 1;
	/* A bzImage kernel owns the machine; a PVH one is a guest without devices. */
	d->passthrough = !plan.pvh;
	/* vCPU i on pCPU i, which it owns; vCPU 0 starts now, the others when
	 * dom0 sends them INIT and STARTUP (dom0_cpus.c). */
	d->nr_vcpus = nr_vcpus;
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		d->vcpu[i].domain = d;
		d->vcpu[i].id = i;
		d->vcpu[i].pcpu = i;
		d->vcpu[i].online = i == 0;
		/* vCPU 0 finds its LAPIC on (tern set it up); the others start
		 * from INIT, which turns it off. */
		d->vcpu[i].lapic_on = i == 0;
	}
	rc = hvm->domain_init(d);
	if (rc)
		return rc;
	if (plan.pvh) {
		rc = dom0_pvh_load(&plan.elf, &plan.e820, kernel, initrd, &start);
		if (!rc)
			rc = dom0_npt_build_ram_only(d);
	} else {
		rc = load_kernel(kernel, initrd, &start);
		if (!rc)
			rc = dom0_npt_build(d);
		if (!rc)
			hide_other_cpus(d);
	}
	if (rc)
		return rc;

	rc = evtchn_domain_init(d, EVTCHN_FIFO_NR_CHANNELS - 1);
	if (!rc)
		rc = grant_table_init(d);
	if (!rc)
		rc = hvm->vcpu_init(&d->vcpu[0], &start);
	if (!rc)
		domain_register(d);
	return rc;
}
