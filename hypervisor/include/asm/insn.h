/*
 * Decoding the few instructions the hypervisor must carry out itself:
 * accesses to memory-mapped registers (dom0's LAPIC, a domU's xAPIC page)
 * and to memory with nothing behind it, and MOV to a control register.
 * QEMU's SVM has no decode assists, so the bytes come from guest memory.
 */
#ifndef ASM_INSN_H
#define ASM_INSN_H

#include <tern/types.h>

#define INSN_MAX_LEN 15

/* INS and OUTS: the port side is a port with nothing behind it (hvm/io.c). */
enum insn_string { INSN_STRING_NONE, INSN_MOVS, INSN_STOS, INSN_LODS, INSN_INS, INSN_OUTS };
enum insn_seg { INSN_SEG_DEFAULT, INSN_SEG_ES, INSN_SEG_CS, INSN_SEG_SS, INSN_SEG_DS,
		INSN_SEG_FS, INSN_SEG_GS };

struct insn_mem {
	unsigned int len;       /* bytes of the whole instruction */
	unsigned int size;      /* bytes of memory accessed: 1, 2, 4 or 8 */
	bool load;              /* memory -> register; else register/immediate -> memory */
	bool src_is_reg;        /* stores: the value is a register's (else imm) */
	unsigned int reg;       /* the register operand: 0 rax .. 15 r15 (encoding order) */
	unsigned int reg_size;  /* loads: bytes of the register written (MOVZX widens) */
	uint64_t imm;           /* stores of an immediate: the value */
	bool exchange;          /* XCHG: a store whose register also gets the old value */
	bool reg_high8;         /* the register operand is AH, CH, DH or BH: bits 8-15 of reg */
	enum insn_string string; /* MOVS, STOS, LODS, INS, OUTS (size: each element); else NONE */
	bool rep;               /* string: an F3 or F2 prefix (both repeat all five) */
	unsigned int addr_size; /* A0-AD: address size, 8, 4 or 2 (bytes of rcx/rsi/rdi used) */
	enum insn_seg seg;      /* string: the source's segment override, or DEFAULT (DS) */
};

/*
 * Decodes a memory access in code of code_bits (64: 64-bit mode; 32 or 16:
 * a code segment with that default size, in protected or compatibility
 * mode): MOV r/m,reg (88/89), MOV reg,r/m (8A/8B), MOV r/m,imm (C6/C7 /0),
 * XCHG r/m,reg (86/87), MOVZX reg,r/m8/16 (0F B6/B7), MOV al/ax/eax/rax to
 * and from an absolute address (A0-A3: a load or a store of register 0),
 * and the string instructions MOVS, STOS and LODS (A4/A5, AA/AB, AC/AD)
 * and INS and OUTS (6C/6D, 6E/6F; at most 4 bytes each: string set, which
 * insn_string.h carries out), with legacy prefixes (0x66
 * and 0x67 flip the operand and address size) and, in 64-bit code only,
 * REX. Returns 0, -EINVAL for anything else (or a register-only form, or
 * another code_bits), -ENODATA if the avail bytes end inside the
 * instruction.
 */
int insn_decode_mem(const uint8_t *bytes, size_t avail, unsigned int code_bits,
		    struct insn_mem *out);

struct insn_mov_cr {
	unsigned int len;   /* bytes of the whole instruction */
	unsigned int cr;    /* the control register: 0 .. 15 */
	unsigned int gpr;   /* the general register: 0 rax .. 15 r15 (encoding order) */
	bool to_cr;         /* MOV CRn, reg (a write); else a read */
};

/*
 * Decodes MOV to or from a control register (0F 22 /r, 0F 20 /r) with any
 * legacy prefixes, REX in 64-bit code (long_mode; elsewhere 40-4F are
 * INC/DEC), and AMD's LOCK MOV CR0 meaning CR8. The ModRM mod bits are
 * ignored, as the CPU does. Returns 0, -EINVAL for another instruction,
 * -ENODATA if the bytes end inside it. Without decode assists this is how
 * an intercepted CR write finds its source register.
 */
int insn_decode_mov_cr(const uint8_t *bytes, size_t avail, bool long_mode,
		       struct insn_mov_cr *out);

#endif
