/*
 * hypercall_page: the Xen CPUID leaves, the hypercall page and xen_version.
 * Proves: the leaves carry the signature and a 4.x version, the page written
 * through the MSR holds a "mov $nr, %eax" stub per hypercall, and every
 * XENVER_* command a guest or `xl info` uses answers in Xen's format. As an
 * unprivileged domain (no SIF_PRIVILEGED in its start info) it gets what Xen
 * gives one: the command line masked as "<denied>" (those 9 bytes written,
 * the rest of the buffer untouched) and -EPERM for the build id.
 * Cannot tell: whether the strings' contents are right, only their form.
 */
#include "lib.h"

#include <public/hvm.h>
#include <public/version.h>

const char test_title[] = "Xen CPUID leaves, hypercall page, xen_version";

/* Checks that a string command fills buf with a NUL-terminated string. */
static void check_string(int cmd, const char *name, void *buf, size_t size)
{
	memset(buf, 0xa5, size);
	long rc = xen_version(cmd, buf);

	if (rc != 0)
		return test_failure("xen_version(%s): %ld", name, rc);
	if (strnlen(buf, size) == size)
		return test_failure("xen_version(%s): not NUL-terminated", name);
	printf("%s: '%.*s'\n", name, 100, (const char *)buf);
}

static void check_stubs(void)
{
	static const unsigned int nrs[] = { 12, 17, 18, 20, 24, 29, 32, 34 };

	for (unsigned int i = 0; i < ARRAY_SIZE(nrs); i++) {
		const uint8_t *stub = hypercall_page + nrs[i] * XEN_HYPERCALL_STUB_SIZE;
		uint32_t imm;

		memcpy(&imm, stub + 1, 4);
		if (stub[0] != 0xb8 || imm != nrs[i])
			test_failure("stub %u does not start with mov $%u, %%eax: %02x %02x %02x %02x %02x",
				     nrs[i], nrs[i], stub[0], stub[1], stub[2], stub[3], stub[4]);
	}
}

/* What Xen gives an unprivileged domain for the two privileged commands. */
static void check_denied(struct xen_build_id *id)
{
	static const char denied[] = "<denied>";
	char buf[sizeof(xen_commandline_t)];
	long rc;

	memset(buf, 0xa5, sizeof(buf));
	rc = xen_version(XENVER_commandline, buf);
	printf("commandline: rc %ld '%.*s'\n", rc, 100, buf);
	if (rc != 0 || memcmp(buf, denied, sizeof(denied)) != 0)
		test_failure("XENVER_commandline as a domU: rc %ld '%.*s', expected 0 and '%s'",
			     rc, 100, buf, denied);
	for (size_t i = sizeof(denied); i < sizeof(buf); i++)
		if ((uint8_t)buf[i] != 0xa5)
			return test_failure("XENVER_commandline as a domU wrote byte %zu", i);
	id->len = 64;
	rc = xen_version(XENVER_build_id, id);
	printf("build_id: rc %ld\n", rc);
	if (rc != -EPERM)
		test_failure("XENVER_build_id as a domU returned %ld, expected -EPERM", rc);
}

void test_main(void)
{
	bool privileged = start_info()->flags & SIF_PRIVILEGED;
	uint32_t r[4];
	static union {
		char str[1024];
		struct xen_compile_info ci;
		struct xen_build_id id;
		uint8_t raw[1024];
	} buf;

	cpuid(xen_cpuid_base, 0, r);
	printf("CPUID base %#x: max leaf %#x\n", xen_cpuid_base, r[0]);
	if (r[0] < xen_cpuid_base + 2 || r[0] > xen_cpuid_base + 0xff)
		test_failure("CPUID base: max leaf %#x out of [base+2, base+0xff]", r[0]);
	cpuid(xen_cpuid_base + 1, 0, r);
	uint32_t cpuid_version = r[0];

	if (cpuid_version >> 16 != 4)
		test_failure("CPUID base+1: version %#x, expected 4.x", cpuid_version);
	cpuid(xen_cpuid_base + 2, 0, r);
	if (r[0] != 1 || r[1] != XEN_HYPERCALL_PAGE_MSR)
		test_failure("CPUID base+2: %u pages, MSR %#x; expected 1 and %#x", r[0], r[1],
			     XEN_HYPERCALL_PAGE_MSR);
	check_stubs();

	long ver = xen_version(XENVER_version, NULL);

	printf("XENVER_version: %ld.%ld\n", ver >> 16, ver & 0xffff);
	if (ver < 0 || ver >> 16 != 4)
		test_failure("XENVER_version returned %#lx, expected major 4", ver);
	if ((uint32_t)ver != cpuid_version)
		test_failure("XENVER_version %#lx differs from CPUID base+1 %#x", ver, cpuid_version);

	struct xen_feature_info fi = { .submap_idx = 0 };
	long rc = xen_version(XENVER_get_features, &fi);

	printf("XENVER_get_features(0): rc %ld submap %#x\n", rc, fi.submap);
	if (rc != 0 || !(fi.submap & (1u << XENFEAT_auto_translated_physmap)))
		test_failure("get_features: rc %ld submap %#x lacks auto_translated_physmap",
			     rc, fi.submap);
	rc = xen_version(XENVER_pagesize, NULL);
	if (rc != PAGE_SIZE)
		test_failure("XENVER_pagesize returned %ld", rc);

	check_string(XENVER_extraversion, "extraversion", buf.str, sizeof(xen_extraversion_t));
	check_string(XENVER_capabilities, "capabilities", buf.str, sizeof(xen_capabilities_info_t));
	check_string(XENVER_changeset, "changeset", buf.str, sizeof(xen_changeset_info_t));
	memset(&buf, 0xa5, sizeof(buf));
	rc = xen_version(XENVER_compile_info, &buf.ci);
	if (rc != 0 || strnlen(buf.ci.compiler, 64) == 64 || strnlen(buf.ci.compile_by, 16) == 16 ||
	    strnlen(buf.ci.compile_domain, 32) == 32 || strnlen(buf.ci.compile_date, 32) == 32)
		test_failure("XENVER_compile_info: rc %ld or a field not NUL-terminated", rc);
	else
		printf("compile_info: '%s' by '%s' '%s' on '%s'\n", buf.ci.compiler,
		       buf.ci.compile_by, buf.ci.compile_domain, buf.ci.compile_date);

	if (!privileged)
		return check_denied(&buf.id);
	check_string(XENVER_commandline, "commandline", buf.str, sizeof(xen_commandline_t));
	/* build_id: len is the room in buf; too little is -ENOBUFS, enough
	 * returns the id's length (a SHA-1 build id, as `xl info` shows). */
	buf.id.len = 1;
	rc = xen_version(XENVER_build_id, &buf.id);
	if (rc != -ENOBUFS)
		test_failure("XENVER_build_id with 1 byte of room returned %ld, expected -ENOBUFS", rc);
	buf.id.len = sizeof(buf) - sizeof(buf.id);
	rc = xen_version(XENVER_build_id, &buf.id);
	printf("build_id: rc %ld\n", rc);
	if (rc != 20)
		test_failure("XENVER_build_id with room returned %ld, expected 20 bytes", rc);
}
