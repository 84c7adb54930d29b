/*
 * Nested page faults. The only ones a healthy dom0 causes are writes to its
 * LAPIC page, which the nested page table maps read-only so the interrupt
 * command register can be filtered: the store is decoded from guest memory
 * (no decode assists under QEMU), carried out by dom0_lapic_write(), and
 * skipped. A domain without devices may touch addresses with nothing behind
 * them (emulate_nothing). Anything else stops the domain.
 */
#include <asm/dom0.h>
#include <asm/insn.h>
#include <asm/io.h>
#include <asm/svm.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/errno.h>
#include <tern/hypercall.h>

#define NPF_PRESENT (1ull << 0)
#define NPF_WRITE (1ull << 1)

static int emulate_lapic_write(struct vcpu *v, uint64_t gpa)
{
	uint8_t bytes[INSN_MAX_LEN];
	size_t n = svm_fetch_insn(v, bytes);
	unsigned int reg = gpa & ~PAGE_MASK;
	struct insn_mem st;
	uint32_t val;
	int rc;

	rc = insn_decode_mem(bytes, n, &st);
	if (rc)
		return rc;
	/* LAPIC registers are 32 bits wide and 16-byte aligned. */
	if (st.load || st.size != 4 || reg & 0xf)
		return -EINVAL;
	val = st.src_is_reg ? (uint32_t)*svm_guest_gpr(v, st.reg) : (uint32_t)st.imm;
	if (st.exchange)
		*svm_guest_gpr(v, st.reg) = mmio_read32(dom0_lapic_base + reg);
	dom0_lapic_write(reg, val);
	v->vmcb->save.rip += st.len;
	return 0;
}

/*
 * An access to guest-physical space with nothing behind it, by a domain
 * without devices: reads see all-ones, writes go nowhere, as on a bus with
 * nothing to answer. The domain goes on.
 */
static int emulate_nothing(struct vcpu *v)
{
	uint8_t bytes[INSN_MAX_LEN];
	size_t n = svm_fetch_insn(v, bytes);
	struct insn_mem st;
	int rc = insn_decode_mem(bytes, n, &st);

	if (rc)
		return rc;
	if (st.load) {
		uint64_t *reg = svm_guest_gpr(v, st.reg);
		uint64_t ones = st.size == 8 ? ~0ull : (1ull << (8 * st.size)) - 1;

		/* A 32-bit register write zero-extends; 8 and 16 bits merge. */
		if (st.reg_size == 4)
			*reg = (uint32_t)ones;
		else if (st.reg_size == 8)
			*reg = ones;
		else
			*reg = (*reg & ~((1ull << (8 * st.reg_size)) - 1)) | ones;
	}
	v->vmcb->save.rip += st.len;
	return 0;
}

void svm_handle_npf(struct vcpu *v)
{
	uint64_t gpa = v->vmcb->control.exitinfo2;
	uint64_t error = v->vmcb->control.exitinfo1;

	if (!v->domain->passthrough && !(error & NPF_PRESENT) && emulate_nothing(v) == 0)
		return;
	if (v->domain->is_privileged && error & NPF_WRITE &&
	    (gpa & PAGE_MASK) == dom0_lapic_base) {
		int rc = emulate_lapic_write(v, gpa);

		if (rc == 0)
			return;
		pr_err("d%uv%u: cannot emulate the write to LAPIC register %#lx (%d)\n",
		       v->domain->id, v->id, gpa & ~PAGE_MASK, rc);
	}
	pr_err("d%uv%u: nested page fault at %#lx, error %#lx\n", v->domain->id, v->id, gpa, error);
	vmcb_dump(v);
	domain_crash(v->domain, "access to guest-physical memory it may not use");
}
