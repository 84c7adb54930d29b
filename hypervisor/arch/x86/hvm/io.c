/* Port I/O with nothing behind it: reads see all-ones, writes go nowhere. */
#include <tern/domain.h>

void hvm_handle_absent_io(struct vcpu *v, const struct hvm_io *io)
{
	uint64_t *rax = hvm->gpr(v, 0);

	if (io->string) {
		/* String I/O to nothing: the whole repetition is done at once.
		 * (rsi/rdi and the memory INS would fill are left alone.) */
		if (io->rep)
			*hvm->gpr(v, 1) = 0;
	} else if (io->in) {
		/* An IN of 8 or 16 bits keeps the rest of rax; one of 32 bits zero-extends. */
		*rax = io->size == 4 ? 0xffffffffull : *rax | ((1ull << (8 * io->size)) - 1);
	}
	hvm->advance_rip(v, io->len);
}
