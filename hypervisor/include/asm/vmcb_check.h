/*
 * Why VMRUN refused a guest state: the consistency checks of AMD APM vol. 2
 * §15.5.1, applied to a VMCB after a #VMEXIT with exit code -1, so that the
 * report names the rule. Pure: the host's limits come in a struct.
 */
#ifndef ASM_VMCB_CHECK_H
#define ASM_VMCB_CHECK_H

#include <asm/creg_policy.h>
#include <asm/vmcb.h>

struct vmcb_limits {
	struct creg_features host;  /* the host CPU's CPUID words (which CR4/EFER bits exist) */
	unsigned int phys_bits;     /* physical address width (CPUID 0x80000008 EAX[7:0]) */
};

/* The first consistency rule vmcb breaks, or NULL if it breaks none of those
 * tern knows (then the processor or emulator refused it for another reason). */
const char *vmcb_check_state(const struct vmcb *vmcb, const struct vmcb_limits *lim);

/*
 * The fields the checks read, as VMRUN was given them: QEMU 7.2 overwrites
 * the save area (with its own current state) when it refuses one, so they
 * are kept at each entry and put back before checking.
 */
struct vmcb_entry_state {
	uint64_t efer, cr0, cr3, cr4, dr6, dr7, eventinj;
	uint16_t cs_attrib;
};

static inline void vmcb_entry_keep(struct vmcb_entry_state *e, const struct vmcb *vmcb)
{
	const struct vmcb_save *s = &vmcb->save;

	*e = (struct vmcb_entry_state){ s->efer, s->cr0, s->cr3, s->cr4, s->dr6, s->dr7,
					vmcb->control.eventinj, s->cs.attrib };
}

static inline void vmcb_entry_put_back(struct vmcb *vmcb, const struct vmcb_entry_state *e)
{
	struct vmcb_save *s = &vmcb->save;

	s->efer = e->efer, s->cr0 = e->cr0, s->cr3 = e->cr3, s->cr4 = e->cr4;
	s->dr6 = e->dr6, s->dr7 = e->dr7, s->cs.attrib = e->cs_attrib;
	vmcb->control.eventinj = e->eventinj;
}

#endif
