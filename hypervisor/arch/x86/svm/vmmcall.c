/*
 * VMMCALL: a hypercall. Number in rax; arguments in rdi, rsi, rdx, r10, r8
 * from 64-bit code, in ebx, ecx, edx, esi, edi from 32-bit code. Only the
 * guest kernel (CPL 0) may make them, as in Xen's HVM guests. A handler that
 * continues its call (hypercall_continue()) leaves the guest on the VMMCALL
 * with rax holding the number again and the arguments it updated, as Xen's
 * hypercall continuations do.
 */
#include <asm/svm.h>
#include <asm/x86-defs.h>
#include <tern/errno.h>
#include <tern/hypercall.h>
#include <tern/string.h>

#define INSN_LEN_VMMCALL 3

/* The argument registers in order, for either width. */
static uint64_t *arg_register(struct vcpu *v, unsigned int i)
{
	struct guest_regs *r = &v->regs;
	uint64_t *regs64[5] = { &r->rdi, &r->rsi, &r->rdx, &r->r10, &r->r8 };
	uint64_t *regs32[5] = { &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi };

	return v->hcall.compat ? regs32[i] : regs64[i];
}

/* Back onto the VMMCALL, with the number and the updated arguments. */
static void restart(struct vcpu *v, uint64_t rip, uint64_t nr)
{
	struct vmcb_save *s = &v->svm.vmcb->save;

	s->rip = rip;
	s->rax = nr;
	for (unsigned int i = 0; i < v->hcall.nargs; i++)
		*arg_register(v, i) = v->hcall.args[i] & hypercall_arg_max(v);
	v->hcall.continued = false;
}

void svm_handle_vmmcall(struct vcpu *v)
{
	struct vmcb_save *s = &v->svm.vmcb->save;
	uint64_t rip = s->rip, nr, args[5];
	long ret;

	svm_skip_instruction(v, INSN_LEN_VMMCALL);
	if (s->cpl != 0) {
		s->rax = (uint64_t)-EPERM;
		return;
	}
	v->hcall.compat = !svm_long_mode64(v);
	nr = s->rax & hypercall_arg_max(v);
	for (unsigned int i = 0; i < ARRAY_SIZE(args); i++)
		args[i] = *arg_register(v, i) & hypercall_arg_max(v);
	ret = hypercall_dispatch(v, nr, args);
	if (v->hcall.continued)
		restart(v, rip, nr);
	else
		s->rax = (uint64_t)ret & hypercall_arg_max(v);
}
