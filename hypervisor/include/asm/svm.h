/* AMD SVM: the instructions and what the rest of svm/ shares. */
#ifndef ASM_SVM_H
#define ASM_SVM_H

#include <asm/creg_policy.h>
#include <asm/hvm.h>
#include <asm/insn.h>
#include <asm/vmcb.h>

/* Features of this CPU's SVM (CPUID 0x8000000a). */
struct svm_features {
	uint32_t nr_asids;
	bool nested_paging;
	bool nrip_save;      /* next_rip in the VMCB on intercepts */
	bool decode_assists;
	bool flush_by_asid;
	bool lbr_virt;       /* VMRUN can switch DEBUGCTL and the LBR MSRs */
};
extern struct svm_features svm_features;

extern const struct hvm_ops svm_ops;
bool svm_probe(void);

void svm_vmrun(paddr_t guest_vmcb_pa, struct guest_regs *regs, paddr_t host_vmcb_pa);

/* Exit handling (exit.c); returns false if the domain must stop. */
void svm_handle_exit(struct vcpu *v);

/* Skips the intercepted instruction of the given length (used if the CPU
 * does not save the next RIP). */
void svm_skip_instruction(struct vcpu *v, unsigned int len);
void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_error, uint32_t error);
/* #GP(0) (no error code in real mode, where none is pushed). */
void svm_inject_gp(struct vcpu *v);

/* The guest's instruction at CS:RIP (guest_insn.c): fetches up to
 * INSN_MAX_LEN bytes, returns how many it could read. */
size_t svm_fetch_insn(struct vcpu *v, uint8_t *buf);
/* The guest's general register by its encoding number (0 rax .. 15 r15). */
uint64_t *svm_guest_gpr(struct vcpu *v, unsigned int reg);
/* Whether the guest runs 64-bit code (EFER.LMA and CS.L). */
bool svm_long_mode64(const struct vcpu *v);

/* An intercepted write to CR4 (cr.c). */
void svm_handle_cr4_write(struct vcpu *v);
/* Whether v may load value into CR4 or EFER (check: creg_cr4_check or
 * creg_efer_check, against v's CPUID and state); logs why not. */
bool svm_creg_write_allowed(struct vcpu *v, const char *reg, creg_check_fn check,
			    uint64_t value);

/* NMIs (nmi.c): injecting dom0's before it runs, dropping the others, and
 * following the guest's NMI handler to its IRET after every exit. */
void svm_nmi_before_entry(struct vcpu *v);
void svm_nmi_after_exit(struct vcpu *v, uint64_t exitcode);

/* Hypercalls (vmmcall.c). */
void svm_handle_vmmcall(struct vcpu *v);

/* Intercepted I/O ports (ioio.c). */
void svm_handle_ioio(struct vcpu *v);
void svm_iopm_init(uint8_t *iopm, bool passthrough);

/* Nested page faults (npf.c). */
void svm_handle_npf(struct vcpu *v);
/* A string instruction st that faulted on unbacked memory (npf_string.c):
 * one batch of it carried out, or a #PF injected; 0, or an error if it
 * cannot be (the domain must stop). */
int svm_emulate_string(struct vcpu *v, const struct insn_mem *st);

/* CPUID as dom0 sees it (cpuid.c). */
void svm_cpuid_dom0(const struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
/* The CPUID words the CR4/EFER rules depend on, as v sees them, and as the host has them. */
void svm_guest_creg_features(const struct vcpu *v, struct creg_features *f);
void svm_host_creg_features(struct creg_features *f);

/* MSR intercepts (msr.c). */
void svm_msrpm_init(uint8_t *msrpm, bool passthrough);
void svm_handle_msr(struct vcpu *v);

/* Prints the guest state from the VMCB (vmcb.c). */
void vmcb_dump(const struct vcpu *v);

#endif
