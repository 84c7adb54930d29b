/*
 * The boot sequence of the boot CPU, from head.S's start_tern() call to the
 * point where dom0 would start. The order of the calls is the order of boot.
 */
#include <asm/apic.h>
#include <asm/dom0.h>
#include <asm/i8259.h>
#include <asm/cpu_state.h>
#include <asm/percpu.h>
#include <asm/stack_guard.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/format.h>
#include <tern/mm.h>
#include <tern/runstate.h>
#include <tern/setup.h>
#include <tern/string.h>
#include <tern/version.h>

#include "multiboot.h"

struct boot_options boot_options;
static bool dom0_planned;
static unsigned int dom0_nr_vcpus;
static struct domain dom0;
static uint8_t bsp_ist_stacks[NR_IST][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
extern char boot_stack_top[], __image_start[], __image_end[];

/*
 * Problems with options are found before the console is set up; they are
 * kept here and printed right after the command line itself.
 */
#define MAX_OPTION_REPORTS 16
static struct {
	char text[160];
} option_reports[MAX_OPTION_REPORTS];
static unsigned int nr_option_reports, option_reports_dropped;

static void report_option(const char *option, const char *reason)
{
	if (nr_option_reports == MAX_OPTION_REPORTS) {
		option_reports_dropped++;
		return;
	}
	/* An unknown option has no default to fall back on: it is just ignored. */
	format_snprintf(option_reports[nr_option_reports++].text, sizeof(option_reports[0].text),
			"Command line: '%s': %s; %s", option, reason,
			strcmp(reason, "unknown option") ? "using the default" : "ignored");
}

static void print_option_reports(void)
{
	for (unsigned int i = 0; i < nr_option_reports; i++)
		pr_warn("%s\n", option_reports[i].text);
	if (option_reports_dropped)
		pr_warn("Command line: %u more problems not shown\n", option_reports_dropped);
}

static void print_map(const char *title, const struct e820_map *map)
{
	pr_info("%s:\n", title);
	for (unsigned int i = 0; i < map->nr; i++) {
		const struct e820_entry *e = &map->entry[i];

		pr_info(" [%016lx, %016lx) %s\n", e->addr, e->addr + e->size, e820_type_name(e->type));
	}
}

static uint64_t mib(uint64_t bytes)
{
	return bytes >> 20;
}

/* Sanitises the loader's map and takes the image and the modules out of RAM. */
static void setup_memory_map(struct e820_map *map)
{
	int fixes;

	print_map("Physical memory map from the bootloader", map);
	fixes = e820_sanitize(map);
	if (fixes < 0)
		panic("The bootloader's memory map is too fragmented (more than %d entries)", E820_MAX);
	if (fixes > 0)
		pr_info("Memory map: %d overlapping, unaligned or empty entries fixed\n", fixes);
	if (e820_set_type(map, (uintptr_t)__image_start, __image_end - __image_start, E820_HYPERVISOR))
		panic("Memory map: no room to mark the hypervisor image");
	for (unsigned int i = 0; i < boot_info.nr_modules; i++) {
		const struct boot_module *m = &boot_info.module[i];
		paddr_t start = ALIGN_DOWN(m->start, PAGE_SIZE), end = ALIGN_UP(m->end, PAGE_SIZE);

		if (e820_set_type(map, start, end - start, E820_MODULE))
			panic("Memory map: no room to mark module %u", i);
	}
	/* dom0's RAM first: the page allocator takes whatever RAM is left. */
	if (boot_info.nr_modules)
		dom0_planned = dom0_plan(map, &boot_info.module[0], &boot_options) == 0;
	if (mm_init(map))
		panic("Memory: no RAM below 4 GiB large enough for the page allocator's metadata");
	print_map("Physical memory map in use", map);
	pr_info("Memory: %lu MiB RAM free, %lu MiB dom0, %lu MiB hypervisor, %lu MiB boot modules\n",
		mib(e820_total(map, E820_RAM)), mib(e820_total(map, E820_DOM0)),
		mib(e820_total(map, E820_HYPERVISOR)), mib(e820_total(map, E820_MODULE)));
}

static void print_modules(void)
{
	for (unsigned int i = 0; i < boot_info.nr_modules; i++) {
		const struct boot_module *m = &boot_info.module[i];

		pr_info("Module %u: [%08lx, %08lx) %lu KiB '%s'\n", i, m->start, m->end,
			(m->end - m->start) >> 10, m->string);
	}
	if (boot_info.modules_dropped)
		pr_warn("Modules: %u beyond the first %d ignored\n", boot_info.modules_dropped,
			MAX_BOOT_MODULES);
}

/* Builds dom0 from the modules and runs it on this CPU; never returns. */
static void start_dom0(void)
{
	int rc;

	if (!dom0_planned)
		panic("Could not set up DOM0 guest OS (see the dom0 lines above)");
	rc = hvm->cpu_enable();
	if (rc)
		panic("%s: cannot enable it on CPU0 (%d)", hvm->name, rc);
	rc = dom0_build(&dom0, hvm, &boot_info.module[0],
			boot_info.nr_modules > 1 ? &boot_info.module[1] : NULL, dom0_nr_vcpus);
	if (rc)
		panic("Could not set up DOM0 guest OS (%d)", rc);
	pr_info("dom0: starting on CPU0 with %s\n", hvm->name);
	/* Its vCPU 0 has CPU0 to itself: always running. */
	runstate_init(&dom0.vcpu[0].runstate, system_time_ns());
	dom0.vcpu[0].runstate.state = RUNSTATE_running;
	hvm->vcpu_run(&dom0.vcpu[0]);
	panic("dom0 returned");
}

void start_tern(uint32_t magic, uint32_t mbi_paddr)
{
	struct percpu *bsp = &percpu[0];
	char options[512];
	uint64_t khz;

	bsp->stack_top = (uintptr_t)boot_stack_top;
	bsp->stack_bottom = bsp->stack_top - STACK_SIZE;
	desc_init_cpu(bsp, bsp_ist_stacks);

	boot_options_default(&boot_options);
	if (multiboot_read(magic, mbi_paddr, &boot_info))
		panic("tern must be started by a multiboot loader (magic %#x)", magic);
	cmdline_parse(cmdline_skip_image_name(boot_info.cmdline, boot_info.loader_name), &boot_options, report_option);
	console_init(&boot_options);

	pr_info("tern %d.%d%s (%s) %s\n", TERN_VERSION_MAJOR, TERN_VERSION_MINOR, TERN_VERSION_EXTRA,
		tern_compiler, tern_compile_date);
	if (boot_info.loader_name[0])
		pr_info("Bootloader: %s\n", boot_info.loader_name);
	pr_info("Command line: %s\n", boot_info.cmdline);
	if (boot_info.cmdline_truncated)
		pr_warn("Command line: longer than %d bytes; the rest is ignored\n", BOOT_STRING_MAX - 1);
	print_option_reports();
	boot_options_format(&boot_options, options, sizeof(options));
	pr_info("Options: %s\n", options);

	setup_memory_map(&boot_info.map);
	if (stack_guard_install(bsp))
		pr_warn("CPU0: no guard page under its stack\n");

	khz = tsc_calibrate();
	pr_info("TSC: %lu.%03lu MHz\n", khz / 1000, khz % 1000);
	i8259_mask_all();
	lapic_init(false); /* CPU0's LINT1 is dom0's to set up */
	lapic_timer_calibrate();
	bsp->apic_id = lapic_id();
	bsp->online = true;
	/* Before the APs start: each enables the extension for its own guests. */
	hvm = hvm_probe();
	cpu_state_probe();
	pr_info("Brought up %u CPUs\n", smp_boot_cpus(&boot_info.map));
	/* Without a dom0 to start the boot stops soon: a PVH one keeps one vCPU. */
	dom0_nr_vcpus = dom0_cpus_decide(&boot_options, !dom0_planned || dom0_owns_machine());

	print_modules();
	/* First: without it no module would help. */
	if (!hvm)
		panic("tern cannot run guests on this CPU (see the HVM lines above)");
	if (boot_info.nr_modules == 0)
		panic("No dom0 kernel: the bootloader passed no module. Add a 'module' line with the dom0 kernel after the 'multiboot' line.");
	start_dom0();
}
