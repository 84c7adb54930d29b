/*
 * The hypercall page: a guest writes its guest-physical address to the MSR
 * Xen's CPUID leaf names, and tern fills it with one 32-byte stub per
 * hypercall: "mov $nr, %eax; vmmcall; ret" (AMD; VMCALL on Intel later).
 */
#include <asm/npt_build.h>
#include <public/xen.h>
#include <tern/errno.h>
#include <tern/hypercall.h>
#include <tern/string.h>

extern struct npt_mem hypervisor_npt_mem;

static const uint8_t vmmcall[] = { 0x0f, 0x01, 0xd9 };

int hypercall_page_install(struct domain *d, uint64_t msr_value)
{
	uint64_t hpa;
	uint8_t *page;

	/* Low bits select a page of a multi-page area: tern has one page. */
	if (msr_value & ~PAGE_MASK)
		return -EINVAL;
	if (npt_translate(&hypervisor_npt_mem, d->npt_root, msr_value, &hpa, NULL))
		return -EINVAL;
	page = (uint8_t *)(uintptr_t)hpa;
	memset(page, 0xcc, PAGE_SIZE); /* int3 between the stubs */
	for (uint32_t nr = 0; nr < XEN_NR_HYPERCALLS; nr++) {
		uint8_t *stub = page + nr * XEN_HYPERCALL_STUB_SIZE;

		stub[0] = 0xb8; /* mov $nr, %eax */
		memcpy(stub + 1, &nr, 4);
		memcpy(stub + 5, vmmcall, sizeof(vmmcall));
		stub[8] = 0xc3; /* ret */
	}
	return 0;
}
