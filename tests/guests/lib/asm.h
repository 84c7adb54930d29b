/* Constants the entry code needs; also usable from C. */
#ifndef GUEST_ASM_H
#define GUEST_ASM_H

#define CR0_PE (1 << 0)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)

#define PTE_P_RW 0x3          /* present, writable */
#define PTE_PCD_PWT 0x18      /* uncached */
#define PTE_PS 0x80           /* 2 MiB page in a page directory */

#define GDT_CS64 0x08
#define GDT_DS 0x10
#define GDT_CS32 0x18         /* only in the 32-bit guests' GDT (lib32/long_mode.S) */

#ifdef __ASSEMBLER__
/* The first steps of every PVH entry, 64-bit guests and 32-bit alike: zero
 * .bss (the stack lives there), keep %ebx (hvm_start_info), take the stack. */
.macro pvh_entry_prologue
	cld
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb
	mov %ebx, start_info_pa
	mov $stack_top, %esp
.endm
#endif

#endif
