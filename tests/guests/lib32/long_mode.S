/*
 * Long mode for the 32-bit guests: the guest keeps running its 32-bit code
 * (compatibility mode: EFER.LMA set, CS.L clear) and steps into a 64-bit
 * code segment only to make a 64-bit hypercall.
 */
#include "asm.h"

#define CR0_PG_BIT 31

	.section .text, "ax", @progbits
	.code32

/* void lib32_enter_long_mode(const void *pml4) */
	.globl lib32_enter_long_mode
lib32_enter_long_mode:
	mov 4(%esp), %edx
	lgdt gdt32_desc
	/* The PVH entry's CS came from no GDT of ours: load our 32-bit one. */
	ljmp $GDT_CS32, $1f
1:	mov $GDT_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov %edx, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	/* Paging on with EFER.LME set activates long mode; CS stays 32-bit. */
	mov %cr0, %eax
	bts $CR0_PG_BIT, %eax
	mov %eax, %cr0
	ret

/* uint64_t lib32_hypercall64(uint32_t op, uint32_t arg1, uint32_t arg2, uint32_t arg3) */
	.globl lib32_hypercall64
lib32_hypercall64:
	push %ebx
	push %esi
	push %edi
	mov 16(%esp), %eax
	mov 20(%esp), %edi
	mov 24(%esp), %esi
	mov 28(%esp), %edx
	ljmp $GDT_CS64, $2f
	.code64
	/* A register's upper half is undefined after a switch from
	 * compatibility mode: zero-extend what the call uses. The i386
	 * argument registers get zeros, so a hypervisor that took this call
	 * for a 32-bit one would see null arguments. */
2:	mov %eax, %eax
	mov %edi, %edi
	mov %esi, %esi
	mov %edx, %edx
	mov %esp, %esp
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %r10d, %r10d
	xor %r8d, %r8d
	vmmcall
	mov %rax, %rdx
	shr $32, %rdx
	/* Back to the 32-bit segment (RIP-relative: an ELF32 object cannot
	 * hold a sign-extended 64-bit absolute address). */
	lea 3f(%rip), %rcx
	pushq $GDT_CS32
	push %rcx
	lretq
	.code32
3:	pop %edi
	pop %esi
	pop %ebx
	ret

	.section .data, "aw", @progbits
	.balign 16
gdt32:
	.quad 0
	.quad 0x00af9b000000ffff    /* GDT_CS64: 64-bit code, present, DPL 0 */
	.quad 0x00cf93000000ffff    /* GDT_DS: flat 4 GiB data, writable */
	.quad 0x00cf9b000000ffff    /* GDT_CS32: flat 4 GiB 32-bit code */
gdt32_end:
gdt32_desc:
	.word gdt32_end - gdt32 - 1
	.long gdt32
