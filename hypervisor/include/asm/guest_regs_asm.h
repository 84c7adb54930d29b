/*
 * Moving a guest's general registers between its struct guest_regs and the
 * CPU, for both vendors' entry.S (which keep rax and rsp elsewhere). base
 * holds the struct's address: loading leaves out rsi and rdi (one of them
 * is base; the caller loads both last), saving saves everything else.
 * Around them, the host's callee-saved registers, pushed on the way in and
 * popped on the way out in one order for both.
 */
#ifndef ASM_GUEST_REGS_ASM_H
#define ASM_GUEST_REGS_ASM_H

#include <asm-offsets.h>

.macro load_guest_regs_but_rsi_rdi base
	mov	GREG_RBX(\base), %rbx
	mov	GREG_RCX(\base), %rcx
	mov	GREG_RDX(\base), %rdx
	mov	GREG_RBP(\base), %rbp
	mov	GREG_R8(\base), %r8
	mov	GREG_R9(\base), %r9
	mov	GREG_R10(\base), %r10
	mov	GREG_R11(\base), %r11
	mov	GREG_R12(\base), %r12
	mov	GREG_R13(\base), %r13
	mov	GREG_R14(\base), %r14
	mov	GREG_R15(\base), %r15
.endm

.macro save_guest_regs base
	mov	%rbx, GREG_RBX(\base)
	mov	%rcx, GREG_RCX(\base)
	mov	%rdx, GREG_RDX(\base)
	mov	%rsi, GREG_RSI(\base)
	mov	%rdi, GREG_RDI(\base)
	mov	%rbp, GREG_RBP(\base)
	mov	%r8, GREG_R8(\base)
	mov	%r9, GREG_R9(\base)
	mov	%r10, GREG_R10(\base)
	mov	%r11, GREG_R11(\base)
	mov	%r12, GREG_R12(\base)
	mov	%r13, GREG_R13(\base)
	mov	%r14, GREG_R14(\base)
	mov	%r15, GREG_R15(\base)
.endm

.macro push_host_callee_saved
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
.endm

.macro pop_host_callee_saved
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
.endm

#endif
