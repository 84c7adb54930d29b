/* xl mem-max, mem-set and rename on canned data: sizes, what they write, libxl's checks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xl_canned.h"

#define TARGET "/local/domain/3/memory/target"
#define STATIC_MAX "/local/domain/3/memory/static-max"
#define UUID "5a1e0000-0000-4000-8000-000000000003"

/* Domain 3 ("web", 128 MiB of 256 MiB static-max) and 4 ("db") beside dom0. */
static void add_guests(void)
{
	static const uint8_t handle[16] = { 0x5a, 0x1e, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0,
					    0, 3 };
	struct tern_domaininfo *web = &canned.doms[1], *db = &canned.doms[2];

	web->domain = 3;
	web->flags = TERN_DOMINF_hvm_guest | TERN_DOMINF_blocked;
	web->tot_pages = 32768;
	web->max_pages = 32768;
	memcpy(web->handle, handle, sizeof(handle));
	db->domain = 4;
	db->flags = TERN_DOMINF_hvm_guest | TERN_DOMINF_blocked;
	canned.names[1] = "web";
	canned.names[2] = "db";
	canned.ndoms = 3;
	canned_xs_set(TARGET, "131072");
	canned_xs_set(STATIC_MAX, "262144");
	canned_xs_set("/local/domain/3/memory/videoram", "0");
}

static void test_parse_mem(void **state)
{
	static const struct { const char *s; uint64_t kb; } good[] = {
		{ "256", 262144 }, { "256m", 262144 }, { "256M", 262144 }, { "0", 0 },
		{ "1g", 1048576 }, { "2G", 2097152 }, { "1t", 1073741824 }, { "512k", 512 },
		{ "512K", 512 }, { "2048b", 2 }, { "1023b", 0 }, { "8388607t", 8388607ull << 30 },
		{ "9007199254740991k", 9007199254740991ull },
	};
	static const char *const bad[] = {
		"", "abc", "12x", "12mb", "-1", "+1", "1.5g", " 1", "1 ", "m",
		"99999999999999999999", "9007199254740992k", "8589934592g", "8388608t",
	};
	uint64_t kb;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		kb = 1;
		if (xl_parse_mem_kb(good[i].s, &kb) || kb != good[i].kb)
			fail_msg("%s: got %llu", good[i].s, (unsigned long long)kb);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (xl_parse_mem_kb(bad[i], &kb) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
}

static void test_mem_set(void **state)
{
	(void)state;
	add_guests();
	xl_expect("mem-set web 200", 0, "");
	assert_int_equal(canned.max_kb[1], 204800); /* the limit follows the target */
	assert_string_equal(canned_xs_get(TARGET), "204800");
	assert_string_equal(canned_xs_get("/vm/" UUID "/memory"), "200");
	assert_int_equal(canned.xs_writes, 1);
	xl_expect("mem-set 3 256m", 0, "");
	assert_string_equal(canned_xs_get(TARGET), "262144");
	/* videoram is counted out of the target, not the limit. */
	canned_xs_set("/local/domain/3/memory/videoram", "8192");
	xl_expect("mem-set web 1g", 1,
	       "libxl: error: libxl_mem.c:278:libxl_set_memory_target: Domain 3:memory_dynamic_max "
	       "must be less than or equal to memory_static_max\n"
	       "cannot set domid 3 dynamic max memory to : 1g\n");
	xl_expect("mem-set web 131072k", 0, "");
	assert_int_equal(canned.max_kb[1], 131072);
	assert_string_equal(canned_xs_get(TARGET), "122880");
	/* Below what the domain has (128 MiB): its balloon gives the rest back. */
	canned_xs_set("/local/domain/3/memory/videoram", "0");
	xl_expect("mem-set web 64", 0, "");
	assert_int_equal(canned.max_kb[1], 65536);
	assert_string_equal(canned_xs_get(TARGET), "65536");
}

static void test_mem_set_refused(void **state)
{
	(void)state;
	add_guests();
	/* A limit the hypervisor refuses: libxl's message, and nothing written. */
	canned.max_mem_rc = -EINVAL;
	xl_expect("mem-set web 64", 1,
	       "libxl: error: libxl_mem.c:299:libxl_set_memory_target: Domain 3:xc_domain_setmaxmem "
	       "memkb=65536 failed rc=-1: Invalid argument\n"
	       "cannot set domid 3 dynamic max memory to : 64\n");
	assert_string_equal(canned_xs_get(TARGET), "131072");
	canned.max_mem_rc = 0;
	xl_expect("mem-set web 12x", 1, "invalid memory size: 12x\n");
	xl_expect("mem-set web -5", 1, "invalid memory size: -5\n");
	xl_expect("mem-set 0 128", 1, "xl: Domain-0's memory is fixed at boot under tern (dom0_mem=): "
	       "it has no balloon target or limit to set\n");
	xl_expect("mem-set 9 128", 1, "Error: Domain '9' does not exist.\n");
	xl_expect("mem-set db 128", 1,
	       "libxl: error: libxl_mem.c:234:libxl_set_memory_target: Domain 4:Cannot get memory "
	       "info from /local/domain/4/memory/target: No such file or directory\n"
	       "cannot set domid 4 dynamic max memory to : 128\n");
	canned_xs_set(TARGET, "12ab");
	xl_expect("mem-set web 128", 1,
	       "libxl: error: libxl_mem.c:234:libxl_set_memory_target: Domain 3:Invalid memory 12ab "
	       "from /local/domain/3/memory/target\n"
	       "cannot set domid 3 dynamic max memory to : 128\n");
	assert_int_equal(canned.xs_writes, 0);
	assert_int_equal(canned.max_kb[1], 0);
}

static void test_mem_max(void **state)
{
	(void)state;
	add_guests();
	xl_expect("mem-max web 512", 0, "");
	assert_int_equal(canned.max_kb[1], 524288);
	assert_string_equal(canned_xs_get(STATIC_MAX), "524288");
	xl_expect("mem-max web 64", 1,
	       "libxl: error: libxl_mem.c:59:libxl_domain_setmaxmem: Domain 3:memory_static_max "
	       "must be greater than or or equal to memory_dynamic_max\n"
	       "cannot set domid 3 static max memory to : 64\n");
	assert_string_equal(canned_xs_get(STATIC_MAX), "524288");
	xl_expect("mem-max web 128", 0, "");
	assert_string_equal(canned_xs_get(STATIC_MAX), "131072");
	xl_expect("mem-max web 1.5g", 1, "invalid memory size: 1.5g\n");
	canned.xs_write_rc = -EACCES;
	xl_expect("mem-max web 256", 1,
	       "libxl: error: libxl_mem.c:88:libxl_domain_setmaxmem: Domain 3:Couldn't set "
	       "/local/domain/3/memory/static-max: Permission denied\n"
	       "cannot set domid 3 static max memory to : 256\n");
}

static void test_rename(void **state)
{
	(void)state;
	add_guests();
	xl_expect("rename web www", 0, "");
	assert_string_equal(canned_xs_get("/local/domain/3/name"), "www");
	assert_string_equal(canned_xs_get("/vm/" UUID "/name"), "www");
	assert_int_equal(canned.xs_writes, 1);
	/* Its own name again is fine; another domain's is not. */
	xl_expect("rename web web", 0, "");
	xl_expect("rename 3 db", 1, "libxl: error: libxl_domain.c:81:libxl__domain_rename: Domain 3:"
	       "Domain with name \"db\" already exists.\n"
	       "Can't rename domain '3'.\n");
	xl_expect("rename web Domain-0", 1, "libxl: error: libxl_domain.c:81:libxl__domain_rename: "
	       "Domain 3:Domain with name \"Domain-0\" already exists.\n"
	       "Can't rename domain 'web'.\n");
	xl_expect("rename web 42", 1, "xl: name `42' is not valid: it must be non-empty and not a "
	       "number (xl takes numbers for domain ids)\nCan't rename domain 'web'.\n");
	xl_expect("rename web a/b", 1, "xl: name `a/b' is not valid: no '/' or control characters\n"
	       "Can't rename domain 'web'.\n");
	xl_expect("rename nosuch x", 1, "nosuch is an invalid domain identifier (rc=-6)\n");
	xl_expect("rename 9 x", 1, "Error: Domain '9' does not exist.\n");
	assert_int_equal(canned.xs_writes, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_mem),
		cmocka_unit_test_setup(test_mem_set, setup),
		cmocka_unit_test_setup(test_mem_set_refused, setup),
		cmocka_unit_test_setup(test_mem_max, setup),
		cmocka_unit_test_setup(test_rename, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
