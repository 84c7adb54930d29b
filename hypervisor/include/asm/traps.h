/* The frame entry.S builds for every exception and interrupt. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <tern/types.h>

/* In push order reversed: entry.S pushes rax first and r15 last. */
struct cpu_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code; /* pushed by the stub */
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
/* entry.S pushes 15 registers and 2 words; the CPU 5 more. */
_Static_assert(sizeof(struct cpu_regs) == 22 * 8, "trap frame");

/* Called by entry.S with the frame. */
void trap_dispatch(struct cpu_regs *regs);

/* Prints the registers and a stack trace from the frame (also for panics). */
void show_registers(const struct cpu_regs *regs);

#endif
