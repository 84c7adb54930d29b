/*
 * Multiboot (v1) entry. The loader leaves us in 32-bit protected mode with
 * paging off, EAX = multiboot magic, EBX = physical address of the multiboot
 * information. We map the first 4 GiB one-to-one with 2 MiB pages, switch to
 * long mode and call start_tern(magic, info) on the boot stack.
 */
#include <asm/x86-defs.h>

#define MULTIBOOT_MAGIC 0x1badb002
#define MULTIBOOT_PAGE_ALIGN (1 << 0)  /* modules on page boundaries */
#define MULTIBOOT_MEMORY_INFO (1 << 1) /* we need the memory map */
#define MULTIBOOT_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)

	.section .multiboot, "a"
	.balign 4
	.long MULTIBOOT_MAGIC
	.long MULTIBOOT_FLAGS
	.long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

	.section .text.entry, "ax"
	.code32
	.globl multiboot_entry
multiboot_entry:
	cli
	cld
	mov	$boot_stack_top, %esp
	mov	%eax, %ebp		/* multiboot magic, for start_tern() */
	mov	%ebx, %esi		/* multiboot information, likewise */

	/* Loaders zero the BSS, but the page tables below must not trust that. */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	shr	$2, %ecx
	xor	%eax, %eax
	rep stosl

	/* Long mode is required; say so on COM1 rather than triple-faulting. */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	bt	$29, %edx
	jnc	no_long_mode

	/* boot_pd[0..2047]: 2 MiB pages covering 0..4 GiB. */
	mov	$boot_pd, %ebx
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	shl	$21, %eax
	or	$(PTE_P | PTE_RW | PTE_PS), %eax
	mov	%eax, (%ebx, %ecx, 8)
	mov	%ecx, %eax
	shr	$11, %eax		/* bits 32+ of (index << 21) */
	mov	%eax, 4(%ebx, %ecx, 8)
	inc	%ecx
	cmp	$2048, %ecx
	jne	1b

	/* boot_pdpt[0..3] -> the four page directories; boot_pml4[0] -> boot_pdpt. */
	mov	$boot_pdpt, %ebx
	xor	%ecx, %ecx
2:	mov	%ecx, %eax
	shl	$12, %eax
	add	$boot_pd, %eax
	or	$(PTE_P | PTE_RW), %eax
	mov	%eax, (%ebx, %ecx, 8)
	inc	%ecx
	cmp	$4, %ecx
	jne	2b
	mov	$boot_pdpt, %eax
	or	$(PTE_P | PTE_RW), %eax
	mov	%eax, boot_pml4

	mov	%cr4, %eax
	or	$X86_CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$(X86_CR0_PG | X86_CR0_PE | X86_CR0_WP), %eax
	mov	%eax, %cr0

	lgdt	boot_gdt_ptr
	ljmp	$GDT_CS64, $long_mode_entry

no_long_mode:
	mov	$no_long_mode_msg, %esi
3:	lodsb
	test	%al, %al
	jz	4f
	mov	%al, %bl
	mov	$0x3fd, %dx		/* COM1 line status: wait for an empty holding register */
5:	in	%dx, %al
	test	$0x20, %al
	jz	5b
	mov	$0x3f8, %dx
	mov	%bl, %al
	out	%al, %dx
	jmp	3b
4:	hlt
	jmp	4b

	.code64
long_mode_entry:
	mov	$GDT_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$boot_stack_top, %rsp
	mov	%ebp, %edi		/* start_tern(magic, info) */
	xor	%ebp, %ebp		/* ends the stack trace */
	call	start_tern
	ud2

	.section .rodata
no_long_mode_msg:
	.asciz	"tern: this CPU has no 64-bit long mode; tern needs an x86_64 CPU.\r\n"

	/* Enough of the hypervisor's GDT layout (x86-defs.h) to reach start_tern(). */
	.balign 8
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* GDT_CS64: 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff	/* GDT_DS: flat data */
boot_gdt_end:
boot_gdt_ptr:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	.section .bss.page_aligned, "aw", @nobits
	.balign 4096
	.globl boot_pml4, boot_pdpt
boot_pml4:
	.skip	4096
boot_pdpt:
	.skip	4096
boot_pd:
	.skip	4 * 4096
	/* Unmapped once the page allocator can split the 2 MiB page around it
	 * (stack_guard.c): an overflow faults there, not in boot_pd. */
boot_stack_guard:
	.skip	4096
	.globl boot_stack_top
boot_stack:
	.skip	STACK_SIZE
boot_stack_top:
