/* AMD SVM: the instructions and what the rest of svm/ shares. */
#ifndef ASM_SVM_H
#define ASM_SVM_H

#include <asm/creg_policy.h>
#include <asm/hvm.h>
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

/* guest_shadow: the guest is in an interrupt shadow (entry.S says why it matters). */
void svm_vmrun(paddr_t guest_vmcb_pa, struct guest_regs *regs, paddr_t host_vmcb_pa,
	       bool guest_shadow);

/* Exit handling (exit.c); returns false if the domain must stop. */
void svm_handle_exit(struct vcpu *v);
/* How an exit code is counted (struct vcpu_stats). */
enum vcpu_exit_kind svm_exit_kind(uint64_t code);

/* Skips the intercepted instruction of the given length (used if the CPU
 * does not save the next RIP). */
void svm_skip_instruction(struct vcpu *v, unsigned int len);
/* hvm_ops.cpl, .set_cr4, .advance_rip (an emulated instruction of len bytes is done). */
unsigned int svm_cpl(const struct vcpu *v);
void svm_set_cr4(struct vcpu *v, uint64_t value);
void svm_advance_rip(struct vcpu *v, unsigned int len);
void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_error, uint32_t error);

/* The guest's instruction at CS:RIP (guest_insn.c): fetches up to
 * INSN_MAX_LEN bytes, returns how many it could read. */
size_t svm_fetch_insn(struct vcpu *v, uint8_t *buf);
/* The guest's general register by its encoding number (0 rax .. 15 r15). */
uint64_t *svm_guest_gpr(struct vcpu *v, unsigned int reg);
/* Whether the guest runs 64-bit code (EFER.LMA and CS.L). */
bool svm_long_mode64(const struct vcpu *v);
/* The default size of the code the vCPU runs: 64, 32 or 16 bits. */
unsigned int svm_code_bits(const struct vcpu *v);
/* hvm_ops.inject_page_fault and hvm_ops.access_state (guest_insn.c). */
void svm_inject_page_fault(struct vcpu *v, uint64_t la, uint32_t error);
void svm_access_state(const struct vcpu *v, struct hvm_access_state *st);

/* An intercepted write to CR4 (cr.c). */
void svm_handle_cr4_write(struct vcpu *v);

/* NMIs (nmi.c): injecting dom0's before it runs, dropping the others, and
 * following the guest's NMI handler to its IRET after every exit. */
void svm_nmi_before_entry(struct vcpu *v);
void svm_nmi_after_exit(struct vcpu *v, uint64_t exitcode);

/* Intercepted I/O ports (ioio.c). */
void svm_handle_ioio(struct vcpu *v);
void svm_iopm_init(uint8_t *iopm, bool passthrough);

/* The MSR permission map and the MSR values the VMCB holds (msr.c). */
void svm_msrpm_init(uint8_t *msrpm, bool passthrough);
/* hvm_ops.msr_read/msr_write: the MSR values the VMCB holds. */
bool svm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
bool svm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);

/* Prints the guest state from the VMCB (vmcb.c). */
void vmcb_dump(const struct vcpu *v);

#endif
