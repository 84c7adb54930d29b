/*
 * The 32-bit test guests (tests/guests/compat32_*): the shared library
 * (lib.h: console, results, hypercalls in the i386 convention) compiled for
 * 32-bit code, and the paging mode each guest's main.c picks.
 */
#ifndef GUEST_LIB32_H
#define GUEST_LIB32_H

#include "lib.h"

enum guest32_paging {
	PAGING32_NONE,        /* protected mode, paging off */
	PAGING32_PSE,         /* 2-level tables, 4 MiB pages */
	PAGING32_PAE,         /* 3-level tables, 2 MiB pages */
	PAGING32_LONG,        /* long mode, 4-level tables, still in a 32-bit
			       * code segment (compatibility mode) */
};

/* Helpers of the 32-bit ABI checks (compat_abi.c, long_mode_abi.c). */
#define CHECK(cond, ...) do { if (!(cond)) test_failure(__VA_ARGS__); } while (0)
#define RUNSTATE32_SIZE 44 /* vcpu_runstate_info in the i386 form */

static inline uint32_t u32_at(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t u64_at(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* An e820 entry as XENMEM_memory_map writes it: packed, 20 bytes in both forms. */
struct e820_entry20 {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

/* What main.c defines, beside test_title. */
extern const enum guest32_paging guest32_paging;

/* The test every 32-bit guest runs (compat_abi.c). */
void test_main(void);

/* Long mode (long_mode.S, long_mode_abi.c): lgdt a GDT with 32-bit and
 * 64-bit code segments, turn on 4-level paging with the PML4 at pml4 and
 * EFER.LME, and return in compatibility mode. */
void lib32_enter_long_mode(const void *pml4);
/* A hypercall made from the 64-bit code segment with 64-bit registers
 * (rdi, rsi, rdx: the arguments, zero-extended); rax whole. */
uint64_t lib32_hypercall64(uint32_t op, uint32_t arg1, uint32_t arg2, uint32_t arg3);
/* What PAGING32_LONG adds after test_main: 64-bit calls take the 64-bit
 * layouts, 32-bit calls after them the 32-bit ones again. */
void long_mode_abi(void);

#endif
