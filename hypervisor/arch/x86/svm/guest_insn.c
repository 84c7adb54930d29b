/*
 * The instruction behind an intercept, for CPUs without decode assists
 * (QEMU's SVM): its bytes from guest memory and its register operands.
 */
#include <asm/insn.h>
#include <asm/svm.h>
#include <asm/x86-defs.h>
#include <tern/hypercall.h>

bool svm_long_mode64(const struct vcpu *v)
{
	const struct vmcb_save *s = &v->svm.vmcb->save;

	return (s->efer & EFER_LMA) && (s->cs.attrib & VMCB_ATTR_L);
}

unsigned int svm_code_bits(const struct vcpu *v)
{
	if (svm_long_mode64(v))
		return 64;
	return v->svm.vmcb->save.cs.attrib & VMCB_ATTR_DB ? 32 : 16;
}

size_t svm_fetch_insn(struct vcpu *v, uint8_t *buf)
{
	const struct vmcb_save *s = &v->svm.vmcb->save;

	/* 64-bit code ignores the CS base; other modes wrap at 4 GiB. */
	return hvm_fetch_insn_at(v, svm_long_mode64(v) ? s->rip : (uint32_t)(s->cs.base + s->rip), buf);
}

uint64_t *svm_guest_gpr(struct vcpu *v, unsigned int reg)
{
	struct guest_regs *r = &v->regs;
	uint64_t *by_encoding[16] = {
		&v->svm.vmcb->save.rax, &r->rcx, &r->rdx, &r->rbx, &v->svm.vmcb->save.rsp, &r->rbp,
		&r->rsi, &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
	};

	return by_encoding[reg & 15];
}

#define VECTOR_PF 14

void svm_inject_page_fault(struct vcpu *v, uint64_t la, uint32_t error)
{
	v->svm.vmcb->save.cr2 = la;
	svm_inject_exception(v, VECTOR_PF, true, error);
}

void svm_access_state(const struct vcpu *v, struct hvm_access_state *st)
{
	const struct vmcb_save *s = &v->svm.vmcb->save;

	*st = (struct hvm_access_state){ .rflags = s->rflags, .fs_base = s->fs.base,
					 .gs_base = s->gs.base };
}
