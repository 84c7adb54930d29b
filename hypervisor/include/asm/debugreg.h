/*
 * Reading and writing the debug registers by number (MOV to and from DRn
 * names its register in the instruction). Shared by the hypervisor's state
 * switch and the test guests that check it.
 */
#ifndef ASM_DEBUGREG_H
#define ASM_DEBUGREG_H

#include <stdint.h>

/* DR0-DR3, DR6, DR7; other numbers read 0. */
static inline uint64_t read_dr(unsigned int n)
{
	uint64_t v = 0;

	switch (n) {
	case 0: __asm__ volatile("mov %%db0, %0" : "=r"(v)); break;
	case 1: __asm__ volatile("mov %%db1, %0" : "=r"(v)); break;
	case 2: __asm__ volatile("mov %%db2, %0" : "=r"(v)); break;
	case 3: __asm__ volatile("mov %%db3, %0" : "=r"(v)); break;
	case 6: __asm__ volatile("mov %%db6, %0" : "=r"(v)); break;
	case 7: __asm__ volatile("mov %%db7, %0" : "=r"(v)); break;
	}
	return v;
}

/* DR0-DR3 only: DR6 and DR7 live in the VMCB. */
static inline void write_dr(unsigned int n, uint64_t v)
{
	switch (n) {
	case 0: __asm__ volatile("mov %0, %%db0" : : "r"(v)); break;
	case 1: __asm__ volatile("mov %0, %%db1" : : "r"(v)); break;
	case 2: __asm__ volatile("mov %0, %%db2" : : "r"(v)); break;
	case 3: __asm__ volatile("mov %0, %%db3" : : "r"(v)); break;
	}
}

#endif
