/*
 * Intercepted I/O ports (which ones: hvm_io_bitmap_init), decoded from the
 * exit information; hvm/io.c answers as a port with nothing behind it.
 */
#include <asm/svm.h>
#include <tern/domain.h>

#define IOPM_SIZE (12 * 1024)

void svm_iopm_init(uint8_t *iopm, bool passthrough)
{
	hvm_io_bitmap_init(iopm, IOPM_SIZE, passthrough);
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
		.port = (uint16_t)(info >> 16),
	};

	hvm_handle_absent_io(v, &io);
}
