/*
 * A string instruction (MOVS, STOS, LODS) that reached guest-physical
 * memory with nothing behind it: carried out a batch at a time by
 * insn_string_run() over the vCPU's registers, its accesses translated by
 * the guest's page tables with the rights its CPL has and made through the
 * domain's own view of memory (p2m_bus_read/p2m_bus_write).
 */
#include <asm/guest_walk.h>
#include <asm/insn_string.h>
#include <asm/svm.h>
#include <asm/x86-defs.h>
#include <tern/errno.h>
#include <tern/p2m.h>

#define VECTOR_PF 14

_Static_assert(STRING_MEM_RAM == P2M_BUS_RAM && STRING_MEM_NOTHING == P2M_BUS_NOTHING,
	       "p2m_bus_read/write answer as string_mem_ops read/write");

static int translate(void *ctx, uint64_t la, bool write, uint64_t *gpa, uint32_t *pf_error)
{
	struct vcpu *v = ctx;
	const struct vmcb_save *s = &v->vmcb->save;
	struct guest_access a = { .write = write, .user = s->cpl == 3,
				  .ac = (s->rflags & X86_EFLAGS_AC) != 0 };

	return guest_translate(v, la, &a, gpa, pf_error);
}

static int read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	return p2m_bus_read(((struct vcpu *)ctx)->domain, gpa, buf, len);
}

static int write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	return p2m_bus_write(((struct vcpu *)ctx)->domain, gpa, buf, len);
}

static const struct string_mem_ops vcpu_mem = { translate, read, write };

/* The source's segment base: in 64-bit code only FS and GS have one. */
static uint64_t source_base(const struct vmcb_save *s, enum insn_seg seg)
{
	return seg == INSN_SEG_FS ? s->fs.base : seg == INSN_SEG_GS ? s->gs.base : 0;
}

int svm_emulate_string(struct vcpu *v, const struct insn_mem *st)
{
	struct vmcb_save *s = &v->vmcb->save;
	struct string_regs r;
	struct string_fault fault;
	int rc;

	if (!svm_long_mode64(v))
		return -EOPNOTSUPP; /* segment limits and 16/32-bit defaults: not here */
	r = (struct string_regs){
		.rax = s->rax, .rcx = v->regs.rcx, .rsi = v->regs.rsi, .rdi = v->regs.rdi,
		.df = (s->rflags & X86_EFLAGS_DF) != 0, .src_base = source_base(s, st->seg),
	};
	rc = insn_string_run(st, &r, &vcpu_mem, v, STRING_BATCH, &fault);
	/* Elements done before an error or a fault stay done, as on the CPU. */
	s->rax = r.rax;
	v->regs.rcx = r.rcx;
	v->regs.rsi = r.rsi;
	v->regs.rdi = r.rdi;
	if (rc == STRING_DONE) {
		s->rip += st->len;
	} else if (rc == STRING_FAULT) {
		s->cr2 = fault.la;
		svm_inject_exception(v, VECTOR_PF, true, fault.pf_error);
	}
	return rc < 0 ? rc : 0;
}
