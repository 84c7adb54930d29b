/*
 * Intercepted I/O ports: all of them for a domain without devices, and for
 * dom0 (whose ports are its own) Linux's probe of Xen's emulated-device
 * unplug port (0x10, docs/design.md "The Xen guest ABI"): on a PC that port is the DMA
 * controller, whose state a read would change. Reads see all-ones (nothing
 * there), writes go nowhere.
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
	uint64_t info = v->svm.vmcb->control.exitinfo1;
	unsigned int size = info & VMCB_IOIO_SZ32 ? 4 : info & VMCB_IOIO_SZ16 ? 2 : 1;

	if (info & (VMCB_IOIO_STR | VMCB_IOIO_REP)) {
		/* String I/O to nothing: the whole repetition is done at once. */
		if (info & VMCB_IOIO_REP)
			v->regs.rcx = 0;
		v->svm.vmcb->save.rip = v->svm.vmcb->control.exitinfo2;
		return;
	}
	/* An IN of 8 or 16 bits keeps the rest of rax; one of 32 bits zero-extends. */
	if (info & VMCB_IOIO_IN)
		v->svm.vmcb->save.rax = size == 4 ? 0xffffffffull
					      : v->svm.vmcb->save.rax | ((1ull << (8 * size)) - 1);
	v->svm.vmcb->save.rip = v->svm.vmcb->control.exitinfo2; /* the next instruction */
}
