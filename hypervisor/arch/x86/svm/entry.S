/*
 * svm_vmrun(guest_vmcb_pa, regs, host_vmcb_pa, guest_shadow): one world switch.
 * VMRUN itself saves and restores the host's rax, rsp, rip, flags, control
 * registers and segments; VMSAVE/VMLOAD move the rest (FS, GS and TR with
 * their hidden parts, the syscall MSRs), and the general registers are ours
 * to swap. GIF stays clear from before the guest's state is loaded until the
 * host's is back. IF is set across VMRUN (GIF keeps interrupts out of the
 * host meanwhile): with V_INTR_MASKING the host's IF is what lets a physical
 * interrupt stop a guest, so a domU that never exits on its own still gives
 * its CPU back when tern's timer or a kick arrives.
 * Where the STI goes is for QEMU 7.2, and the same on hardware: QEMU gives
 * the guest's first instruction the shadow of an STI right before VMRUN,
 * and ignores the VMCB's own interrupt shadow. So the STI is next to VMRUN
 * only when the guest is in a shadow (guest_shadow: re-entered between its
 * STI and HLT, say), and far from it otherwise: a guest re-entered at the
 * STI of `sti; hlt` (Linux's idle) would get no shadow of its own there,
 * take its waiting interrupt before the HLT, and sleep on.
 */
#include <asm/guest_regs_asm.h>

	.text
	.globl svm_vmrun
svm_vmrun:
	push_host_callee_saved
	push	%rcx			/* 24(%rsp): the guest is in an interrupt shadow */
	push	%rdx			/* 16(%rsp): host VMCB */
	push	%rsi			/*  8(%rsp): struct guest_regs */
	push	%rdi			/*  0(%rsp): guest VMCB */

	clgi
	test	%cl, %cl
	jnz	1f
	sti				/* no shadow to keep: far from VMRUN */
1:	mov	%rdx, %rax
	vmsave	%rax			/* host FS, GS, TR, syscall MSRs */
	mov	%rdi, %rax
	vmload	%rax

	load_guest_regs_but_rsi_rdi %rsi
	mov	GREG_RDI(%rsi), %rdi
	mov	GREG_RSI(%rsi), %rsi

	cmpb	$0, 24(%rsp)		/* host flags only: the guest's are in the VMCB */
	je	2f
	sti				/* its shadow, for QEMU: see above */
2:	vmrun	%rax			/* returns at #VMEXIT with host rax, rsp */
	cli

	mov	8(%rsp), %rax
	save_guest_regs %rax

	mov	0(%rsp), %rax
	vmsave	%rax			/* the guest's FS, GS, TR, syscall MSRs */
	mov	16(%rsp), %rax
	vmload	%rax			/* the host's back */
	stgi

	add	$32, %rsp
	pop_host_callee_saved
	ret
