/* Checking a string instruction's registers (string_insn.h). */
#include "string_insn.h"

void expect_string_regs(const char *what, const struct string_regs *got,
			const struct string_regs *want)
{
	if (got->rcx != want->rcx || got->rsi != want->rsi || got->rdi != want->rdi ||
	    got->rax != want->rax)
		test_failure("%s: rcx %#lx rsi %#lx rdi %#lx rax %#lx, expected %#lx %#lx %#lx %#lx",
			     what, got->rcx, got->rsi, got->rdi, got->rax, want->rcx, want->rsi,
			     want->rdi, want->rax);
}
