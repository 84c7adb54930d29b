/*
 * Application processor start-up. The APs are started one at a time: each
 * gets its stack through the trampoline's parameter block, sets up its
 * descriptors and LAPIC, says it is online, and becomes one of dom0's pCPUs
 * or one that runs domUs (dom0/dom0_cpus.c).
 */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/dom0.h>
#include <asm/hvm.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/stack_guard.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/mm.h>
#include <tern/string.h>

#define AP_START_TIMEOUT_MS 1000
#define AP_IST_ORDER 2   /* NR_IST pages, rounded up */

_Static_assert((1 << AP_IST_ORDER) >= NR_IST, "AP IST stacks");

extern const char trampoline_start[], trampoline_end[];
extern uint64_t trampoline_cr3, trampoline_stack;

unsigned int nr_cpus_online = 1;
static struct percpu *volatile ap_booting;

struct apic_list {
	uint32_t id[NR_CPUS];
	unsigned int nr;
	unsigned int dropped;
};

static void record_cpu(uint32_t apic_id, void *ctx)
{
	struct apic_list *list = ctx;

	if (list->nr < NR_CPUS)
		list->id[list->nr++] = apic_id;
	else
		list->dropped++;
}

/* Where the copied trampoline keeps a parameter. */
static uint64_t *trampoline_param(uint64_t *param)
{
	return (uint64_t *)(uintptr_t)(TRAMPOLINE_BASE + ((uintptr_t)param - (uintptr_t)trampoline_start));
}

void ap_main(void)
{
	struct percpu *cpu = ap_booting;
	uint8_t(*ist)[PAGE_SIZE] = alloc_pages(AP_IST_ORDER);

	desc_init_cpu(cpu, ist);
	lapic_init(true);
	/* Ready to run domU vCPUs; a failure leaves the CPU idle for good. */
	bool can_run_guests = hvm && hvm->cpu_enable() == 0;

	if (hvm && !can_run_guests)
		pr_warn("CPU%u: cannot enable %s\n", cpu->cpu_id, hvm->name);
	__atomic_store_n(&cpu->online, true, __ATOMIC_RELEASE);
	if (!can_run_guests)
		cpu_halt_forever();
	dom0_cpus_ap_main(cpu);
}

static bool start_ap(struct percpu *cpu)
{
	void *stack = stack_alloc_guarded();

	if (!stack)
		return false;
	cpu->stack_bottom = (uintptr_t)stack;
	cpu->stack_top = (uintptr_t)stack + STACK_SIZE;
	if (stack_guard_install(cpu))
		pr_warn("CPU%u: no guard page under its stack\n", cpu->cpu_id);
	*trampoline_param(&trampoline_cr3) = read_cr3();
	*trampoline_param(&trampoline_stack) = cpu->stack_top;
	ap_booting = cpu;
	if (!lapic_start_ap(cpu->apic_id, TRAMPOLINE_BASE))
		return false;
	for (unsigned int ms = 0; ms < AP_START_TIMEOUT_MS; ms++) {
		if (__atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE))
			return true;
		mdelay(1);
	}
	return false;
}

/* The trampoline page must be RAM that nothing else uses yet (dom0's low
 * memory is fine: dom0 starts after the APs). */
static bool trampoline_page_free(const struct e820_map *map)
{
	for (unsigned int i = 0; i < map->nr; i++) {
		const struct e820_entry *e = &map->entry[i];

		if ((e->type == E820_RAM || e->type == E820_DOM0) && e->addr <= TRAMPOLINE_BASE &&
		    e->addr + e->size >= TRAMPOLINE_BASE + PAGE_SIZE)
			return true;
	}
	return false;
}

unsigned int smp_boot_cpus(const struct e820_map *map)
{
	const struct acpi_madt *madt = acpi_find_madt();
	static struct apic_list list;
	uint32_t bsp = lapic_id();
	int found;

	if (!madt) {
		pr_warn("ACPI: no usable MADT; running on the boot CPU only\n");
		return nr_cpus_online;
	}
	found = madt_for_each_cpu(madt, madt->header.length, record_cpu, &list);
	if (found < 0) {
		pr_warn("ACPI: MADT is malformed; running on the boot CPU only\n");
		return nr_cpus_online;
	}
	nr_cpus_possible = list.nr;
	pr_info("ACPI: MADT lists %d CPU(s)%s\n", found,
		list.dropped ? ", more than tern supports (NR_CPUS)" : "");
	if (!trampoline_page_free(map)) {
		pr_warn("SMP: page %#x is not free RAM; running on the boot CPU only\n", TRAMPOLINE_BASE);
		return nr_cpus_online;
	}
	memcpy((void *)TRAMPOLINE_BASE, trampoline_start, trampoline_end - trampoline_start);

	for (unsigned int i = 0; i < list.nr; i++) {
		struct percpu *cpu = &percpu[nr_cpus_online];

		if (list.id[i] == bsp)
			continue;
		cpu->cpu_id = nr_cpus_online;
		cpu->apic_id = list.id[i];
		if (!start_ap(cpu)) {
			pr_warn("SMP: CPU with APIC ID %u did not start\n", list.id[i]);
			continue;
		}
		pr_debug("SMP: CPU%u is APIC ID %u\n", cpu->cpu_id, cpu->apic_id);
		nr_cpus_online++;
	}
	return nr_cpus_online;
}
