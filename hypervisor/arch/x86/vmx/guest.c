/*
 * The guest's registers as hvm/ reaches them (hvm_ops): in the VMCS, which
 * is current on this CPU while an exit is handled, except RAX, RSP (kept in
 * struct vmx_vcpu around each entry) and CR2 (switched by hand).
 */
#include <asm/guest_walk.h>
#include <asm/insn.h>
#include <asm/vmcs.h>
#include <asm/vmx_ops.h>
#include <asm/x86-defs.h>
#include <tern/arch.h>
#include <tern/hypercall.h>

#define VECTOR_PF 14

uint64_t *vmx_gpr(struct vcpu *v, unsigned int reg)
{
	struct guest_regs *r = &v->regs;
	uint64_t *by_encoding[16] = {
		&v->vmx.rax, &r->rcx, &r->rdx, &r->rbx, &v->vmx.rsp, &r->rbp, &r->rsi, &r->rdi,
		&r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
	};

	return by_encoding[reg & 15];
}

bool vmx_long_mode64(const struct vcpu *v)
{
	(void)v;
	return (vmcs_read(VMCS_GUEST_EFER) & EFER_LMA) && (vmcs_read(VMCS_GUEST_CS_AR) & VMCS_AR_L);
}

unsigned int vmx_cpl(const struct vcpu *v)
{
	(void)v;
	return VMCS_AR_DPL(vmcs_read(VMCS_GUEST_SS_AR));
}

unsigned int vmx_code_bits(const struct vcpu *v)
{
	if (vmx_long_mode64(v))
		return 64;
	return vmcs_read(VMCS_GUEST_CS_AR) & VMCS_AR_DB ? 32 : 16;
}

size_t vmx_fetch_insn(struct vcpu *v, uint8_t *buf)
{
	uint64_t rip = vmcs_read(VMCS_GUEST_RIP);

	return hvm_fetch_insn_at(v, vmx_long_mode64(v) ? rip
					: (uint32_t)(vmcs_read(VMCS_GUEST_CS_BASE) + rip), buf);
}

/* Moving past an instruction ends the STI or MOV SS shadow it was under. */
void vmx_advance_rip(struct vcpu *v, unsigned int len)
{
	(void)v;
	vmcs_write(VMCS_GUEST_RIP, vmcs_read(VMCS_GUEST_RIP) + len);
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) &
		   ~(uint64_t)(VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS));
}

/* The CPU reports each intercepted instruction's length. */
void vmx_skip_instruction(struct vcpu *v, unsigned int len)
{
	(void)len;
	vmx_advance_rip(v, (unsigned int)vmcs_read(VMCS_EXIT_INSTRUCTION_LEN));
}

void vmx_inject_exception(struct vcpu *v, unsigned int vector, bool has_error, uint32_t error)
{
	uint32_t info = (vector & 0xff) | VMX_INTR_TYPE_HW_EXCEPTION | VMX_INTR_VALID;

	(void)v;
	if (has_error) {
		info |= VMX_INTR_ERROR_VALID;
		vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR, error);
	}
	vmcs_write(VMCS_ENTRY_INTR_INFO, info);
}

void vmx_inject_page_fault(struct vcpu *v, uint64_t la, uint32_t error)
{
	v->vmx.cr2 = la;
	vmx_inject_exception(v, VECTOR_PF, true, error);
}

void vmx_access_state(const struct vcpu *v, struct hvm_access_state *s)
{
	(void)v;
	*s = (struct hvm_access_state){ .rflags = vmcs_read(VMCS_GUEST_RFLAGS),
					.fs_base = vmcs_read(VMCS_GUEST_FS_BASE),
					.gs_base = vmcs_read(VMCS_GUEST_GS_BASE) };
}

/* The paging registers as the guest set them (CR0 and CR4 as it sees
 * them), from the current VMCS. */
void vmx_read_guest_paging(struct guest_paging *p)
{
	uint64_t cr0_owned = vmx_cr0_host_owned();
	uint64_t cr0 = (vmcs_read(VMCS_GUEST_CR0) & ~cr0_owned) |
		       (vmcs_read(VMCS_CR0_READ_SHADOW) & cr0_owned);

	*p = (struct guest_paging){ cr0, vmcs_read(VMCS_GUEST_CR3), vmcs_read(VMCS_CR4_READ_SHADOW),
				    vmcs_read(VMCS_GUEST_EFER) };
}

/* From its VMCS where that is current here, else as its last slice left
 * them (the scheduler's runstate writes, between slices). */
void vmx_guest_paging(const struct vcpu *v, struct guest_paging *p)
{
	if (v->vmx.loaded_on == (int)smp_processor_id())
		vmx_read_guest_paging(p);
	else
		*p = v->vmx.paging;
}

void vmx_load_cr2(struct vcpu *v)
{
	uint64_t now;

	__asm__ volatile("mov %%cr2, %0" : "=r"(now));
	if (now != v->vmx.cr2)
		__asm__ volatile("mov %0, %%cr2" : : "r"(v->vmx.cr2) : "memory");
}

void vmx_save_cr2(struct vcpu *v)
{
	__asm__ volatile("mov %%cr2, %0" : "=r"(v->vmx.cr2));
}
