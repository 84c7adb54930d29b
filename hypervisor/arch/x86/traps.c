/*
 * Exceptions in the hypervisor are bugs: print what the CPU was doing and
 * stop. NMIs are not exceptions: they are counted and handed on (nmi.c).
 * Interrupts nobody asked for are logged and acknowledged.
 */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/nmi.h>
#include <asm/percpu.h>
#include <asm/stack_guard.h>
#include <asm/traps.h>
#include <tern/arch.h>
#include <tern/console.h>

#define STACK_TRACE_MAX 32
#define SPURIOUS_VECTOR 0xff
#define NMI_VECTOR 2
#define PF_VECTOR 14

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection fault",
	"page fault", "reserved", "x87 floating point", "alignment check", "machine check",
	"SIMD floating point", "virtualization", "control protection", "reserved", "reserved",
	"reserved", "reserved", "reserved", "reserved", "hypervisor injection",
	"VMM communication", "security", "reserved",
};

/* Follows the frame-pointer chain while it stays on this CPU's stack. */
static void show_stack_trace(uint64_t rbp)
{
	const struct percpu *cpu = this_cpu();

	printk(LOG_ERR, "Stack trace (addr2line -e build/tern-syms.elf):\n");
	for (int depth = 0; depth < STACK_TRACE_MAX; depth++) {
		const uint64_t *frame = (const uint64_t *)rbp;

		if (rbp & 7 || rbp < cpu->stack_bottom || rbp + 16 > cpu->stack_top)
			break;
		printk(LOG_ERR, "   [<%016lx>]\n", frame[1]);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

void show_registers(const struct cpu_regs *regs)
{
	printk(LOG_ERR, "CPU:    %u\n", this_cpu()->cpu_id);
	printk(LOG_ERR, "RIP:    %04lx:%016lx   RFLAGS: %016lx\n", regs->cs, regs->rip, regs->rflags);
	printk(LOG_ERR, "rax: %016lx   rbx: %016lx   rcx: %016lx\n", regs->rax, regs->rbx, regs->rcx);
	printk(LOG_ERR, "rdx: %016lx   rsi: %016lx   rdi: %016lx\n", regs->rdx, regs->rsi, regs->rdi);
	printk(LOG_ERR, "rbp: %016lx   rsp: %016lx   r8:  %016lx\n", regs->rbp, regs->rsp, regs->r8);
	printk(LOG_ERR, "r9:  %016lx   r10: %016lx   r11: %016lx\n", regs->r9, regs->r10, regs->r11);
	printk(LOG_ERR, "r12: %016lx   r13: %016lx   r14: %016lx\n", regs->r12, regs->r13, regs->r14);
	printk(LOG_ERR, "r15: %016lx   cr0: %016lx   cr4: %016lx\n", regs->r15, read_cr0(), read_cr4());
	printk(LOG_ERR, "cr3: %016lx   cr2: %016lx   ss:  %04lx\n", read_cr3(), read_cr2(), regs->ss);
	show_stack_trace(regs->rbp);
}

void trap_dispatch(struct cpu_regs *regs)
{
	unsigned int vector = regs->vector;

	if (vector == NMI_VECTOR) {
		nmi_handle();
		return;
	}
	if (vector == SPURIOUS_VECTOR)
		return; /* the LAPIC wants no EOI for these */
	if (vector == TIMER_VECTOR || vector == KICK_VECTOR) {
		/* Only wakes the CPU: the run loop looks at the timers itself. */
		if (vector == TIMER_VECTOR)
			lapic_timer_fired();
		lapic_eoi();
		if (machine_halting())
			cpu_halt_forever();
		return;
	}
	if (vector >= 32) {
		pr_warn("CPU%u: unexpected interrupt, vector %u\n", this_cpu()->cpu_id, vector);
		lapic_eoi();
		return;
	}
	console_init_emergency();
	printk(LOG_ERR, "----[ tern fatal exception ]----\n");
	printk(LOG_ERR, "%s (vector %u), error code %04lx\n", exception_names[vector], vector,
	       regs->error_code);
	if (vector == PF_VECTOR && stack_guard_hit(this_cpu(), read_cr2()))
		printk(LOG_ERR, "stack overflow: CPU%u's stack ran into its guard page at %#lx\n",
		       this_cpu()->cpu_id, (unsigned long)read_cr2());
	show_registers(regs);
	panic("FATAL TRAP: vector = %u (%s)", vector, exception_names[vector]);
}
