/* xl's commands on canned hypervisor data: output formats, options, errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xl_canned.h"

/* ---- xl info ---- */

static const char info_expected[] =
	"host                   : (none)\n"
	"release                : 6.1.0-56-amd64\n"
	"version                : #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)\n"
	"machine                : x86_64\n"
	"nr_cpus                : 2\n"
	"max_cpu_id             : 1\n"
	"nr_nodes               : 1\n"
	"cores_per_socket       : 2\n"
	"threads_per_core       : 1\n"
	"cpu_mhz                : 2096.021\n"
	"hw_caps                : 1fcbf3fd:f6d8320b:00000000:00000000:00000005:00000000:00000000:00000000\n"
	"virt_caps              : hvm hvm_directio hap gnttab-v1\n"
	"total_memory           : 2047\n"
	"free_memory            : 1507\n"
	"sharing_freed_memory   : 0\n"
	"sharing_used_memory    : 0\n"
	"outstanding_claims     : 1\n"
	"free_cpus              : 0\n"
	"xen_major              : 4\n"
	"xen_minor              : 17\n"
	"xen_extra              : .0-tern0.1\n"
	"xen_version            : 4.17.0-tern0.1\n"
	"xen_caps               : hvm-3.0-x86_64\n"
	"xen_scheduler          : credit\n"
	"xen_pagesize           : 4096\n"
	"platform_params        : virt_start=0xffff800000000000\n"
	"xen_changeset          : \n"
	"xen_commandline        : dom0_mem=256M console=com1\n"
	"cc_compiler            : gcc (Debian 12.2.0-14) 12.2.0\n"
	"cc_compile_by          : tern\n"
	"cc_compile_domain      : localdomain\n"
	"cc_compile_date        : Thu Jan  1 00:00:00 UTC 2026\n"
	"build_id               : 0123456789abcdef\n"
	"xend_config_format     : 4\n";

static void test_info_format(void **state)
{
	struct run r = xl("info");

	(void)state;
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, info_expected);
	assert_string_equal(r.err, "");
	run_free(&r);
}

static void test_info_field(void **state)
{
	struct run r = xl("info free_memory");

	(void)state;
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "1507\n");
	run_free(&r);
	r = xl("info xen_v");
	assert_string_equal(r.out, "4.17.0-tern0.1\n");
	run_free(&r);
	r = xl("info virt_caps");
	assert_string_equal(r.out, "hvm hvm_directio hap gnttab-v1\n");
	run_free(&r);
}

static void test_info_empty_virt_caps_has_no_space(void **state)
{
	struct run r;

	(void)state;
	canned.pi.capabilities = 0;
	r = xl("info");
	assert_non_null(strstr(r.out, "\nvirt_caps              :\n"));
	run_free(&r);
}

static void test_info_xenstore_option(void **state)
{
	struct run r = xl("info -x");

	(void)state;
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "build_id               : 0123456789abcdef\n"
				      "xenstore_features      : 0x00000000\n"
				      "xend_config_format     : 4\n"));
	run_free(&r);
}

static void test_info_without_privcmd(void **state)
{
	struct run r;

	(void)state;
	canned.open_rc = -ENOENT;
	r = xl("info");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "xl: cannot open /dev/xen/privcmd: No such file or directory\n"));
	assert_non_null(strstr(r.err, "Is xen running?"));
	run_free(&r);
}

static void test_info_hypercall_failure(void **state)
{
	struct run r;

	(void)state;
	canned.physinfo_rc = -ENOSYS;
	r = xl("info");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "physinfo"));
	assert_non_null(strstr(r.err, "Function not implemented"));
	assert_null(strstr(r.out, "nr_cpus"));
	run_free(&r);
}

/* ---- xl list ---- */

#define LIST_HEADER "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"

static void test_list_domain0(void **state)
{
	struct run r = xl("list");

	(void)state;
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, LIST_HEADER
		"Domain-0                                     0   255     1     r-----      14.6\n");
	run_free(&r);
}

static void add_domu(void)
{
	struct tern_domaininfo *d = &canned.doms[1];

	d->domain = 3;
	d->flags = TERN_DOMINF_hvm_guest | TERN_DOMINF_shutdown;
	d->shutdown_reason = 3; /* crash */
	d->tot_pages = 32768;
	d->max_pages = 32768;
	d->cpu_time = 9949999999ull;
	d->nr_online_vcpus = 2;
	d->max_vcpu_id = 1;
	d->handle[0] = 0xab;
	d->handle[15] = 0x01;
	canned.names[1] = "anchor-s1";
	canned.ndoms = 2;
}

static void test_list_domu_state_and_name(void **state)
{
	struct run r;

	(void)state;
	add_domu();
	canned.names[0] = "Domain-0";
	r = xl("list");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, LIST_HEADER
		"Domain-0                                     0   255     1     r-----      14.6\n"
		"anchor-s1                                    3   128     2     ---sc-       9.9\n");
	run_free(&r);
}

static void test_list_nameless_domain_is_null(void **state)
{
	struct run r;

	(void)state;
	add_domu();
	canned.names[1] = NULL;
	r = xl("list 3");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, LIST_HEADER
		"(null)                                       3   128     2     ---sc-       9.9\n");
	run_free(&r);
}

static void test_list_by_name(void **state)
{
	struct run r;

	(void)state;
	add_domu();
	r = xl("li anchor-s1");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "anchor-s1   "));
	assert_null(strstr(r.out, "Domain-0"));
	run_free(&r);
}

static void test_list_verbose(void **state)
{
	struct run r;

	(void)state;
	add_domu();
	r = xl("list -v 3");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out,
		"Name                                        ID   Mem VCPUs\tState\tTime(s)"
		"   UUID                            Reason-Code\tSecurity Label\n"
		"anchor-s1                                    3   128     2     ---sc-       9.9"
		" ab000000-0000-0000-0000-000000000001        3                -\n");
	run_free(&r);
}

static void test_list_unknown_domains(void **state)
{
	struct run r = xl("list 7");

	(void)state;
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "Error: Domain '7' does not exist.\n");
	assert_string_equal(r.out, "");
	run_free(&r);
	r = xl("list 99999999999");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "Error: Domain '99999999999' does not exist.\n");
	run_free(&r);
	r = xl("list nosuch");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "nosuch is an invalid domain identifier (rc=-6)\n");
	run_free(&r);
}

/* block-attach writes device nodes only for a domain that exists. */
static void test_block_attach_to_a_missing_domain(void **state)
{
	struct run r = xl("block-attach 99999999 file:/x.img,xvdb,w");

	(void)state;
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "Error: Domain '99999999' does not exist.\n");
	run_free(&r);
	r = xl("block-attach 7 file:/x.img,xvdb,w");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "Error: Domain '7' does not exist.\n");
	run_free(&r);
}

static void test_list_too_many_domains(void **state)
{
	struct run r = xl("list 0 1");

	(void)state;
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "Usage: xl [-v] list"));
	run_free(&r);
}

static void test_list_long_json(void **state)
{
	struct run r;

	(void)state;
	add_domu();
	canned.names[1] = "a\"b";
	r = xl("list -l");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out,
		"[\n"
		"    {\n"
		"        \"domid\": 0,\n"
		"        \"config\": {\n"
		"            \"c_info\": {\n"
		"                \"type\": \"hvm\",\n"
		"                \"name\": \"Domain-0\",\n"
		"                \"uuid\": \"00000000-0000-0000-0000-000000000000\",\n"
		"                \"ssidref\": 0\n"
		"            },\n"
		"            \"b_info\": {\n"
		"                \"max_vcpus\": 1,\n"
		"                \"avail_vcpus\": [\n"
		"                    0\n"
		"                ],\n"
		"                \"max_memkb\": 262144,\n"
		"                \"target_memkb\": 261184\n"
		"            }\n"
		"        }\n"
		"    },\n"
		"    {\n"
		"        \"domid\": 3,\n"
		"        \"config\": {\n"
		"            \"c_info\": {\n"
		"                \"type\": \"pvh\",\n"
		"                \"name\": \"a\\\"b\",\n"
		"                \"uuid\": \"ab000000-0000-0000-0000-000000000001\",\n"
		"                \"ssidref\": 0\n"
		"            },\n"
		"            \"b_info\": {\n"
		"                \"max_vcpus\": 2,\n"
		"                \"avail_vcpus\": [\n"
		"                    0,\n"
		"                    1\n"
		"                ],\n"
		"                \"max_memkb\": 131072,\n"
		"                \"target_memkb\": 131072\n"
		"            }\n"
		"        }\n"
		"    }\n"
		"]\n");
	run_free(&r);
}

static void test_state_chars(void **state)
{
	struct tern_domaininfo d;
	char s[7];

	(void)state;
	memset(&d, 0, sizeof(d));
	xl_format_state(&d, s);
	assert_string_equal(s, "------");
	d.flags = TERN_DOMINF_blocked;
	xl_format_state(&d, s);
	assert_string_equal(s, "-b----");
	d.flags = TERN_DOMINF_paused | TERN_DOMINF_dying;
	xl_format_state(&d, s);
	assert_string_equal(s, "--p--d");
	d.flags = TERN_DOMINF_shutdown;
	d.shutdown_reason = 0;
	xl_format_state(&d, s);
	assert_string_equal(s, "---s--");
	d.shutdown_reason = 1;
	xl_format_state(&d, s);
	assert_string_equal(s, "---sr-");
	d.shutdown_reason = 5;
	xl_format_state(&d, s);
	assert_string_equal(s, "---sS-");
	d.shutdown_reason = 77;
	xl_format_state(&d, s);
	assert_string_equal(s, "---s?-");
}

/* ---- xl dmesg ---- */

static void test_dmesg_reads_all_and_clears(void **state)
{
	struct run r;

	(void)state;
	/* More than one read's worth (16 KiB). */
	for (size_t i = 0; i < sizeof(canned.console); i++)
		canned.console[i] = (i % 80 == 79) ? '\n' : (char)('a' + i % 26);
	canned.console_len = sizeof(canned.console);
	r = xl("dmesg");
	assert_int_equal(r.status, 0);
	assert_int_equal(strlen(r.out), sizeof(canned.console));
	assert_memory_equal(r.out, canned.console, sizeof(canned.console));
	assert_int_equal(canned.clears, 0);
	run_free(&r);
	r = xl("dmesg -c");
	assert_int_equal(r.status, 0);
	assert_int_equal(strlen(r.out), sizeof(canned.console));
	assert_int_equal(canned.clears, 1);
	run_free(&r);
	r = xl("dmesg");
	assert_string_equal(r.out, "");
	run_free(&r);
	r = xl("dmesg --clear");
	assert_int_equal(r.status, 0);
	run_free(&r);
}

/* ---- xl debug-keys ---- */

static void test_debug_keys_sends_the_keys(void **state)
{
	char many[100];
	struct run r;

	(void)state;
	r = xl("debug-keys qh");
	assert_int_equal(r.status, 0);
	assert_string_equal(canned.keys, "qh");
	assert_string_equal(r.out, "");
	run_free(&r);
	r = xl("debug-keys");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "'xl debug-keys' requires at least 1 argument."));
	run_free(&r);
	strcpy(many, "debug-keys ");
	memset(many + 11, 'q', 65);
	many[76] = '\0';
	canned.keys[0] = '\0';
	r = xl(many);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "debug-keys takes 1 to 64 keys"));
	assert_string_equal(canned.keys, "");
	run_free(&r);
}

/* ---- command line ---- */

static void test_unknown_command(void **state)
{
	struct run r = xl("frobnicate");

	(void)state;
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "command not implemented\n");
	run_free(&r);
}

static void test_bad_option(void **state)
{
	struct run r = xl("list -z");

	(void)state;
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "option `z' not supported.\n");
	run_free(&r);
	r = xl("dmesg --bogus");
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "option `bogus' not supported.\n");
	run_free(&r);
}

static void test_no_command_and_help(void **state)
{
	struct run r = xl("");

	(void)state;
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "Usage xl"));
	run_free(&r);
	r = xl("help");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, " list "));
	run_free(&r);
	r = xl("list -h");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "Usage: xl [-v] list"));
	run_free(&r);
	r = xl("-N list");
	assert_int_equal(r.status, 1);
	run_free(&r);
	r = xl("-q list");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "unknown global option\n");
	run_free(&r);
	r = xl("-v list");
	assert_int_equal(r.status, 0);
	run_free(&r);
}

static void test_lookup(void **state)
{
	(void)state;
	assert_string_equal(xl_cmd_lookup("list")->name, "list");
	assert_string_equal(xl_cmd_lookup("li")->name, "list");
	assert_string_equal(xl_cmd_lookup("dm")->name, "dmesg");
	assert_null(xl_cmd_lookup("d")); /* dmesg, destroy, domid, domname: ambiguous, as in xl */
	assert_string_equal(xl_cmd_lookup("inf")->name, "info");
	assert_null(xl_cmd_lookup("x"));
	assert_null(xl_cmd_lookup(""));
	assert_null(xl_cmd_lookup("lists"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_info_format, setup),
		cmocka_unit_test_setup(test_info_field, setup),
		cmocka_unit_test_setup(test_info_empty_virt_caps_has_no_space, setup),
		cmocka_unit_test_setup(test_info_xenstore_option, setup),
		cmocka_unit_test_setup(test_info_without_privcmd, setup),
		cmocka_unit_test_setup(test_info_hypercall_failure, setup),
		cmocka_unit_test_setup(test_list_domain0, setup),
		cmocka_unit_test_setup(test_list_domu_state_and_name, setup),
		cmocka_unit_test_setup(test_list_nameless_domain_is_null, setup),
		cmocka_unit_test_setup(test_list_by_name, setup),
		cmocka_unit_test_setup(test_list_verbose, setup),
		cmocka_unit_test_setup(test_list_unknown_domains, setup),
		cmocka_unit_test_setup(test_block_attach_to_a_missing_domain, setup),
		cmocka_unit_test_setup(test_list_too_many_domains, setup),
		cmocka_unit_test_setup(test_list_long_json, setup),
		cmocka_unit_test_setup(test_state_chars, setup),
		cmocka_unit_test_setup(test_dmesg_reads_all_and_clears, setup),
		cmocka_unit_test_setup(test_debug_keys_sends_the_keys, setup),
		cmocka_unit_test_setup(test_unknown_command, setup),
		cmocka_unit_test_setup(test_bad_option, setup),
		cmocka_unit_test_setup(test_no_command_and_help, setup),
		cmocka_unit_test_setup(test_lookup, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
