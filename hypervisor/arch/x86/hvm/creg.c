/*
 * Control-register writes a vCPU makes (CR0, CR4, EFER, XCR0), checked against
 * what its CPUID shows and its state (asm/creg_policy.h, asm/xstate.h); and
 * #GP, the answer to a refused one. VMRUN refuses a guest state with a
 * reserved CR4 bit set (AMD APM vol. 2 §15.5.1), and QEMU stops a guest that
 * sets one with that same failure, so CR4 writes are intercepted: a guest
 * that tried one gets #GP instead, as a CPU gives it.
 */
#include <asm/cpu_state.h>
#include <asm/creg_policy.h>
#include <asm/guest_walk.h>
#include <asm/insn.h>
#include <asm/x86-defs.h>
#include <tern/console.h>
#include <tern/domain.h>

#define X86_EXC_UD 6
#define X86_EXC_GP 13

/* CR4 bits whose change makes the CPU drop TLB entries (SDM vol. 3 §4.10.4.1). */
#define CR4_FLUSHING (X86_CR4_PSE | X86_CR4_PAE | X86_CR4_PGE | X86_CR4_PCIDE | \
		      X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_PKE | X86_CR4_LA57)

bool hvm_creg_write_allowed(struct vcpu *v, const char *reg, creg_check_fn check, uint64_t value)
{
	struct guest_paging p;
	struct creg_state state;
	struct creg_features f;
	const char *why;

	hvm->guest_paging(v, &p);
	state = (struct creg_state){ p.cr0, p.cr3, p.cr4, p.efer };
	hvm_guest_creg_features(v, &f);
	why = check(&f, &state, value);
	if (why)
		pr_debug("d%uv%u: %s %#lx refused: %s\n", v->domain->id, v->id, reg,
			 (unsigned long)value, why);
	return !why;
}

void hvm_inject_gp(struct vcpu *v)
{
	struct guest_paging p;

	hvm->guest_paging(v, &p);
	hvm->inject_exception(v, X86_EXC_GP, p.cr0 & X86_CR0_PE, 0);
}

bool hvm_decode_mov_to_cr(struct vcpu *v, unsigned int cr, unsigned int *gpr, unsigned int *len)
{
	uint8_t bytes[INSN_MAX_LEN];
	struct insn_mov_cr mov;
	size_t n = hvm->fetch_insn(v, bytes);

	if (insn_decode_mov_cr(bytes, n, hvm->long_mode64(v), &mov) || !mov.to_cr || mov.cr != cr)
		return false;
	*gpr = mov.gpr;
	*len = mov.len;
	return true;
}

/* CR0 bits whose change makes the CPU drop TLB entries. */
#define CR0_FLUSHING (X86_CR0_PG | X86_CR0_WP | X86_CR0_PE)

/* A MOV to CR0 or CR4 (cr) from general register gpr, len bytes long:
 * checked, then loaded by set, or #GP. */
static void handle_cr_write(struct vcpu *v, unsigned int cr, unsigned int gpr, unsigned int len,
			    void (*set)(struct vcpu *v, uint64_t value))
{
	struct guest_paging p;
	uint64_t value, old;

	if (hvm->cpl(v) != 0) {
		hvm_inject_gp(v);
		return;
	}
	value = *hvm->gpr(v, gpr);
	if (!hvm->long_mode64(v))
		value = (uint32_t)value; /* 32 bits outside 64-bit code */
	if (cr == 0)
		value |= X86_CR0_ET; /* fixed to 1 on every CPU tern runs on */
	if (!hvm_creg_write_allowed(v, cr == 0 ? "CR0" : "CR4",
				    cr == 0 ? creg_cr0_check : creg_cr4_check, value)) {
		hvm_inject_gp(v);
		return;
	}
	hvm->guest_paging(v, &p);
	old = cr == 0 ? p.cr0 : p.cr4;
	if ((old ^ value) & (cr == 0 ? CR0_FLUSHING : CR4_FLUSHING))
		v->guest_tlb_flush = true;
	set(v, value);
	hvm->skip_instruction(v, len);
}

void hvm_handle_cr4_write(struct vcpu *v, unsigned int gpr, unsigned int len)
{
	handle_cr_write(v, 4, gpr, len, hvm->set_cr4);
}

void hvm_handle_cr0_write(struct vcpu *v, unsigned int gpr, unsigned int len)
{
	handle_cr_write(v, 0, gpr, len, hvm->set_cr0);
}

/* XSETBV: index in ecx, value in edx:eax (cpu_state.c checks and loads it). */
void hvm_handle_xsetbv(struct vcpu *v, unsigned int len)
{
	uint64_t value = (uint32_t)*hvm->gpr(v, 0) | *hvm->gpr(v, 2) << 32;
	struct guest_paging p;

	hvm->guest_paging(v, &p);
	if (!(p.cr4 & X86_CR4_OSXSAVE))
		hvm->inject_exception(v, X86_EXC_UD, false, 0);
	else if (hvm->cpl(v) != 0 || cpu_state_set_xcr0(v, (uint32_t)*hvm->gpr(v, 1), value))
		hvm_inject_gp(v);
	else
		hvm->skip_instruction(v, len);
}
