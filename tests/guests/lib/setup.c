/*
 * What runs around a test: find Xen's CPUID leaves, install the hypercall
 * page, run test_main(), print the result and power the domain off.
 */
#include "lib.h"

#include <public/hvm.h>
#include <public/sched.h>

uint32_t xen_cpuid_base;

domid_t guest_domid(void)
{
	uint32_t r[4];

	cpuid(xen_cpuid_base + 4, 0, r);
	return (r[0] & XEN_HVM_CPUID_DOMID_PRESENT) ? (domid_t)r[2] : 0;
}

uint8_t hypercall_page[PAGE_SIZE] __aligned(PAGE_SIZE);
bool hypercall_page_ready;

enum result { RESULT_SUCCESS, RESULT_SKIP, RESULT_ERROR, RESULT_FAILURE };
static const char *const result_names[] = { "SUCCESS", "SKIP", "ERROR", "FAILURE" };
static enum result result = RESULT_SUCCESS;
static char result_reason[200];

static void record(enum result r, const char *fmt, va_list ap)
{
	char msg[sizeof(result_reason)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	printf("%s: %s\n", result_names[r], msg);
	if (r > result) {
		result = r;
		memcpy(result_reason, msg, sizeof(msg));
	}
}

void test_success(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(RESULT_SUCCESS, fmt, ap);
	va_end(ap);
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(RESULT_SKIP, fmt, ap);
	va_end(ap);
}

void test_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(RESULT_ERROR, fmt, ap);
	va_end(ap);
}

void test_failure(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(RESULT_FAILURE, fmt, ap);
	va_end(ap);
}

bool test_has_failed(void)
{
	return result >= RESULT_ERROR;
}

void test_end(void)
{
	irq_disable();
	if (result == RESULT_SUCCESS)
		printf("Test result: SUCCESS\n");
	else
		printf("Test result: %s %s\n", result_names[result], result_reason);
	if (xen_cpuid_base) {
		struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };
		long rc = sched_op(SCHEDOP_shutdown, &sd);

		printf("SCHEDOP_shutdown(poweroff) returned %ld\n", rc);
	}
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Xen's leaves: base 0x40000000 + n * 0x100 with "XenVMMXenVMM" and at
 * least leaves base+1 (version) and base+2 (hypercall page). */
static uint32_t find_xen_leaves(void)
{
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
static void setup_hypercall_page(void)
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

static bool cmdline_has(const char *word)
{
	const struct hvm_start_info *si = start_info();
	const char *p = (const char *)(uintptr_t)si->cmdline_paddr;
	size_t n = strlen(word);

	if (!si->cmdline_paddr)
		return false;
	for (; *p; p++)
		if (!memcmp(p, word, n) && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

void lib_main(void);
void lib_main(void)
{
	traps_init();
	xen_cpuid_base = find_xen_leaves();
	printf("Guest: %s\n", test_title);
	if (!xen_cpuid_base) {
		test_skip("no Xen");
		/* For checking the library itself on bare QEMU (its PVH loader):
		 * run the test anyway; hypercalls then end it with ERROR (#UD). */
		if (!cmdline_has("guest_selftest"))
			test_end();
	}
	if (xen_cpuid_base)
		setup_hypercall_page();
	if (test_has_failed())
		test_end();
	test_main();
	test_end();
}
