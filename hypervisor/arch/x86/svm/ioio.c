/*
 * Intercepted I/O ports: all of them for a domain without devices, and for
 * dom0 (whose ports are its own) Linux's probe of Xen's emulated-device
 * unplug port (0x10, docs/design.md "The Xen guest ABI"): on a PC that port
 * is the DMA controller, whose state a read would change. hvm/io.c answers
 * as a port with nothing behind it.
 */
#include <asm/svm.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/string.h>

#define IOPM_SIZE (12 * 1024)
#define XEN_UNPLUG_PORT 0x10
#define XEN_UNPLUG_PORT_LAST 0x11 /* Linux reads it with inw */

void svm_iopm_init(uint8_t *iopm, bool passthrough)
{
	/* A domain without devices has no ports at all: every access exits. */
	memset(iopm, passthrough ? 0 : 0xff, IOPM_SIZE);
	for (unsigned int port = XEN_UNPLUG_PORT; port <= XEN_UNPLUG_PORT_LAST; port++)
		iopm[port / 8] |= 1u << (port % 8);
}

void svm_handle_ioio(struct vcpu *v)
{
	const struct vmcb *vmcb = v->svm.vmcb;
	uint64_t info = vmcb->control.exitinfo1;
	struct hvm_io io = {
		.size = info & VMCB_IOIO_SZ32 ? 4 : info & VMCB_IOIO_SZ16 ? 2 : 1,
		.in = info & VMCB_IOIO_IN,
		.string = info & VMCB_IOIO_STR,
		.rep = info & VMCB_IOIO_REP,
		/* exitinfo2 is where the next instruction starts. */
		.len = (unsigned int)(vmcb->control.exitinfo2 - vmcb->save.rip),
	};

	if (hvm_handle_absent_io(v, &io) == 0)
		return;
	pr_err("d%uv%u: string I/O at port %#x that tern cannot carry out\n", v->domain->id, v->id,
	       (unsigned int)(info >> 16));
	domain_crash(v->domain, "port I/O tern cannot carry out");
}
