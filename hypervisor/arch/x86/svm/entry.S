/*
 * svm_vmrun(guest_vmcb_pa, regs, host_vmcb_pa): one world switch.
 * VMRUN itself saves and restores the host's rax, rsp, rip, flags, control
 * registers and segments; VMSAVE/VMLOAD move the rest (FS, GS and TR with
 * their hidden parts, the syscall MSRs), and the general registers are ours
 * to swap. GIF stays clear from before the guest's state is loaded until the
 * host's is back. IF is set from CLGI to the exit (GIF keeps interrupts out
 * of the host meanwhile): with V_INTR_MASKING the host's IF is what lets a
 * physical interrupt stop a guest, so a domU that never exits on its own
 * still gives its CPU back when tern's timer or a kick arrives. The STI is
 * not the instruction before VMRUN: QEMU carries that STI's one-instruction
 * interrupt shadow into the guest, and a guest whose first instruction is
 * its own STI (re-entered at the STI of `sti; hlt`, Linux's idle) then got
 * no shadow: its waiting interrupt came before the HLT, which slept on.
 */
#include <asm/guest_regs_asm.h>

	.text
	.globl svm_vmrun
svm_vmrun:
	push_host_callee_saved
	push	%rdx			/* 16(%rsp): host VMCB */
	push	%rsi			/*  8(%rsp): struct guest_regs */
	push	%rdi			/*  0(%rsp): guest VMCB */

	clgi
	sti				/* not next to VMRUN: see above */
	mov	%rdx, %rax
	vmsave	%rax			/* host FS, GS, TR, syscall MSRs */
	mov	%rdi, %rax
	vmload	%rax

	load_guest_regs_but_rsi_rdi %rsi
	mov	GREG_RDI(%rsi), %rdi
	mov	GREG_RSI(%rsi), %rsi

	vmrun	%rax			/* returns at #VMEXIT with host rax, rsp */
	cli

	mov	8(%rsp), %rax
	save_guest_regs %rax

	mov	0(%rsp), %rax
	vmsave	%rax			/* the guest's FS, GS, TR, syscall MSRs */
	mov	16(%rsp), %rax
	vmload	%rax			/* the host's back */
	stgi

	add	$24, %rsp
	pop_host_callee_saved
	ret
