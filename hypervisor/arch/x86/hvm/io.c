/*
 * Intercepted port I/O: which ports exit (the bitmap both vendors use, one
 * bit per port), and ports with nothing behind them: reads see all-ones,
 * writes go nowhere.
 *
 * A domain without devices has no ports: all of them exit. dom0's ports are
 * its own, except Linux's probe of Xen's emulated-device unplug port (0x10,
 * docs/design.md "The Xen guest ABI"): on a PC that port is the DMA
 * controller, whose state a read would change.
 */
#include <tern/domain.h>
#include <tern/string.h>

#define XEN_UNPLUG_PORT 0x10
#define XEN_UNPLUG_PORT_LAST 0x11 /* Linux reads it with inw */

void hvm_io_bitmap_init(uint8_t *map, size_t bytes, bool passthrough)
{
	memset(map, passthrough ? 0 : 0xff, bytes);
	for (unsigned int port = XEN_UNPLUG_PORT; port <= XEN_UNPLUG_PORT_LAST; port++)
		map[port / 8] |= 1u << (port % 8);
}

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
