/*
 * Intercepted writes to CR4. VMRUN refuses a guest state with a reserved
 * CR4 bit set (APM vol. 2 §15.5.1), and QEMU stops a guest that sets one
 * with that same failure, so a guest that tried one would stop instead of
 * getting #GP, as a CPU gives it. The write is checked against the features the guest's CPUID shows
 * (creg_policy.c) and carried out, or refused with #GP.
 */
#include <asm/creg_policy.h>
#include <asm/insn.h>
#include <asm/svm.h>
#include <asm/x86-defs.h>
#include <tern/console.h>
#include <tern/domain.h>

/* CR4 bits whose change makes the CPU drop TLB entries (SDM vol. 3 §4.10.4.1). */
#define CR4_FLUSHING (X86_CR4_PSE | X86_CR4_PAE | X86_CR4_PGE | X86_CR4_PCIDE | \
		      X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_PKE | X86_CR4_LA57)

/* The source register and length of the MOV to CR that exited, or false. */
static bool decode_write(struct vcpu *v, unsigned int cr, unsigned int *gpr, unsigned int *len)
{
	const struct vmcb_control *c = &v->svm.vmcb->control;
	uint8_t bytes[INSN_MAX_LEN];
	struct insn_mov_cr mov;
	size_t n;

	if (svm_features.decode_assists && svm_features.nrip_save &&
	    (c->exitinfo1 & VMCB_CR_INFO_VALID)) {
		*gpr = (unsigned int)(c->exitinfo1 & VMCB_CR_INFO_GPR);
		*len = (unsigned int)(c->next_rip - v->svm.vmcb->save.rip);
		return true;
	}
	n = svm_fetch_insn(v, bytes);
	if (insn_decode_mov_cr(bytes, n, svm_long_mode64(v), &mov) || !mov.to_cr || mov.cr != cr)
		return false;
	*gpr = mov.gpr;
	*len = mov.len;
	return true;
}

static void emulate_cr4_write(struct vcpu *v, uint64_t value, unsigned int len)
{
	struct vmcb_save *s = &v->svm.vmcb->save;

	if (!hvm_creg_write_allowed(v, "CR4", creg_cr4_check, value)) {
		hvm_inject_gp(v);
		return;
	}
	if ((s->cr4 ^ value) & CR4_FLUSHING)
		v->guest_tlb_flush = true;
	s->cr4 = value;
	svm_skip_instruction(v, len);
}

void svm_handle_cr4_write(struct vcpu *v)
{
	const unsigned int cr = 4;
	unsigned int gpr, len;
	uint64_t value;

	if (!decode_write(v, cr, &gpr, &len)) {
		/* Only the guest's own code can make this happen (it rewrote the
		 * instruction, or executes what its page tables do not show). */
		pr_err("d%uv%u: cannot decode the write to CR%u at %#lx\n", v->domain->id, v->id,
		       cr, (unsigned long)v->svm.vmcb->save.rip);
		vmcb_dump(v);
		domain_crash(v->domain, "undecodable control-register write");
		return;
	}
	if (v->svm.vmcb->save.cpl != 0) {
		hvm_inject_gp(v);
		return;
	}
	value = *svm_guest_gpr(v, gpr);
	if (!svm_long_mode64(v))
		value = (uint32_t)value; /* 32 bits outside 64-bit code */
	emulate_cr4_write(v, value, len);
}
