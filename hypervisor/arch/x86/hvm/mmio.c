/*
 * Guest-physical accesses the nested table does not allow, whatever the
 * vendor reports them as (SVM's nested page fault, VMX's EPT violation).
 * The only ones a healthy dom0 causes are writes to its LAPIC page, which
 * its nested table maps read-only so the interrupt command register can be
 * filtered: the store is decoded from guest memory (no decode assists under
 * QEMU), carried out by dom0_lapic_write(), and skipped. A domain without
 * devices may touch addresses with nothing behind them (emulate_nothing)
 * and its vCPU's xAPIC page (emulate_vlapic_mmio). Anything else is an
 * error, and the caller stops the domain.
 */
#include <asm/dom0.h>
#include <asm/insn.h>
#include <asm/io.h>
#include <asm/hvm.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/errno.h>
#include <tern/hypercall.h>

int hvm_decode_insn(struct vcpu *v, struct insn_mem *st)
{
	uint8_t bytes[INSN_MAX_LEN];
	size_t n = hvm->fetch_insn(v, bytes);

	return insn_decode_mem(bytes, n, hvm->code_bits(v), st);
}

/* Decodes the access that faulted: 0, or an error (nothing is changed).
 * INS and OUTS exit for their port first (hvm/io.c), never here. */
static int decode_access(struct vcpu *v, struct insn_mem *st)
{
	int rc = hvm_decode_insn(v, st);

	if (!rc && (st->string == INSN_INS || st->string == INSN_OUTS))
		return -EOPNOTSUPP;
	return rc;
}

/* The low size bytes of a value. */
static uint64_t low_bytes(uint64_t val, unsigned int size)
{
	return size >= 8 ? val : val & ((1ull << (8 * size)) - 1);
}

/* What a store writes: its register's (AH-BH: bits 8-15) or its
 * immediate's low bytes. */
static uint64_t store_value(struct vcpu *v, const struct insn_mem *st)
{
	if (!st->src_is_reg)
		return low_bytes(st->imm, st->size);
	return low_bytes(*hvm->gpr(v, st->reg) >> (st->reg_high8 ? 8 : 0), st->size);
}

/* A load's (or an exchange's) register gets the size bytes memory held
 * (MOVZX widens them); then the instruction is done. */
static void complete_access(struct vcpu *v, const struct insn_mem *st, uint64_t loaded)
{
	if (st->load || st->exchange) {
		uint64_t *reg = hvm->gpr(v, st->reg);
		unsigned int bytes = st->load ? st->reg_size : st->size;

		loaded = low_bytes(loaded, st->size);
		/* A 32-bit register write zero-extends; 8 and 16 bits merge. */
		if (st->reg_high8)
			*reg = (*reg & ~0xff00ull) | loaded << 8;
		else if (bytes >= 4)
			*reg = loaded;
		else
			*reg = (*reg & ~low_bytes(~0ull, bytes)) | loaded;
	}
	hvm->advance_rip(v, st->len);
}

static int emulate_lapic_write(struct vcpu *v, uint64_t gpa)
{
	unsigned int reg = gpa & ~PAGE_MASK;
	struct insn_mem st;
	uint32_t old = 0;
	int rc = decode_access(v, &st);

	if (rc)
		return rc;
	/* LAPIC registers are 32 bits wide and 16-byte aligned. */
	if (st.string || st.load || st.size != 4 || reg & 0xf)
		return -EINVAL;
	if (st.exchange)
		old = mmio_read32(dom0_lapic_base + reg);
	dom0_lapic_write(v, reg, (uint32_t)store_value(v, &st));
	complete_access(v, &st, old);
	return 0;
}

/*
 * An access to guest-physical space with nothing behind it, by a domain
 * without devices: reads see all-ones, writes go nowhere, as on a bus with
 * nothing to answer. The domain goes on. A string instruction may reach
 * RAM too, element by element (mmio_string.c).
 */
static int emulate_nothing(struct vcpu *v)
{
	struct insn_mem st;
	int rc = decode_access(v, &st);

	if (rc)
		return rc;
	if (st.string)
		return hvm_emulate_string(v, &st);
	complete_access(v, &st, ~0ull);
	return 0;
}

/*
 * A domU vCPU's xAPIC page (asm/vlapic.h). Registers are 32 bits: a wider
 * access reaches the one it starts in (the upper bytes read 0), a narrower
 * one the bytes it names; a store narrower than 32 bits is dropped, as
 * hardware leaves such writes undefined.
 */
static int emulate_vlapic_mmio(struct vcpu *v, uint64_t gpa)
{
	uint32_t offset = gpa & ~PAGE_MASK;
	uint32_t reg = offset & ~3u, shift = 8 * (offset & 3);
	uint32_t old = vlapic_mmio_read(&v->lapic, reg);
	struct vlapic_ipi ipi;
	struct insn_mem st;
	int rc = decode_access(v, &st);

	if (rc)
		return rc;
	if (st.string)
		return -EOPNOTSUPP;
	if (!st.load && st.size >= 4 && !shift &&
	    vlapic_mmio_write(&v->lapic, reg, (uint32_t)store_value(v, &st), &ipi) == 1)
		vcpu_send_ipi(v, &ipi);
	complete_access(v, &st, old >> shift);
	return 0;
}

int hvm_mmio_access(struct vcpu *v, uint64_t gpa, bool mapped, bool write)
{
	int rc;

	if (!v->domain->passthrough && !mapped) {
		return vlapic_mmio_page(&v->lapic, gpa) ? emulate_vlapic_mmio(v, gpa)
							 : emulate_nothing(v);
	}
	if (!v->domain->is_privileged || !write || (gpa & PAGE_MASK) != dom0_lapic_base)
		return -EPERM;
	rc = emulate_lapic_write(v, gpa);
	if (rc)
		pr_err("d%uv%u: cannot emulate the write to LAPIC register %#lx (%d)\n",
		       v->domain->id, v->id, gpa & ~PAGE_MASK, rc);
	return rc;
}
