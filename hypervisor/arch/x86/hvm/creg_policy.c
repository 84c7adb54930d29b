/*
 * CR4 and EFER writes a guest may make: one rule set, used for the
 * intercepted writes and (with the host's features) to explain a VMRUN
 * that refused a state.
 */
#include <asm/creg_policy.h>
#include <asm/x86-defs.h>

/* CPUID bits, by leaf. */
#define L1_EDX_VME (1u << 1)
#define L1_EDX_DE (1u << 2)
#define L1_EDX_PSE (1u << 3)
#define L1_EDX_PAE (1u << 6)
#define L1_EDX_MCE (1u << 7)
#define L1_EDX_PGE (1u << 13)
#define L1_EDX_FXSR (1u << 24)
#define L1_EDX_SSE (1u << 25)
#define L1_ECX_PCID (1u << 17)
#define L7_EBX_FSGSBASE (1u << 0)
#define L7_EBX_SMEP (1u << 7)
#define L7_EBX_SMAP (1u << 20)
#define L7_ECX_UMIP (1u << 2)
#define L7_ECX_PKU (1u << 3)
#define L7_ECX_LA57 (1u << 16)
#define EXT1_EDX_SYSCALL (1u << 11)
#define EXT1_EDX_NX (1u << 20)
#define EXT1_EDX_FFXSR (1u << 25)
#define EXT1_ECX_TCE (1u << 17)
#define EXT21_EAX_AUTOIBRS (1u << 8)

static uint64_t if_set(uint32_t word, uint32_t bit, uint64_t result)
{
	return (word & bit) ? result : 0;
}

uint64_t creg_cr4_valid_bits(const struct creg_features *f)
{
	/* TSD and PCE have no CPUID bit; CET, PKS and the rest are never offered. */
	return X86_CR4_TSD | X86_CR4_PCE |
	       if_set(f->l1_edx, L1_EDX_VME, X86_CR4_VME | X86_CR4_PVI) |
	       if_set(f->l1_edx, L1_EDX_DE, X86_CR4_DE) |
	       if_set(f->l1_edx, L1_EDX_PSE, X86_CR4_PSE) |
	       if_set(f->l1_edx, L1_EDX_PAE, X86_CR4_PAE) |
	       if_set(f->l1_edx, L1_EDX_MCE, X86_CR4_MCE) |
	       if_set(f->l1_edx, L1_EDX_PGE, X86_CR4_PGE) |
	       if_set(f->l1_edx, L1_EDX_FXSR, X86_CR4_OSFXSR) |
	       if_set(f->l1_edx, L1_EDX_SSE, X86_CR4_OSXMMEXCPT) |
	       if_set(f->l1_ecx, L1_ECX_VMX, X86_CR4_VMXE) |
	       if_set(f->l1_ecx, L1_ECX_SMX, X86_CR4_SMXE) |
	       if_set(f->l1_ecx, L1_ECX_PCID, X86_CR4_PCIDE) |
	       if_set(f->l1_ecx, L1_ECX_XSAVE, X86_CR4_OSXSAVE) |
	       if_set(f->l7_ebx, L7_EBX_FSGSBASE, X86_CR4_FSGSBASE) |
	       if_set(f->l7_ebx, L7_EBX_SMEP, X86_CR4_SMEP) |
	       if_set(f->l7_ebx, L7_EBX_SMAP, X86_CR4_SMAP) |
	       if_set(f->l7_ecx, L7_ECX_UMIP, X86_CR4_UMIP) |
	       if_set(f->l7_ecx, L7_ECX_PKU, X86_CR4_PKE) |
	       if_set(f->l7_ecx, L7_ECX_LA57, X86_CR4_LA57);
}

uint64_t creg_efer_valid_bits(const struct creg_features *f)
{
	return if_set(f->ext1_edx, EXT1_EDX_SYSCALL, EFER_SCE) |
	       if_set(f->ext1_edx, EXT1_EDX_LM, EFER_LME) |
	       if_set(f->ext1_edx, EXT1_EDX_NX, EFER_NXE) |
	       if_set(f->ext1_edx, EXT1_EDX_FFXSR, EFER_FFXSR) |
	       if_set(f->ext1_ecx, EXT1_ECX_TCE, EFER_TCE) |
	       if_set(f->ext21_eax, EXT21_EAX_AUTOIBRS, EFER_AUTOIBRS);
}

const char *creg_cr4_check(const struct creg_features *f, const struct creg_state *s,
			   uint64_t value)
{
	uint64_t changed = value ^ s->cr4;
	bool long_mode = s->efer & EFER_LMA;

	if (value & ~creg_cr4_valid_bits(f))
		return "a reserved CR4 bit, or one of a feature not offered";
	if (long_mode && !(value & X86_CR4_PAE))
		return "CR4.PAE cleared in long mode";
	if (long_mode && (changed & X86_CR4_LA57))
		return "CR4.LA57 changed in long mode";
	/* SDM vol. 3 §4.10.1: PCIDE may be set only in long mode with CR3[11:0] = 0. */
	if ((changed & value & X86_CR4_PCIDE) && (!long_mode || (s->cr3 & 0xfff)))
		return "CR4.PCIDE set outside long mode or with a PCID in CR3";
	return NULL;
}

const char *creg_cr0_check(const struct creg_features *f, const struct creg_state *s,
			   uint64_t value)
{
	(void)f;
	if (value >> 32)
		return "a bit of CR0[63:32] set";
	if ((value & X86_CR0_PG) && !(value & X86_CR0_PE))
		return "CR0.PG set with CR0.PE clear";
	if ((value & X86_CR0_NW) && !(value & X86_CR0_CD))
		return "CR0.NW set with CR0.CD clear";
	if ((value & X86_CR0_PG) && !(s->cr0 & X86_CR0_PG) && (s->efer & EFER_LME) &&
	    !(s->cr4 & X86_CR4_PAE))
		return "paging turned on in long mode with CR4.PAE clear";
	if (!(value & X86_CR0_PE) && (s->efer & EFER_LMA))
		return "CR0.PE cleared in long mode";
	return NULL;
}

const char *creg_efer_check(const struct creg_features *f, const struct creg_state *s,
			    uint64_t value)
{
	/* The guest never sees SVME (tern keeps it set under VMRUN), so it
	 * writes it clear; LMA is read-only. */
	if (value & ~(creg_efer_valid_bits(f) | EFER_LMA))
		return "a reserved EFER bit, or one of a feature not offered";
	if ((s->cr0 & X86_CR0_PG) && ((value ^ s->efer) & EFER_LME))
		return "EFER.LME changed with paging on";
	return NULL;
}
