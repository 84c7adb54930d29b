/*
 * Intercepted port I/O: which ports exit (the bitmap both vendors use, one
 * bit per port), and ports with nothing behind them, as on a PC where no
 * device decodes the port: reads see all-ones, writes go nowhere. INS and
 * OUTS still move through memory: INS stores all-ones at es:rdi, OUTS
 * reads ds:rsi for nothing, element by element with rdi/rsi/rcx as the CPU
 * leaves them and the guest's faults on bad addresses (mmio_string.c).
 *
 * A domain without devices has no ports: all of them exit. dom0's ports are
 * its own, except Linux's probe of Xen's emulated-device unplug port (0x10,
 * docs/design.md "The Xen guest ABI"): on a PC that port is the DMA
 * controller, whose state a read would change.
 */
#include <asm/insn.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/errno.h>
#include <tern/string.h>

#define XEN_UNPLUG_PORT 0x10
#define XEN_UNPLUG_PORT_LAST 0x11 /* Linux reads it with inw */

void hvm_io_bitmap_init(uint8_t *map, size_t bytes, bool passthrough)
{
	memset(map, passthrough ? 0 : 0xff, bytes);
	for (unsigned int port = XEN_UNPLUG_PORT; port <= XEN_UNPLUG_PORT_LAST; port++)
		map[port / 8] |= 1u << (port % 8);
}

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

void hvm_handle_absent_io(struct vcpu *v, const struct hvm_io *io)
{
	uint64_t *rax = hvm->gpr(v, 0);

	if (io->string) {
		if (absent_string_io(v, io) == 0)
			return;
		pr_err("d%uv%u: string I/O at port %#x that tern cannot carry out\n",
		       v->domain->id, v->id, io->port);
		domain_crash(v->domain, "port I/O tern cannot carry out");
		return;
	}
	if (io->in) {
		/* An IN of 8 or 16 bits keeps the rest of rax; one of 32 bits zero-extends. */
		*rax = io->size == 4 ? 0xffffffffull : *rax | ((1ull << (8 * io->size)) - 1);
	}
	hvm->advance_rip(v, io->len);
}
