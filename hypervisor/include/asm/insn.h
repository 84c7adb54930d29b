/*
 * Decoding the few instructions that write memory-mapped registers, for the
 * intercepted writes the hypervisor must carry out itself (dom0's LAPIC).
 * QEMU's SVM has no decode assists, so the bytes come from guest memory.
 */
#ifndef ASM_INSN_H
#define ASM_INSN_H

#include <tern/types.h>

#define INSN_MAX_LEN 15

struct insn_store {
	unsigned int len;       /* bytes of the whole instruction */
	unsigned int size;      /* bytes written: 1, 2, 4 or 8 */
	bool src_is_reg;
	unsigned int src_reg;   /* 0 rax .. 15 r15 (x86 encoding order) */
	uint64_t imm;           /* the value, when !src_is_reg */
	bool exchange;          /* XCHG: the register also receives the old value */
};

/*
 * Decodes a store to memory in 64-bit mode: MOV r/m,reg (88/89), MOV r/m,imm
 * (C6/C7 /0), XCHG r/m,reg (86/87), with legacy and REX prefixes. Returns
 * 0, or -EINVAL for anything else (or a register destination), -ENODATA if
 * the avail bytes end inside the instruction.
 */
int insn_decode_store(const uint8_t *bytes, size_t avail, struct insn_store *out);

#endif
