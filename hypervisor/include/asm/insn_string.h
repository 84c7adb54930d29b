/*
 * Carrying out MOVS, STOS and LODS (decoded by insn_decode_mem) when one of
 * their accesses reaches guest-physical memory with nothing behind it, and
 * INS and OUTS on a port with nothing behind it: each element's RAM side is
 * read or written, its unbacked side (or port) reads all-ones and drops
 * writes, and rcx/rsi/rdi/rax end as the CPU leaves them. Pure: the guest's
 * translation and memory come through string_mem_ops.
 */
#ifndef ASM_INSN_STRING_H
#define ASM_INSN_STRING_H

#include <asm/insn.h>

/* Elements one exit carries out at most: a guest's rcx is its own, so the
 * rest is left to the instruction's next run (interrupts come in between). */
#define STRING_BATCH 256

/* The guest state a string instruction reads and changes. */
struct string_regs {
	uint64_t rax, rcx, rsi, rdi;
	bool df;                   /* EFLAGS.DF: addresses go down */
	uint64_t src_base;         /* the source segment's base (64-bit code: FS or GS, else 0) */
	bool wrap32;               /* linear addresses wrap at 4 GiB (not 64-bit code) */
	unsigned int la_bits;      /* 64-bit code: 48, or 57 with 5-level paging */
};

/* What a read or write of guest-physical memory found there. */
#define STRING_MEM_RAM 1       /* the guest's memory: done */
#define STRING_MEM_NOTHING 0   /* nothing: a read gave all-ones, a write was dropped */

struct string_mem_ops {
	/* Linear la to guest-physical for a read or a write: 0; -EFAULT with
	 * *pf_error the #PF error code the CPU would give; another negative
	 * error if the translation itself cannot be made. */
	int (*translate)(void *ctx, uint64_t la, bool write, uint64_t *gpa, uint32_t *pf_error);
	/* len bytes at gpa, within one page: STRING_MEM_RAM, STRING_MEM_NOTHING,
	 * or a negative error (something there the hypervisor cannot touch). */
	int (*read)(void *ctx, uint64_t gpa, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t gpa, const void *buf, size_t len);
};

enum string_result {
	STRING_DONE,    /* the instruction is complete: skip it */
	STRING_AGAIN,   /* part done (registers say how far): run it again */
	STRING_FAULT,   /* a #PF at fault_la, error pf_error, before the next element */
	STRING_GP,      /* a #GP(0): the next element's address is not canonical */
};

struct string_fault {
	uint64_t la;
	uint32_t pf_error;
};

/*
 * Runs up to max elements of insn (a MOVS, STOS, LODS, INS or OUTS) on r. A
 * repeated MOVS, STOS or LODS stops early, after the first element that
 * touched only RAM: the CPU does the rest faster itself. Returns a string_result, or a
 * negative error if an element could not be translated or its memory
 * touched (nothing of that element was written; earlier elements were, and
 * r says so).
 */
int insn_string_run(const struct insn_mem *insn, struct string_regs *r,
		    const struct string_mem_ops *ops, void *ctx, unsigned int max,
		    struct string_fault *fault);

#endif
