/*
 * Finding Xen (its CPUID leaves) and installing the hypercall page.
 */
#include "lib.h"

#include <public/hvm.h>

uint32_t xen_cpuid_base;

domid_t guest_domid(void)
{
	uint32_t r[4];

	cpuid(xen_cpuid_base + 4, 0, r);
	return (r[0] & XEN_HVM_CPUID_DOMID_PRESENT) ? (domid_t)r[2] : 0;
}

uint8_t hypercall_page[PAGE_SIZE] __aligned(PAGE_SIZE);
bool hypercall_page_ready;
bool hypercall_vmcall;

#define VENDOR_AMD_EBX 0x68747541   /* "Auth" */
#define VENDOR_HYGON_EBX 0x6f677948 /* "Hygo" */

/* Xen's leaves: base 0x40000000 + n * 0x100 with "XenVMMXenVMM" and at
 * least leaves base+1 (version) and base+2 (hypercall page). Also picks
 * the direct hypercall instruction, as Linux does: VMMCALL on AMD and
 * Hygon, VMCALL elsewhere (the other one is #UD). */
uint32_t find_xen_leaves(void)
{
	uint32_t v[4];

	cpuid(0, 0, v);
	hypercall_vmcall = v[1] != VENDOR_AMD_EBX && v[1] != VENDOR_HYGON_EBX;
	for (uint32_t base = XEN_CPUID_FIRST_LEAF; base < 0x40010000; base += 0x100) {
		uint32_t r[4];

		cpuid(base, 0, r);
		if (r[1] == XEN_CPUID_SIGNATURE_EBX && r[2] == XEN_CPUID_SIGNATURE_ECX &&
		    r[3] == XEN_CPUID_SIGNATURE_EDX &&
		    r[0] - base >= 2)
			return base;
	}
	return 0;
}

/* tern writes one stub per hypercall into the page whose address the guest
 * writes to the MSR that leaf base+2 names. */
void setup_hypercall_page(void)
{
	uint32_t r[4];

	cpuid(xen_cpuid_base + 2, 0, r);
	if (r[0] < 1) {
		test_failure("CPUID %#x: %u hypercall pages", xen_cpuid_base + 2, r[0]);
		return;
	}
	if (wrmsr_safe(r[1], (uintptr_t)hypercall_page) != TRAP_NONE) {
		test_failure("wrmsr %#x (hypercall page) faulted with vector %d", r[1], trap_caught);
		return;
	}
	/* Check the stubs the library itself calls before using the page. */
	static const unsigned int used[] = { __HYPERVISOR_console_io, __HYPERVISOR_sched_op };

	for (unsigned int i = 0; i < ARRAY_SIZE(used); i++) {
		const uint8_t *stub = hypercall_page + used[i] * XEN_HYPERCALL_STUB_SIZE;
		bool zero = true, int3 = true;

		for (unsigned int b = 0; b < XEN_HYPERCALL_STUB_SIZE; b++) {
			zero &= stub[b] == 0;
			int3 &= stub[b] == 0xcc;
		}
		if (zero || int3) {
			test_failure("hypercall page stub %u not filled (%s)", used[i],
				     zero ? "zeros" : "int3");
			return;
		}
	}
	hypercall_page_ready = true;
}
