/*
 * Entry of the 32-bit test guests: the PVH entry (32-bit flat protected
 * mode, paging off, %ebx = hvm_start_info), a stack, then lib32_main(),
 * which stays in 32-bit code whatever paging it turns on.
 */
#include "asm.h"

	.section .text.entry, "ax", @progbits
	.code32
	.globl pvh_entry
pvh_entry:
	pvh_entry_prologue
	call lib32_main
1:	cli
	hlt
	jmp 1b

	.section .data, "aw", @progbits
	.balign 8
	.globl start_info_pa
start_info_pa:
	.quad 0

	.section .bss, "aw", @nobits
	.balign 16
	.skip 16384
stack_top:
