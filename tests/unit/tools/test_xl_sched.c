/* xl vcpu-list and xl sched-credit on canned hypervisor data. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xl_canned.h"

/* ---- xl vcpu-list, xl sched-credit ---- */

#define VCPU_HEADER "Name                                ID  VCPU   CPU State   Time(s) " \
	"Affinity (Hard / Soft)\n"
#define SCHED_POOL "Cpupool Pool-0: tslice=30ms ratelimit=30000us migration-delay=0us\n"
#define SCHED_HEADER "Name                                ID Weight  Cap\n"

static void test_format_cpumap(void **state)
{
	char buf[256];

	(void)state;
	xl_format_cpumap(0xf, 4, buf, sizeof(buf));
	assert_string_equal(buf, "all");
	xl_format_cpumap(~0ull, 4, buf, sizeof(buf)); /* bits beyond the host ignored */
	assert_string_equal(buf, "all");
	xl_format_cpumap(0xe, 4, buf, sizeof(buf));
	assert_string_equal(buf, "1-3");
	xl_format_cpumap(0xa, 4, buf, sizeof(buf));
	assert_string_equal(buf, "1,3");
	xl_format_cpumap(0x2, 2, buf, sizeof(buf));
	assert_string_equal(buf, "1");
	xl_format_cpumap(0, 4, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	xl_format_cpumap(0x10, 4, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	xl_format_cpumap(0x3b, 8, buf, sizeof(buf));
	assert_string_equal(buf, "0-1,3-5");
	xl_format_cpumap(1ull << 63 | 1ull << 62 | 1, 64, buf, sizeof(buf));
	assert_string_equal(buf, "0,62-63");
	xl_format_cpumap(~0ull, 64, buf, sizeof(buf));
	assert_string_equal(buf, "all");
	xl_format_cpumap(0x5555555555555555ull, 64, buf, 8); /* truncated, terminated */
	assert_string_equal(buf, "0,2,4,6");
}

static void test_vcpu_list(void **state)
{
	struct run r;

	(void)state;
	canned_add_web();
	r = xl("vcpu-list");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, VCPU_HEADER
		"Domain-0                             0     0     0   r--      14.6  0 / all\n"
		"web                                  3     0     2   -b-       2.3  1-3 / all\n"
		"web                                  3     1     -   --p       0.0  1,3 / 2\n");
	assert_string_equal(r.err, "");
	run_free(&r);
	r = xl("vcpu-list web");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, VCPU_HEADER
		"web                                  3     0     2   -b-       2.3  1-3 / all\n"
		"web                                  3     1     -   --p       0.0  1,3 / 2\n");
	run_free(&r);
	r = xl("vcpu-list 0 nosuch");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "nosuch is an invalid domain identifier (rc=-6)\n");
	run_free(&r);
}

static void test_sched_credit_list(void **state)
{
	struct run r;

	(void)state;
	canned_add_web();
	r = xl("sched-credit");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, SCHED_POOL SCHED_HEADER
		"Domain-0                             0    256    0\n"
		"web                                  3    512   50\n");
	run_free(&r);
	r = xl("sched-credit -d web");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, SCHED_HEADER
		"web                                  3    512   50\n");
	run_free(&r);
	r = xl("sched-credit --domain=0");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, SCHED_HEADER
		"Domain-0                             0    256    0\n");
	run_free(&r);
	r = xl("sched-credit -s");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, SCHED_POOL);
	run_free(&r);
	r = xl("sched-credit -p Pool-0");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "web "));
	run_free(&r);
	assert_int_equal(canned.sched_sets, 0);
}

static void test_sched_credit_set(void **state)
{
	static const char *const forms[] = {
		"sched-credit -d 3 -w 1024", "sched-credit -d3 -w1024",
		"sched-credit --domain=web --weight=1024", "sched-credit --domain web --weight 1024",
		"sched-credit -dweb -w=1024",
	};
	struct run r;

	(void)state;
	canned_add_web();
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		canned.weight[1] = 512;
		canned.sched_sets = 0;
		r = xl(forms[i]);
		if (i == 4) {
			/* getopt's "-w=1024" is the value "=1024": not a number. */
			assert_int_equal(r.status, 1);
			assert_string_equal(r.err, "xl: weight '=1024' is not valid: it must be a "
					    "number from 1 to 65535\n");
			assert_int_equal(canned.sched_sets, 0);
			run_free(&r);
			continue;
		}
		assert_int_equal(r.status, 0);
		assert_string_equal(r.out, "");
		assert_string_equal(r.err, "");
		assert_int_equal(canned.sched_sets, 1);
		assert_int_equal(canned.last_set.cmd, TERN_SCHEDOP_putinfo);
		assert_int_equal(canned.last_set.flags, TERN_SCHED_set_weight);
		assert_int_equal(canned.weight[1], 1024);
		assert_int_equal(canned.cap[1], 50);
		run_free(&r);
	}
	/* Both at once; the cap may go to 100 per vCPU. */
	r = xl("sched-credit -d web -w 128 -c 200");
	assert_int_equal(r.status, 0);
	assert_int_equal(canned.last_set.flags, TERN_SCHED_set_weight | TERN_SCHED_set_cap);
	assert_int_equal(canned.weight[1], 128);
	assert_int_equal(canned.cap[1], 200);
	run_free(&r);
	r = xl("sched-credit -d web -c 0");
	assert_int_equal(r.status, 0);
	assert_int_equal(canned.last_set.flags, TERN_SCHED_set_cap);
	assert_int_equal(canned.cap[1], 0);
	run_free(&r);
}

static void test_sched_credit_errors(void **state)
{
	static const struct {
		const char *args, *err;
		int status;
	} cases[] = {
		{ "sched-credit -w 300", "Must specify a domain.\n", 1 },
		{ "sched-credit -d web -s", "Specifying a cpupool or schedparam is not allowed "
		  "with domain options.\n", 1 },
		{ "sched-credit -t 10", "Must specify schedparam to set schedule parameter "
		  "values.\n", 1 },
		{ "sched-credit -s -t 10", "xl: tern's credit scheduler parameters are fixed: "
		  "tslice, ratelimit and migration-delay cannot be set\n", 1 },
		{ "sched-credit -p pool1", "unknown cpupool 'pool1'\n", 1 },
		{ "sched-credit -d", "option `d' requires an argument.\n", 2 },
		{ "sched-credit -x", "option `x' not supported.\n", 2 },
		{ "sched-credit -d web -w 0", "xl: weight '0' is not valid: it must be a number "
		  "from 1 to 65535\n", 1 },
		{ "sched-credit -d web -w 65536", "xl: weight '65536' is not valid: it must be a "
		  "number from 1 to 65535\n", 1 },
		{ "sched-credit -d web -w lots", "xl: weight 'lots' is not valid: it must be a "
		  "number from 1 to 65535\n", 1 },
		{ "sched-credit -d web -c 201", "xl: cap '201' is not valid: it must be a number "
		  "from 0 to 200 (100 per vCPU; the domain has 2)\n", 1 },
		{ "sched-credit -d web -c -5", "xl: cap '-5' is not valid: it must be a number "
		  "from 0 to 200 (100 per vCPU; the domain has 2)\n", 1 },
		{ "sched-credit -d 0 -w 512", "xl: Domain-0 has pCPU 0 to itself under tern: its "
		  "weight and cap do not apply and cannot be set\n", 1 },
		{ "sched-credit -d nosuch -w 512", "nosuch is an invalid domain identifier "
		  "(rc=-6)\n", 1 },
	};
	struct run r;

	(void)state;
	canned_add_web();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = xl(cases[i].args);
		if (r.status != cases[i].status || strcmp(r.err, cases[i].err) != 0)
			fail_msg("xl %s: status %d, stderr:\n%s", cases[i].args, r.status, r.err);
		run_free(&r);
	}
	assert_int_equal(canned.sched_sets, 0);
	/* The hypervisor's refusal is reported. */
	canned.sched_rc = -EINVAL;
	r = xl("sched-credit -d web -w 300");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "xl: cannot set the scheduler parameters of domain 3: "
			    "Invalid argument\n");
	run_free(&r);
	r = xl("sched-credit");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, SCHED_POOL SCHED_HEADER);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_format_cpumap, setup),
		cmocka_unit_test_setup(test_vcpu_list, setup),
		cmocka_unit_test_setup(test_sched_credit_list, setup),
		cmocka_unit_test_setup(test_sched_credit_set, setup),
		cmocka_unit_test_setup(test_sched_credit_errors, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
