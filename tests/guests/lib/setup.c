/*
 * What runs around a test: find Xen's CPUID leaves, install the hypercall
 * page, run test_main(), print the result and power the domain off.
 */
#include "lib.h"

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
