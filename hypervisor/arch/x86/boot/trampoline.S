/*
 * Application processors start here in real mode, at CS:IP = (TRAMPOLINE_BASE
 * >> 4):0, after smpboot.c copies this code to TRAMPOLINE_BASE and fills in the
 * parameters at its end. The code is position-dependent on TRAMPOLINE_BASE:
 * every address is written as TRAMPOLINE_BASE + (label - trampoline_start).
 * Path: real mode -> 32-bit protected mode -> long mode with the hypervisor's
 * page tables -> ap_entry on the stack smpboot.c chose.
 */
#include <asm/x86-defs.h>

#define TRAMP(label) (TRAMPOLINE_BASE + ((label) - trampoline_start))
#define TRAMP_CS32 0x08
#define TRAMP_DS 0x10
#define TRAMP_CS64 0x18

	.section .rodata
	.balign 16
	.globl trampoline_start, trampoline_end
	.globl trampoline_cr3, trampoline_stack
	.code16
trampoline_start:
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	lgdtl	(tramp_gdt_ptr - trampoline_start)
	mov	%cr0, %eax
	or	$X86_CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$TRAMP_CS32, $TRAMP(tramp_protected)

	.code32
tramp_protected:
	mov	$TRAMP_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%cr4, %eax
	or	$X86_CR4_PAE, %eax
	mov	%eax, %cr4
	mov	TRAMP(trampoline_cr3), %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$(X86_CR0_PG | X86_CR0_WP), %eax
	mov	%eax, %cr0
	ljmp	$TRAMP_CS64, $TRAMP(tramp_long)

	.code64
tramp_long:
	mov	TRAMP(trampoline_stack), %rsp
	xor	%ebp, %ebp
	movabs	$ap_entry, %rax
	jmp	*%rax

	.balign 8
tramp_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* TRAMP_CS32 */
	.quad	0x00cf92000000ffff	/* TRAMP_DS */
	.quad	0x00af9a000000ffff	/* TRAMP_CS64 */
tramp_gdt_end:
tramp_gdt_ptr:
	.word	tramp_gdt_end - tramp_gdt - 1
	.long	TRAMP(tramp_gdt)

	/* Parameters, written by smpboot.c into the copy before each start. */
	.balign 8
trampoline_cr3:
	.quad	0
trampoline_stack:
	.quad	0
trampoline_end:

	/* The trampoline jumps here in long mode; ap_main() must be called, not jumped to. */
	.text
	.code64
	.globl ap_entry
ap_entry:
	call	ap_main
	ud2
