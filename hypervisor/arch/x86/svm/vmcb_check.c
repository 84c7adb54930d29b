/*
 * The VMRUN consistency checks (AMD APM vol. 2 §15.5.1, "Canonicalization
 * and Consistency Checks"), in the manual's order, for reporting which one
 * a refused guest state broke.
 */
#include <asm/vmcb_check.h>
#include <asm/x86-defs.h>

#define VMCB_ATTR_D (1u << 10) /* CS.D in the attribute encoding */
#define EVENT_TYPE(e) (((e) >> 8) & 7)
#define EVENT_VECTOR(e) ((e) & 0xff)
#define IOPM_BYTES 0x3000
#define MSRPM_BYTES 0x2000

static bool beyond(uint64_t base, uint64_t len, unsigned int phys_bits)
{
	return phys_bits < 64 && (base + len - 1) >> phys_bits;
}

static const char *check_efer_cr(const struct vmcb_save *s, const struct vmcb_limits *lim)
{
	bool lme_pg = (s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG);
	uint64_t cr3_mbz = (s->efer & EFER_LMA) ? ~0ull << lim->phys_bits : ~0xffffffffull;

	if (!(s->efer & EFER_SVME))
		return "EFER.SVME is clear";
	if (!(s->cr0 & X86_CR0_CD) && (s->cr0 & X86_CR0_NW))
		return "CR0.NW set with CR0.CD clear";
	if (s->cr0 >> 32)
		return "CR0[63:32] not zero";
	if (lim->phys_bits < 64 && (s->cr3 & cr3_mbz))
		return "a must-be-zero bit of CR3 set";
	if (s->cr4 & ~creg_cr4_valid_bits(&lim->host))
		return "a must-be-zero bit of CR4 set (a reserved bit or a feature the CPU lacks)";
	if (s->dr6 >> 32)
		return "DR6[63:32] not zero";
	if (s->dr7 >> 32)
		return "DR7[63:32] not zero";
	/* LME and LMA have a rule of their own, next. */
	if (s->efer & ~(creg_efer_valid_bits(&lim->host) | EFER_LME | EFER_LMA | EFER_SVME))
		return "a must-be-zero bit of EFER set (a reserved bit or a feature the CPU lacks)";
	if ((s->efer & (EFER_LMA | EFER_LME)) && !(lim->host.ext1_edx & EXT1_EDX_LM))
		return "EFER.LMA or LME set on a CPU without long mode";
	if (lme_pg && !(s->cr4 & X86_CR4_PAE))
		return "EFER.LME and CR0.PG set with CR4.PAE clear";
	if (lme_pg && !(s->cr0 & X86_CR0_PE))
		return "EFER.LME and CR0.PG set with CR0.PE clear";
	if (lme_pg && (s->cr4 & X86_CR4_PAE) && (s->cs.attrib & VMCB_ATTR_L) &&
	    (s->cs.attrib & VMCB_ATTR_D))
		return "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D all set";
	return NULL;
}

static const char *check_control(const struct vmcb_control *c, const struct vmcb_save *s,
				 const struct vmcb_limits *lim)
{
	uint64_t e = c->eventinj;

	if (!(c->intercept_misc2 & VMCB_INTERCEPT_VMRUN))
		return "the VMRUN intercept is clear";
	if (beyond(c->msrpm_base_pa, MSRPM_BYTES, lim->phys_bits) ||
	    beyond(c->iopm_base_pa, IOPM_BYTES, lim->phys_bits))
		return "the MSR or I/O permission map reaches beyond physical memory";
	if (e & VMCB_EVENT_VALID) {
		unsigned int type = EVENT_TYPE(e);

		if (type == 1 || type > 4)
			return "event injection of a reserved type";
		if (type == 3 && (EVENT_VECTOR(e) > 31 || EVENT_VECTOR(e) == 2))
			return "event injection of an exception with an impossible vector";
		if ((e & VMCB_EVENT_ERROR_VALID) && !(s->cr0 & X86_CR0_PE))
			return "event injection with an error code in real mode";
	}
	if (c->asid == 0)
		return "ASID 0 (the host's)";
	return NULL;
}

const char *vmcb_check_state(const struct vmcb *vmcb, const struct vmcb_limits *lim)
{
	const char *why = check_efer_cr(&vmcb->save, lim);

	return why ? why : check_control(&vmcb->control, &vmcb->save, lim);
}
