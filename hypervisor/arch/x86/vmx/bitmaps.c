/*
 * A domain's I/O and MSR bitmaps under VMX, built from the same policies as
 * SVM's permission maps (hvm_io_bitmap_init, asm/msr_policy.h). Bitmaps A
 * and B are one bit per port for ports 0-0xffff, the layout of SVM's I/O
 * map. The MSR bitmap has a read and a write bit per MSR for 0-0x1fff and
 * 0xc0000000-0xc0001fff; every other MSR always exits, so it is denied
 * unless hvm/msr.c's policy answers for it.
 */
#include <asm/msr_policy.h>
#include <asm/vmx_ops.h>
#include <tern/domain.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/string.h>

#define IO_BITMAPS_ORDER 1 /* A and B, one page each */
#define MSR_BITMAP_SIZE 4096
#define MSR_LOW_LAST 0x1fff
#define MSR_HIGH_FIRST 0xc0000000
#define MSR_HIGH_LAST 0xc0001fff
#define MSR_BITMAP_WRITE 2048 /* the write bits follow the read bits */
#define MSR_BITMAP_HIGH 1024  /* in each half, the high MSRs follow the low ones */
/* VT-x's own MSRs: the guest sees no VMX (cpuid_policy.c), so they #GP. */
#define MSR_VMX_FIRST 0x480
#define MSR_VMX_LAST 0x491

static void msr_bitmap_set(void *map, uint32_t msr, bool read, bool write, bool exit)
{
	uint8_t *m = map;
	unsigned int base;

	if (msr <= MSR_LOW_LAST)
		base = 0;
	else if (msr - MSR_HIGH_FIRST <= MSR_HIGH_LAST - MSR_HIGH_FIRST)
		base = MSR_BITMAP_HIGH, msr -= MSR_HIGH_FIRST;
	else
		return; /* always exits */
	for (unsigned int w = 0; w < 2; w++) {
		uint8_t *byte = &m[base + (w ? MSR_BITMAP_WRITE : 0) + msr / 8];

		if (!(w ? write : read))
			continue;
		if (exit)
			*byte |= (uint8_t)(1u << (msr % 8));
		else
			*byte &= (uint8_t)~(1u << (msr % 8));
	}
}

int vmx_bitmaps_init(struct domain *d)
{
	uint8_t *io = alloc_pages(IO_BITMAPS_ORDER), *msr = alloc_pages(0);

	if (!io || !msr) {
		if (io)
			free_pages(io, IO_BITMAPS_ORDER);
		if (msr)
			free_pages(msr, 0);
		return -ENOMEM;
	}
	hvm_io_bitmap_init(io, 2 * PAGE_SIZE, d->passthrough);
	memset(msr, d->passthrough ? 0 : 0xff, MSR_BITMAP_SIZE);
	hvm_msr_policy_apply(msr, d->passthrough, msr_bitmap_set);
	msr_bitmap_set(msr, MSR_IA32_FEATURE_CONTROL, true, true, true);
	for (uint32_t m = MSR_VMX_FIRST; m <= MSR_VMX_LAST; m++)
		msr_bitmap_set(msr, m, true, true, true);
	d->vmx.io_bitmap_pa = (uintptr_t)io;
	d->vmx.msr_bitmap_pa = (uintptr_t)msr;
	return 0;
}

void vmx_bitmaps_free(struct domain *d)
{
	if (d->vmx.io_bitmap_pa)
		free_pages((void *)(uintptr_t)d->vmx.io_bitmap_pa, IO_BITMAPS_ORDER);
	if (d->vmx.msr_bitmap_pa)
		free_pages((void *)(uintptr_t)d->vmx.msr_bitmap_pa, 0);
	d->vmx.io_bitmap_pa = d->vmx.msr_bitmap_pa = 0;
}
