/*
 * svm_vmrun(guest_vmcb_pa, regs, host_vmcb_pa): one world switch.
 * VMRUN itself saves and restores the host's rax, rsp, rip, flags, control
 * registers and segments; VMSAVE/VMLOAD move the rest (FS, GS and TR with
 * their hidden parts, the syscall MSRs), and the general registers are ours
 * to swap. GIF stays clear from before the guest's state is loaded until the
 * host's is back. IF is set across VMRUN alone (GIF keeps interrupts out of
 * the host meanwhile): with V_INTR_MASKING the host's IF is what lets a
 * physical interrupt stop a guest, so a domU that never exits on its own
 * still gives its CPU back when tern's timer or a kick arrives.
 */
#include <asm-offsets.h>

	.text
	.globl svm_vmrun
svm_vmrun:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdx			/* 16(%rsp): host VMCB */
	push	%rsi			/*  8(%rsp): struct guest_regs */
	push	%rdi			/*  0(%rsp): guest VMCB */

	clgi
	mov	%rdx, %rax
	vmsave	%rax			/* host FS, GS, TR, syscall MSRs */
	mov	%rdi, %rax
	vmload	%rax

	mov	GREG_RBX(%rsi), %rbx
	mov	GREG_RCX(%rsi), %rcx
	mov	GREG_RDX(%rsi), %rdx
	mov	GREG_RDI(%rsi), %rdi
	mov	GREG_RBP(%rsi), %rbp
	mov	GREG_R8(%rsi), %r8
	mov	GREG_R9(%rsi), %r9
	mov	GREG_R10(%rsi), %r10
	mov	GREG_R11(%rsi), %r11
	mov	GREG_R12(%rsi), %r12
	mov	GREG_R13(%rsi), %r13
	mov	GREG_R14(%rsi), %r14
	mov	GREG_R15(%rsi), %r15
	mov	GREG_RSI(%rsi), %rsi

	sti
	vmrun	%rax			/* returns at #VMEXIT with host rax, rsp */
	cli

	mov	8(%rsp), %rax
	mov	%rbx, GREG_RBX(%rax)
	mov	%rcx, GREG_RCX(%rax)
	mov	%rdx, GREG_RDX(%rax)
	mov	%rsi, GREG_RSI(%rax)
	mov	%rdi, GREG_RDI(%rax)
	mov	%rbp, GREG_RBP(%rax)
	mov	%r8, GREG_R8(%rax)
	mov	%r9, GREG_R9(%rax)
	mov	%r10, GREG_R10(%rax)
	mov	%r11, GREG_R11(%rax)
	mov	%r12, GREG_R12(%rax)
	mov	%r13, GREG_R13(%rax)
	mov	%r14, GREG_R14(%rax)
	mov	%r15, GREG_R15(%rax)

	mov	0(%rsp), %rax
	vmsave	%rax			/* the guest's FS, GS, TR, syscall MSRs */
	mov	16(%rsp), %rax
	vmload	%rax			/* the host's back */
	stgi

	add	$24, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
