/*
 * Which CR4 and EFER values a guest may load: the bits of features its CPUID
 * shows, and the architectural rules for changing them (AMD APM vol. 2
 * §3.1.3 CR4, §3.1.7 EFER, §14.6 enabling long mode). A write the rules
 * refuse is #GP for the guest; loading it into the VMCB would make VMRUN
 * fail instead (APM §15.5.1). Pure: the CPUID bits come in a struct.
 */
#ifndef ASM_CREG_POLICY_H
#define ASM_CREG_POLICY_H

#include <tern/types.h>

/* The CPUID words the rules depend on, as the guest sees them (or as the
 * host has them, for the host's own limits). */
struct creg_features {
	uint32_t l1_ecx, l1_edx;        /* leaf 1 */
	uint32_t l7_ebx, l7_ecx;        /* leaf 7.0 */
	uint32_t ext1_ecx, ext1_edx;    /* leaf 0x80000001 */
	uint32_t ext21_eax;             /* leaf 0x80000021 */
};

/* The guest's state the rules look at. */
struct creg_state {
	uint64_t cr0, cr3, cr4, efer;
};

/* CR4 bits the features allow (all others are reserved: #GP). */
uint64_t creg_cr4_valid_bits(const struct creg_features *f);

/* EFER bits the features allow a guest to write (SVME is never a guest's:
 * tern offers no SVM). LMA is read-only and not among them. */
uint64_t creg_efer_valid_bits(const struct creg_features *f);

/* The checks below: NULL if the write of value may go ahead from state s,
 * else why it is #GP. */
typedef const char *(*creg_check_fn)(const struct creg_features *f,
				     const struct creg_state *s, uint64_t value);

/* MOV to CR4. */
const char *creg_cr4_check(const struct creg_features *f, const struct creg_state *s,
			   uint64_t value);

/* MOV to CR0 (intercepted where the vendor owns a CR0 bit: VMX's NE). */
const char *creg_cr0_check(const struct creg_features *f, const struct creg_state *s,
			   uint64_t value);

/* WRMSR EFER. A value that passes is loaded with the old LMA (writes to
 * LMA are ignored). */
const char *creg_efer_check(const struct creg_features *f, const struct creg_state *s,
			    uint64_t value);

#endif
