/*
 * The IDT: every vector goes to a stub in head.S and then to lib_trap().
 * Exceptions at an address listed in .ex_table are expected (rdmsr_safe);
 * any other exception is reported and ends the test with ERROR, so a test
 * never dies silently. Interrupts go to the handler a test registered.
 */
#include "lib.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr; /* present, DPL 0, 64-bit interrupt gate: 0x8e */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate");

struct ex_entry {
	uint64_t fault_rip;
	uint64_t resume_rip;
};

extern const uint8_t trap_stubs[];   /* head.S: 256 stubs, 16 bytes apart */
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static struct idt_gate idt[256] __aligned(16);
static irq_handler_t irq_handlers[256];
volatile int trap_caught = TRAP_NONE;

static const char *const exception_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#MF(9)",
	"#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
	"#VE", "#CP", "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

void traps_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uintptr_t)idt };

	for (unsigned int v = 0; v < 256; v++) {
		uint64_t addr = (uintptr_t)trap_stubs + 16 * v;

		idt[v] = (struct idt_gate){
			.offset_lo = addr & 0xffff,
			.selector = 0x08,
			.type_attr = 0x8e,
			.offset_mid = (addr >> 16) & 0xffff,
			.offset_hi = addr >> 32,
		};
	}
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void set_irq_handler(uint8_t vector, irq_handler_t handler)
{
	irq_handlers[vector] = handler;
}

void lib_trap(struct trap_frame *f);
void lib_trap(struct trap_frame *f)
{
	if (f->vector >= 32) {
		if (irq_handlers[f->vector])
			irq_handlers[f->vector](f);
		else
			test_error("unexpected interrupt, vector %#lx at rip %#lx", f->vector, f->rip);
		return;
	}
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->fault_rip == f->rip) {
			trap_caught = f->vector;
			f->rip = e->resume_rip;
			return;
		}
	}
	uint64_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	test_error("unexpected exception %s (vector %lu) error code %#lx at rip %#lx, cr2 %#lx",
		   exception_names[f->vector], f->vector, f->error_code, f->rip, cr2);
	test_end();
}
