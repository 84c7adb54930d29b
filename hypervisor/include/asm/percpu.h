/*
 * Per-CPU data. GS base points at the CPU's struct percpu, whose first field
 * points at itself, so this_cpu() is one load.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <asm/asid.h>
#include <asm/cpu_state.h>
#include <asm/desc.h>
#include <asm/vmx.h>
#include <tern/ratelimit.h>

struct vcpu;

struct percpu {
	struct percpu *self;
	unsigned int cpu_id;   /* dense index, 0 = boot CPU */
	uint32_t apic_id;
	uintptr_t stack_top;
	uintptr_t stack_bottom;
	volatile bool online;
	struct tss tss;
	paddr_t svm_host_vmcb_pa; /* host state VMSAVE keeps across VMRUN */
	struct asid_pcpu asids;   /* the ASIDs (SVM) or VPIDs (VMX) this CPU hands out */
	struct vmx_cpu vmx;       /* its VMX operation (vmx/vmxon.c) */
	struct cpu_state_pcpu state; /* whose FPU/debug/TSC_AUX state the registers hold */
	unsigned int nmi_pending; /* NMIs taken and not yet handed on (nmi.c) */
	uint64_t nmis_dropped;    /* on a domU pCPU: NMIs nobody wanted */
	struct ratelimit nmi_log;
	/* On a pCPU of dom0's: the vCPU dom0's STARTUP started here, and its
	 * vector (dom0/dom0_cpus.c). */
	struct vcpu *dom0_start;
	uint8_t dom0_sipi_vector;
	/* Its LAPIC timer as tern set it (apic.c): divider and vector written,
	 * and the deadline armed (system time in ns; 0: stopped or fired). */
	bool lapic_timer_ready;
	uint64_t lapic_timer_at;
};

extern struct percpu percpu[NR_CPUS];
extern unsigned int nr_cpus_possible; /* CPUs the firmware lists */

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

/*
 * Loads the GDT, this CPU's TSS (its IST stacks: NR_IST pages) and the IDT,
 * and points GS at its percpu.
 */
void desc_init_cpu(struct percpu *cpu, uint8_t (*ist_stacks)[PAGE_SIZE]);

#endif
