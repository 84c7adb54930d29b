/* Intel VT-x running guests: what the files of vmx/ share. */
#ifndef ASM_VMX_OPS_H
#define ASM_VMX_OPS_H

#include <asm/hvm.h>
#include <asm/vmx.h>

extern const struct hvm_ops vmx_ops;
/* The boot CPU's VMX capability MSRs (vmx.c), for every CPU's VMXON and the VMCS. */
extern struct vmx_msrs vmx_msrs;

/* One VM entry and exit (entry.S): 0 after an exit, 1 if the entry failed. */
int vmx_vmenter(struct guest_regs *regs, uint64_t *rax, bool launched);

/* The VMCS (vmcs.c): set up for a start state, made current on this CPU
 * with its host state, cleared when the vCPU leaves the CPU, freed. */
int vmx_vmcs_init(struct vcpu *v, const struct vcpu_start *start);
int vmx_vmcs_load(struct vcpu *v);
void vmx_vmcs_unload(struct vcpu *v);
void vmx_vmcs_free(struct vcpu *v);
uint64_t vmx_cr0_host_owned(void);
/* A primary processor-based control turned on or off in the current VMCS
 * (the interrupt and NMI windows). */
void vmx_set_proc_control(uint32_t control, bool on);
void vmx_set_guest_cr0(uint64_t value);

/* The I/O and MSR bitmaps of a domain (bitmaps.c). */
int vmx_bitmaps_init(struct domain *d);
void vmx_bitmaps_free(struct domain *d);

/* The guest's registers for hvm/ (guest.c). */
uint64_t *vmx_gpr(struct vcpu *v, unsigned int reg);
bool vmx_long_mode64(const struct vcpu *v);
unsigned int vmx_cpl(const struct vcpu *v);
unsigned int vmx_code_bits(const struct vcpu *v);
void vmx_set_cr4(struct vcpu *v, uint64_t value);
size_t vmx_fetch_insn(struct vcpu *v, uint8_t *buf);
void vmx_skip_instruction(struct vcpu *v, unsigned int len);
void vmx_advance_rip(struct vcpu *v, unsigned int len);
void vmx_inject_exception(struct vcpu *v, unsigned int vector, bool has_error, uint32_t error);
void vmx_inject_page_fault(struct vcpu *v, uint64_t la, uint32_t error);
void vmx_access_state(const struct vcpu *v, struct hvm_access_state *s);
void vmx_guest_paging(const struct vcpu *v, struct guest_paging *p);
void vmx_read_guest_paging(struct guest_paging *p);
bool vmx_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
bool vmx_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
/* The guest's CR2, which VM entry and exit leave in the register. */
void vmx_load_cr2(struct vcpu *v);
void vmx_save_cr2(struct vcpu *v);

/* dom0's NMIs (nmi.c): injected before an entry, or waited for with
 * NMI-window exiting; the block put back after an exit inside an IRET. */
void vmx_nmi_before_entry(struct vcpu *v);
void vmx_nmi_unblocked_by_iret(bool unblocked);

/* Exit dispatch (exit.c), and a refused VM entry reported (entry_check.c). */
void vmx_handle_exit(struct vcpu *v);
void vmx_report_entry_failure(struct vcpu *v, bool launch_failed);
void vmx_dump(const struct vcpu *v);

#endif
