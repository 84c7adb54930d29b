/*
 * A hypercall instruction (SVM's VMMCALL, VMX's VMCALL) intercepted: number
 * in rax; arguments in rdi, rsi, rdx, r10, r8 from 64-bit code, in ebx, ecx,
 * edx, esi, edi from 32-bit code. Only the guest kernel (CPL 0) may make
 * them, as in Xen's HVM guests. A handler that continues its call
 * (hypercall_continue()) leaves the guest on the instruction with rax
 * holding the number again and the arguments it updated, as Xen's
 * hypercall continuations do.
 */
#include <asm/cpu.h>
#include <tern/domain.h>
#include <tern/errno.h>
#include <tern/hypercall.h>

/* The argument registers in order, for either width, by encoding. */
static const unsigned int args64[5] = { 7, 6, 2, 10, 8 }; /* rdi rsi rdx r10 r8 */
static const unsigned int args32[5] = { 3, 1, 2, 6, 7 };  /* ebx ecx edx esi edi */

static uint64_t *arg_register(struct vcpu *v, unsigned int i)
{
	return hvm->gpr(v, v->hcall.compat ? args32[i] : args64[i]);
}

void hvm_hypercall(struct vcpu *v, unsigned int len)
{
	uint64_t *rax = hvm->gpr(v, 0), nr, args[5], start;
	long ret;

	if (hvm->cpl(v) != 0) {
		*rax = (uint64_t)-EPERM;
		hvm->skip_instruction(v, len);
		return;
	}
	v->hcall.compat = !hvm->long_mode64(v);
	nr = *rax & hypercall_arg_max(v);
	for (unsigned int i = 0; i < ARRAY_SIZE(args); i++)
		args[i] = *arg_register(v, i) & hypercall_arg_max(v);
	start = rdtsc();
	ret = hypercall_dispatch(v, nr, args);
	if (nr < VCPU_COUNTED_HYPERCALLS) {
		v->stats.hypercalls[nr]++;
		v->stats.hypercall_tsc[nr] += rdtsc() - start;
	}
	if (v->hcall.continued) {
		/* Not skipped: the guest issues it again, number and updated arguments in place. */
		*rax = nr;
		for (unsigned int i = 0; i < v->hcall.nargs; i++)
			*arg_register(v, i) = v->hcall.args[i] & hypercall_arg_max(v);
		v->hcall.continued = false;
		return;
	}
	*rax = (uint64_t)ret & hypercall_arg_max(v);
	hvm->skip_instruction(v, len);
}
