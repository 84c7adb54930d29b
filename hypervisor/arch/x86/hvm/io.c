/*
 * Port I/O with nothing behind it, as on a PC where no device decodes the
 * port: reads see all-ones, writes go nowhere. INS and OUTS still move
 * through memory: INS stores all-ones at es:rdi, OUTS reads ds:rsi for
 * nothing, element by element with rdi/rsi/rcx as the CPU leaves them and
 * the guest's faults on bad addresses (mmio_string.c).
 */
#include <asm/insn.h>
#include <tern/domain.h>
#include <tern/errno.h>

/* The INS or OUTS the exit reported, decoded again from guest memory (for
 * its segment override and address size), then carried out a batch at a time. */
static int absent_string_io(struct vcpu *v, const struct hvm_io *io)
{
	struct insn_mem st;
	int rc = hvm_decode_insn(v, &st);

	if (rc)
		return rc;
	/* Not what exited: the guest changed its code since. */
	if (st.string != (io->in ? INSN_INS : INSN_OUTS) || st.size != io->size ||
	    st.rep != io->rep || st.len != io->len)
		return -EINVAL;
	return hvm_emulate_string(v, &st);
}

int hvm_handle_absent_io(struct vcpu *v, const struct hvm_io *io)
{
	uint64_t *rax = hvm->gpr(v, 0);

	if (io->string)
		return absent_string_io(v, io);
	if (io->in) {
		/* An IN of 8 or 16 bits keeps the rest of rax; one of 32 bits zero-extends. */
		*rax = io->size == 4 ? 0xffffffffull : *rax | ((1ull << (8 * io->size)) - 1);
	}
	hvm->advance_rip(v, io->len);
	return 0;
}
