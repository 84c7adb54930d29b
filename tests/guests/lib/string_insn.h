/*
 * Running one string instruction on chosen registers and checking where it
 * left them (string_unbacked, string_io).
 */
#ifndef GUEST_STRING_INSN_H
#define GUEST_STRING_INSN_H

#include "lib.h"

struct string_regs {
	uint64_t rcx, rsi, rdi, rax;
};

/* One string instruction (text) on r, with port in dx (for INS/OUTS); DF
 * set around it if down. */
#define STRING_INSN(text, r, down, port)                                                 \
	do {                                                                            \
		if (down)                                                               \
			__asm__ volatile("std\n\t" text "\n\tcld"                       \
					 : "+c"((r).rcx), "+S"((r).rsi), "+D"((r).rdi), \
					   "+a"((r).rax) : "d"(port) : "memory");       \
		else                                                                    \
			__asm__ volatile(text                                           \
					 : "+c"((r).rcx), "+S"((r).rsi), "+D"((r).rdi), \
					   "+a"((r).rax) : "d"(port) : "memory");       \
	} while (0)

/* A test failure naming what if got is not want. */
void expect_string_regs(const char *what, const struct string_regs *got,
			const struct string_regs *want);

#endif
