/* Segment descriptors, the TSS and interrupt gates, as the AMD64 manual lays them out. */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <asm/x86-defs.h>
#include <tern/types.h>

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7]; /* IST1..IST7: ist[0] is IST1 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS size");
_Static_assert(__builtin_offsetof(struct tss, rsp) == 0x04, "TSS rsp0");
_Static_assert(__builtin_offsetof(struct tss, ist) == 0x24, "TSS ist1");
_Static_assert(__builtin_offsetof(struct tss, iomap_base) == 0x66, "TSS iomap");

/* 64-bit interrupt gate. */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr; /* P, DPL, type */
#define IDT_INTERRUPT_GATE 0x8e
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate size");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));
_Static_assert(sizeof(struct desc_ptr) == 10, "descriptor pointer");

/* Which IST stack each critical exception runs on. */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_PAGE_FAULT 4 /* a stack overflow faults in the guard page (stack_guard.c) */
#define NR_IST 4

#endif
