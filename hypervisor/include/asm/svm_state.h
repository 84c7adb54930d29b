/*
 * What AMD SVM keeps per domain and per vCPU, embedded in struct domain
 * (d->svm) and struct vcpu (v->svm). Only svm/ looks inside.
 */
#ifndef ASM_SVM_STATE_H
#define ASM_SVM_STATE_H

#include <asm/vmcb_check.h>
#include <tern/types.h>

struct vmcb;

struct svm_domain {
	paddr_t iopm_pa;  /* I/O permission map, 12 KiB */
	paddr_t msrpm_pa; /* MSR permission map, 8 KiB */
};

struct svm_vcpu {
	struct vmcb *vmcb;                  /* NULL until hvm_ops.vcpu_init */
	paddr_t vmcb_pa;
	struct vmcb_entry_state vmcb_entry; /* what the last VMRUN was given (vmcb_check.h) */
};

#endif
