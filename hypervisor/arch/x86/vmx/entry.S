/*
 * vmx_vmenter(regs, rax, launched): one VM entry and the exit after it.
 * VM entry loads the guest's RSP, RIP, flags, control registers and
 * segments from the VMCS and a VM exit loads the host's back (HOST_RSP is
 * the stack pointer here, HOST_RIP vmx_vmexit); the general registers are
 * ours to swap. Returns 0 after a VM exit, 1 if VMLAUNCH or VMRESUME
 * failed (the VMCS's instruction error says why), with the guest's
 * registers then untouched. Interrupts stay off throughout: external
 * interrupts exit (pin-based control) and wait in the LAPIC for the host.
 */
#include <asm/guest_regs_asm.h>

#define VMCS_HOST_RSP 0x6c14

	.text
	.globl vmx_vmenter
vmx_vmenter:
	push_host_callee_saved
	push	%rsi			/* 8(%rsp): where the guest's rax goes */
	push	%rdi			/* 0(%rsp): struct guest_regs */

	mov	$VMCS_HOST_RSP, %rax
	vmwrite	%rsp, %rax
	jbe	.Lfailed_early

	mov	(%rsi), %rax
	test	%rdx, %rdx		/* launched; the movs below leave the flags alone */
	load_guest_regs_but_rsi_rdi %rdi
	mov	GREG_RSI(%rdi), %rsi
	mov	GREG_RDI(%rdi), %rdi
	jnz	1f
	vmlaunch
	jmp	.Lfailed
1:	vmresume
.Lfailed:
	/* Still on our stack, with the guest's values in the registers:
	 * the callee-saved ones come back from the stack below. */
.Lfailed_early:
	mov	$1, %eax
	jmp	.Lout

	.globl vmx_vmexit
vmx_vmexit:
	push	%rax			/* the guest's rax; regs at 8(%rsp) now */
	mov	8(%rsp), %rax
	save_guest_regs %rax
	pop	%rcx			/* the guest's rax; regs at 0(%rsp) again */
	mov	8(%rsp), %rax
	mov	%rcx, (%rax)
	xor	%eax, %eax
.Lout:
	add	$16, %rsp
	pop_host_callee_saved
	ret
