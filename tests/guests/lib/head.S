/*
 * Entry of every test guest: the PVH protocol's 32-bit entry, the switch to
 * 64-bit long mode, and the exception/interrupt stubs.
 *
 * PVH entry state (Xen's docs/misc/pvh.pandoc): 32-bit flat protected mode,
 * paging off, interrupts off, %ebx = physical address of hvm_start_info. No
 * stack is given. The guest runs where it is linked (1 MiB), identity mapped.
 */
#include "asm.h"

	.section .text.entry, "ax", @progbits
	.code32
	.globl pvh_entry
pvh_entry:
	/* (.bss also holds the page tables.) */
	pvh_entry_prologue

	lgdt gdt_desc

	/*
	 * Identity map the first 4 GiB with 2 MiB pages: one PML4 entry, four
	 * PDPT entries, four page directories of 512 entries. The top GiB (MMIO:
	 * LAPIC, IOAPIC, PCI holes) is mapped uncached.
	 */
	mov $pdpt, %eax
	or $PTE_P_RW, %eax
	mov %eax, pml4
	xor %ecx, %ecx          /* PDPT index 0..3 */
1:	mov %ecx, %eax
	shl $12, %eax
	add $page_dirs, %eax
	or $PTE_P_RW, %eax
	mov %eax, pdpt(, %ecx, 8)
	inc %ecx
	cmp $4, %ecx
	jne 1b

	xor %ecx, %ecx          /* PDE index over all four directories, 0..2047 */
2:	mov %ecx, %eax
	shl $21, %eax           /* low 32 bits of the 2 MiB page's address */
	or $(PTE_P_RW | PTE_PS), %eax
	cmp $1536, %ecx
	jb 3f
	or $PTE_PCD_PWT, %eax
3:	mov %eax, page_dirs(, %ecx, 8)   /* high half stays 0 below 4 GiB */
	inc %ecx
	cmp $2048, %ecx
	jne 2b

	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PG | CR0_PE), %eax
	mov %eax, %cr0
	ljmp $GDT_CS64, $long_mode

	.code64
long_mode:
	mov $GDT_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	mov $stack_top, %rsp
	xor %ebp, %ebp
	call lib_main
4:	cli
	hlt
	jmp 4b

/*
 * One stub per vector. Vectors without a CPU error code push a zero so every
 * frame looks the same, then the vector number; trap_common saves the
 * general registers as a struct trap_frame (lib.h) and calls lib_trap().
 */
	.section .text, "ax", @progbits
	.balign 16
	.globl trap_stubs
trap_stubs:
	vec = 0
	.rept 256
	.balign 16
	.if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	vec = vec + 1
	.endr

trap_common:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rdi
	/* The ABI wants %rsp 16-aligned at the call; %rbx (callee-saved) keeps
	 * the frame's address across it. */
	mov %rsp, %rbx
	and $~15, %rsp
	call lib_trap
	mov %rbx, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	add $16, %rsp           /* vector and error code */
	iretq

	.section .data, "aw", @progbits
	.balign 8
	.globl start_info_pa
start_info_pa:
	.quad 0

	.balign 16
gdt:
	.quad 0
	.quad 0x00af9b000000ffff    /* GDT_CS64: 64-bit code, present, DPL 0 */
	.quad 0x00cf93000000ffff    /* GDT_DS: flat 4 GiB data, writable */
gdt_end:
	.globl gdt_desc
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt

	.section .bss, "aw", @nobits
	.balign 4096
pml4:
	.skip 4096
pdpt:
	.skip 4096
page_dirs:
	.skip 4 * 4096
stack:
	.skip 16384
stack_top:
