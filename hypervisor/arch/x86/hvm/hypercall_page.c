/*
 * The hypercall page: a guest writes its guest-physical address to the MSR
 * Xen's CPUID leaf names, and tern fills it with one 32-byte stub per
 * hypercall: "mov $nr, %eax; vmmcall; ret" (VMCALL on Intel: hvm_ops),
 * int3 between them. It is written like any copy to the guest: only into
 * RAM the guest may write (p2m_copy_to).
 */
#include <public/xen.h>
#include <tern/errno.h>
#include <tern/hypercall.h>
#include <tern/p2m.h>
#include <tern/string.h>

int hypercall_page_install(struct domain *d, uint64_t msr_value)
{
	uint8_t stub[XEN_HYPERCALL_STUB_SIZE];

	/* Low bits select a page of a multi-page area: tern has one page. */
	if (msr_value & ~PAGE_MASK)
		return -EINVAL;
	for (uint32_t nr = 0; nr < PAGE_SIZE / XEN_HYPERCALL_STUB_SIZE; nr++) {
		memset(stub, 0xcc, sizeof(stub)); /* int3 between the stubs */
		if (nr < XEN_NR_HYPERCALLS) {
			stub[0] = 0xb8; /* mov $nr, %eax */
			memcpy(stub + 1, &nr, 4);
			memcpy(stub + 5, hvm->hypercall_insn, sizeof(hvm->hypercall_insn));
			stub[8] = 0xc3; /* ret */
		}
		if (p2m_copy_to(d, msr_value + nr * sizeof(stub), stub, sizeof(stub)))
			return -EFAULT;
	}
	return 0;
}
