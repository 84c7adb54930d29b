/*
 * Intercepted writes to CR4: which register and how long, from SVM's decode
 * assists where the CPU has them, else from guest memory; hvm/creg.c checks
 * and carries them out.
 */
#include <asm/svm.h>
#include <tern/console.h>
#include <tern/domain.h>

/* The source register and length of the MOV to CR that exited, or false. */
static bool decode_write(struct vcpu *v, unsigned int cr, unsigned int *gpr, unsigned int *len)
{
	const struct vmcb_control *c = &v->svm.vmcb->control;

	if (svm_features.decode_assists && svm_features.nrip_save &&
	    (c->exitinfo1 & VMCB_CR_INFO_VALID)) {
		*gpr = (unsigned int)(c->exitinfo1 & VMCB_CR_INFO_GPR);
		*len = (unsigned int)(c->next_rip - v->svm.vmcb->save.rip);
		return true;
	}
	return hvm_decode_mov_to_cr(v, cr, gpr, len);
}

void svm_handle_cr4_write(struct vcpu *v)
{
	const unsigned int cr = 4;
	unsigned int gpr, len;

	if (!decode_write(v, cr, &gpr, &len)) {
		/* Only the guest's own code can make this happen (it rewrote the
		 * instruction, or executes what its page tables do not show). */
		pr_err("d%uv%u: cannot decode the write to CR%u at %#lx\n", v->domain->id, v->id,
		       cr, (unsigned long)v->svm.vmcb->save.rip);
		vmcb_dump(v);
		domain_crash(v->domain, "undecodable control-register write");
		return;
	}
	hvm_handle_cr4_write(v, gpr, len);
}
