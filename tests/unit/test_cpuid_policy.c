/*
 * The CPUID policy (asm/cpuid_policy.h) on a made-up host that has every
 * feature tern must hide: VMX, SMX and SVM, x2APIC, the TSC-deadline timer,
 * MTRRs and machine checks, and leaves up to 0xd and 0x80000021.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <asm/cpuid_policy.h>
#include <asm/x86-defs.h>
#include <public/hvm.h>

#define L1_ECX_X2APIC (1u << 21)
#define L1_ECX_TSC_DEADLINE (1u << 24)
#define L1_ECX_HYPERVISOR (1u << 31)
#define L1_EDX_MCE (1u << 7)
#define L1_EDX_APIC (1u << 9)
#define L1_EDX_MTRR (1u << 12)
#define L1_EDX_MCA (1u << 14)
#define L1_EDX_FPU (1u << 0)
#define EXT1_ECX_SVM (1u << 2)
#define HOST_APIC_ID 7u

static struct cpuid_regs fake_cpuid(uint32_t leaf, uint32_t subleaf)
{
	(void)subleaf;
	switch (leaf) {
	case 0:
		return (struct cpuid_regs){ 0xd, 0x68747541, 0x444d4163, 0x69746e65 };
	case 1:
		return (struct cpuid_regs){ 0x00a00f11, HOST_APIC_ID << 24 | 0x0800,
					    L1_ECX_VMX | L1_ECX_SMX | L1_ECX_X2APIC | L1_ECX_TSC_DEADLINE,
					    L1_EDX_FPU | L1_EDX_MCE | L1_EDX_APIC | L1_EDX_MTRR | L1_EDX_MCA };
	case 0xb:
		return (struct cpuid_regs){ 1, 1, 0x100, HOST_APIC_ID };
	case 0x80000000:
		return (struct cpuid_regs){ 0x80000021, 0, 0, 0 };
	case 0x80000001:
		return (struct cpuid_regs){ 0, 0, EXT1_ECX_SVM | 1, 0 };
	case 0x8000000a:
		return (struct cpuid_regs){ 1, 16, 0, 0x1ff };
	case 0x8000001e:
		return (struct cpuid_regs){ HOST_APIC_ID, 0, 0, 0 };
	default:
		return (struct cpuid_regs){ leaf, leaf, leaf, leaf };
	}
}

static const struct xstate_host no_xsave; /* xstate policy has its own tests */
static const struct cpuid_host host = { fake_cpuid, &no_xsave };

static const struct cpuid_guest dom0 = { .passthrough = true, .vcpu_id = 0, .domid = 0 };
static const struct cpuid_guest domu = {
	.apic_enabled = true, .apic_id = 4, .vcpu_id = 2, .domid = 5,
};

static void test_no_nesting_for_anyone(void **state)
{
	(void)state;
	const struct cpuid_guest *guests[] = { &dom0, &domu };

	for (unsigned int i = 0; i < 2; i++) {
		struct cpuid_regs l1 = cpuid_policy(&host, guests[i], 1, 0);
		struct cpuid_regs e1 = cpuid_policy(&host, guests[i], 0x80000001, 0);
		struct cpuid_regs svm = cpuid_policy(&host, guests[i], 0x8000000a, 0);

		assert_int_equal(l1.ecx & (L1_ECX_VMX | L1_ECX_SMX), 0);
		assert_true(l1.ecx & L1_ECX_HYPERVISOR);
		assert_int_equal(e1.ecx, 1); /* SVM gone, the rest kept */
		assert_int_equal(svm.eax | svm.ebx | svm.ecx | svm.edx, 0);
	}
}

static void test_dom0_keeps_its_apic_without_x2apic(void **state)
{
	(void)state;
	struct cpuid_regs l1 = cpuid_policy(&host, &dom0, 1, 0);
	struct cpuid_regs topo = cpuid_policy(&host, &dom0, 0xb, 0);

	assert_int_equal(l1.ecx & L1_ECX_X2APIC, 0);
	assert_int_equal(l1.ebx >> 24, HOST_APIC_ID);
	assert_int_equal(l1.edx, L1_EDX_FPU | L1_EDX_MCE | L1_EDX_APIC | L1_EDX_MTRR | L1_EDX_MCA);
	assert_int_equal(topo.edx, HOST_APIC_ID);
}

static void test_domu_sees_its_virtual_apic(void **state)
{
	(void)state;
	struct cpuid_guest off = domu;
	struct cpuid_regs l1 = cpuid_policy(&host, &domu, 1, 0);

	assert_true(l1.ecx & L1_ECX_X2APIC);
	assert_int_equal(l1.ecx & L1_ECX_TSC_DEADLINE, 0);
	assert_int_equal(l1.edx, L1_EDX_FPU | L1_EDX_APIC);
	assert_int_equal(l1.ebx, 4u << 24 | 0x0800);
	assert_int_equal(cpuid_policy(&host, &domu, 0xb, 0).edx, 4);
	assert_int_equal(cpuid_policy(&host, &domu, 0x1f, 0).edx, 4);
	assert_int_equal(cpuid_policy(&host, &domu, 0x8000001e, 0).eax, 4);
	/* APIC_BASE's enable bit off: the APIC bit goes, as on hardware. */
	off.apic_enabled = false;
	assert_int_equal(cpuid_policy(&host, &off, 1, 0).edx, L1_EDX_FPU);
}

static void test_xen_leaves(void **state)
{
	(void)state;
	struct cpuid_regs sig = cpuid_policy(&host, &domu, XEN_CPUID_FIRST_LEAF, 0);
	struct cpuid_regs ver = cpuid_policy(&host, &domu, XEN_CPUID_FIRST_LEAF + 1, 0);
	struct cpuid_regs page = cpuid_policy(&host, &domu, XEN_CPUID_FIRST_LEAF + 2, 0);
	struct cpuid_regs hvm = cpuid_policy(&host, &domu, XEN_CPUID_FIRST_LEAF + 4, 0);

	assert_int_equal(sig.eax, XEN_CPUID_FIRST_LEAF + 4);
	assert_int_equal(sig.ebx, XEN_CPUID_SIGNATURE_EBX);
	assert_int_equal(sig.ecx, XEN_CPUID_SIGNATURE_ECX);
	assert_int_equal(sig.edx, XEN_CPUID_SIGNATURE_EDX);
	assert_int_equal(ver.eax, 4u << 16 | 17);
	assert_int_equal(page.eax, 1);
	assert_int_equal(page.ebx, XEN_HYPERCALL_PAGE_MSR);
	assert_true(hvm.eax & XEN_HVM_CPUID_UPCALL_VECTOR);
	assert_int_equal(hvm.ebx, 2);
	assert_int_equal(hvm.ecx, 5);
	/* The rest of the hypervisor range, and leaf 3, read as zero. */
	for (uint32_t leaf = XEN_CPUID_FIRST_LEAF + 3; leaf <= 0x400000ff; leaf += 0x3c) {
		struct cpuid_regs r = cpuid_policy(&host, &domu, leaf, 0);

		if (leaf == XEN_CPUID_FIRST_LEAF + 4)
			continue;
		assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
}

static void test_leaves_the_host_lacks_read_zero(void **state)
{
	(void)state;
	const uint32_t missing[] = { 0xe, 0x1f, 0x80000022, 0x90000000, 0xc0000000 };

	for (unsigned int i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		struct cpuid_regs r = cpuid_policy(&host, &dom0, missing[i], 0);

		assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
	/* One it has comes through. */
	assert_int_equal(cpuid_policy(&host, &dom0, 0x80000008, 0).eax, 0x80000008);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_nesting_for_anyone),
		cmocka_unit_test(test_dom0_keeps_its_apic_without_x2apic),
		cmocka_unit_test(test_domu_sees_its_virtual_apic),
		cmocka_unit_test(test_xen_leaves),
		cmocka_unit_test(test_leaves_the_host_lacks_read_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
