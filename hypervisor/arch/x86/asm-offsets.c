/*
 * Emits the offsets of C structures that assembly uses as "@@OFFSET NAME
 * value" lines; build.mk turns them into asm-offsets.h.
 */
#include <asm/hvm.h>

#define OFFSET(name, type, member) \
	__asm__ volatile("\n@@OFFSET " #name " %0" : : "i"(__builtin_offsetof(type, member)))

void asm_offsets(void);
void asm_offsets(void)
{
	OFFSET(GREG_RBX, struct guest_regs, rbx);
	OFFSET(GREG_RCX, struct guest_regs, rcx);
	OFFSET(GREG_RDX, struct guest_regs, rdx);
	OFFSET(GREG_RSI, struct guest_regs, rsi);
	OFFSET(GREG_RDI, struct guest_regs, rdi);
	OFFSET(GREG_RBP, struct guest_regs, rbp);
	OFFSET(GREG_R8, struct guest_regs, r8);
	OFFSET(GREG_R9, struct guest_regs, r9);
	OFFSET(GREG_R10, struct guest_regs, r10);
	OFFSET(GREG_R11, struct guest_regs, r11);
	OFFSET(GREG_R12, struct guest_regs, r12);
	OFFSET(GREG_R13, struct guest_regs, r13);
	OFFSET(GREG_R14, struct guest_regs, r14);
	OFFSET(GREG_R15, struct guest_regs, r15);
}
