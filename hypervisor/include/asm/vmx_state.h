/*
 * What Intel VT-x keeps per domain and per vCPU, embedded in struct domain
 * (d->vmx) and struct vcpu (v->vmx). Only vmx/ looks inside.
 */
#ifndef ASM_VMX_STATE_H
#define ASM_VMX_STATE_H

#include <asm/guest_walk.h>
#include <tern/types.h>

struct vmx_domain {
	paddr_t io_bitmap_pa;  /* I/O bitmaps A and B, 8 KiB */
	paddr_t msr_bitmap_pa; /* MSR bitmap, 4 KiB */
};

/* STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE: SVM's VMLOAD/VMSAVE switch
 * them, VMX does not (vmx_ops.c). */
#define VMX_NR_SYSCALL_MSRS 5

struct vmx_vcpu {
	void *vmcs;           /* NULL until hvm_ops.vcpu_init */
	paddr_t vmcs_pa;
	int loaded_on;        /* the pCPU whose current VMCS it is (-1: none) */
	bool launched;        /* VMLAUNCH done since the last VMCLEAR: VMRESUME next */
	/* The general registers the VMCS does not hold, and RSP, which the
	 * exit handlers reach by pointer (hvm_ops.gpr); RIP and the rest stay
	 * in the VMCS. */
	uint64_t rax;
	uint64_t rsp;
	uint64_t cr2;         /* VM entry and exit leave CR2 alone: switched by hand */
	/* What the run loop last saw, for vcpu_dump from another CPU. */
	uint64_t last_rip;
	uint32_t last_exit_reason;
	int pending_vector;   /* an interrupt waiting for the guest to take it (-1: none) */
	uint64_t syscall_msrs[VMX_NR_SYSCALL_MSRS]; /* a domU's, while it is not running */
	/* Its paging registers while its VMCS is current nowhere (before and
	 * after a slice the scheduler writes its runstate area through its
	 * page tables, and a VMREAD needs the VMCS current on this CPU). */
	struct guest_paging paging;
};

#endif
