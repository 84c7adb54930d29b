/*
 * The GDT (one, shared: code, data and a TSS per CPU), the per-CPU TSS with its
 * IST stacks, and the IDT pointing at the stubs in entry.S.
 */
#include <asm/cpu.h>
#include <asm/percpu.h>
#include <tern/string.h>

#define GDT_ENTRIES (GDT_TSS0 / 8 + 2 * NR_CPUS)
#define TRAP_STUB_SIZE 16

struct percpu percpu[NR_CPUS];
unsigned int nr_cpus_possible = 1;

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[GDT_CS64 / 8] = 0x00af9a000000ffff, /* 64-bit code, DPL 0 */
	[GDT_DS / 8] = 0x00cf92000000ffff,   /* flat data */
};
static struct idt_gate idt[256] __attribute__((aligned(16)));
extern const char trap_stubs[]; /* entry.S: 256 stubs, TRAP_STUB_SIZE bytes apart */

static uint8_t ist_for_vector(unsigned int vector)
{
	switch (vector) {
	case 2: return IST_NMI;
	case 8: return IST_DOUBLE_FAULT;
	case 14: return IST_PAGE_FAULT;
	case 18: return IST_MACHINE_CHECK;
	default: return 0;
	}
}

static void idt_build(void)
{
	for (unsigned int v = 0; v < 256; v++) {
		uintptr_t addr = (uintptr_t)trap_stubs + v * TRAP_STUB_SIZE;

		idt[v] = (struct idt_gate){
			.offset_low = (uint16_t)addr,
			.selector = GDT_CS64,
			.ist = ist_for_vector(v),
			.type_attr = IDT_INTERRUPT_GATE,
			.offset_mid = (uint16_t)(addr >> 16),
			.offset_high = (uint32_t)(addr >> 32),
		};
	}
}

/* A 16-byte available-TSS descriptor in two GDT slots. */
static void gdt_set_tss(unsigned int cpu, const struct tss *tss)
{
	uint64_t base = (uintptr_t)tss, limit = sizeof(*tss) - 1;
	unsigned int slot = GDT_TSS0 / 8 + 2 * cpu;

	gdt[slot] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		    ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
	gdt[slot + 1] = base >> 32;
}

/* Loads CS with the hypervisor's code selector (an AP arrives with the trampoline's). */
static void reload_cs(void)
{
	__asm__ volatile("pushq %0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:"
			 : : "i"(GDT_CS64) : "rax", "memory");
}

void desc_init_cpu(struct percpu *cpu, uint8_t (*ist_stacks)[PAGE_SIZE])
{
	struct desc_ptr gdtr = { sizeof(gdt) - 1, (uintptr_t)gdt };
	struct desc_ptr idtr = { sizeof(idt) - 1, (uintptr_t)idt };
	uint16_t tss_sel = GDT_TSS0 + 16 * cpu->cpu_id;

	if (cpu->cpu_id == 0)
		idt_build();
	cpu->self = cpu;
	cpu->tss.iomap_base = sizeof(cpu->tss); /* no I/O bitmap */
	for (unsigned int i = 1; i <= NR_IST; i++)
		cpu->tss.ist[i - 1] = (uintptr_t)ist_stacks[i - 1] + PAGE_SIZE;
	gdt_set_tss(cpu->cpu_id, &cpu->tss);

	__asm__ volatile("lgdt %0" : : "m"(gdtr));
	reload_cs();
	__asm__ volatile("lidt %0" : : "m"(idtr));
	__asm__ volatile("ltr %0" : : "r"(tss_sel));
	wrmsr(MSR_GS_BASE, (uintptr_t)cpu);
}

unsigned int smp_processor_id(void)
{
	return this_cpu()->cpu_id;
}
