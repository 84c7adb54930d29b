/*
 * Hardware-assisted virtual CPUs. Common code sees struct vcpu and the
 * vendor interface struct hvm_ops; svm/ implements it now, vmx/ later.
 */
#ifndef ASM_HVM_H
#define ASM_HVM_H

#include <tern/types.h>

struct vmcb;
struct domain;

/* The guest's general registers that VMRUN does not keep in the VMCB (rax
 * and rsp live there). Layout shared with svm/entry.S through asm-offsets. */
struct guest_regs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct vcpu {
	struct domain *domain;
	unsigned int id;
	unsigned int pcpu;         /* where it runs (pinned) */
	struct vmcb *vmcb;
	paddr_t vmcb_pa;
	struct guest_regs regs;
};

/* Where and how a vCPU starts: 32-bit flat protected mode, paging off. */
struct vcpu_start {
	uint32_t eip;
	uint32_t esi;        /* Linux boot protocol: the zero page */
	uint32_t ebx;        /* PVH: hvm_start_info */
	uint32_t gdt_base;   /* a GDT with flat code at 0x10, data at 0x18 */
	uint16_t gdt_limit;
};

struct hvm_ops {
	const char *name;
	/* Sets the CPU up to run guests (once per physical CPU). */
	int (*cpu_enable)(void);
	/* Vendor state of a domain (permission maps); its ASID and nested page
	 * table are set by the caller. */
	int (*domain_init)(struct domain *d);
	int (*vcpu_init)(struct vcpu *v, const struct vcpu_start *start);
	/* Runs the vCPU until its domain stops; returns only then. */
	void (*vcpu_run)(struct vcpu *v);
};

/* Picks the vendor implementation this CPU supports; NULL (with the reason
 * logged) if it has none usable. */
const struct hvm_ops *hvm_probe(void);

/* What hvm_probe() found at boot; NULL if guests cannot run. */
extern const struct hvm_ops *hvm;

#endif
