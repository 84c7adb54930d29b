/* xl vcpu-set and xl vcpu-pin on canned data: what they write, Xen's checks and messages. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xl_canned.h"

#define AVAIL(n) "/local/domain/3/cpu/" #n "/availability"

static void test_vcpu_set_writes_availability(void **state)
{
	(void)state;
	canned_add_web();
	xl_expect("vcpu-set web 2", 0, "");
	assert_string_equal(canned_xs_get(AVAIL(0)), "online");
	assert_string_equal(canned_xs_get(AVAIL(1)), "online");
	assert_int_equal(canned.xs_writes, 1); /* one transaction */
	xl_expect("vcpu-set 3 1", 0, "");
	assert_string_equal(canned_xs_get(AVAIL(0)), "online");
	assert_string_equal(canned_xs_get(AVAIL(1)), "offline");
	assert_null(canned_xs_get(AVAIL(2)));
	xl_expect("vcpu-set --ignore-host web 2", 0, "");
	assert_string_equal(canned_xs_get(AVAIL(1)), "online");
}

static void test_vcpu_set_checks(void **state)
{
	(void)state;
	canned_add_web();
	xl_expect("vcpu-set web x", 1, "Error: Invalid argument.\n");
	xl_expect("vcpu-set web 2x", 1, "Error: Invalid argument.\n");
	xl_expect("vcpu-set web -1", 1, "Error: Invalid argument.\n");
	xl_expect("vcpu-set web 99999999999", 1, "Error: Invalid argument.\n");
	xl_expect("vcpu-set web 0", 1,
	       "libxl: error: libxl_domain.c:1863:libxl_set_vcpuonline: Domain 3:Requested 0 VCPUs!\n"
	       "libxl_set_vcpuonline failed domid=3 max_vcpus=0, rc: -3\n");
	xl_expect("vcpu-set web 3", 1,
	       "libxl: error: libxl_domain.c:1869:libxl_set_vcpuonline: Domain 3:Requested 3 "
	       "VCPUs, however maxcpus is 2!\n"
	       "libxl_set_vcpuonline failed domid=3 max_vcpus=3, rc: -3\n");
	xl_expect("vcpu-set 7 1", 1, "Domain 7 does not exist.\n");
	xl_expect("vcpu-set nosuch 1", 1, "nosuch is an invalid domain identifier (rc=-6)\n");
	assert_int_equal(canned.xs_writes, 0);
	/* More vCPUs than the host has pCPUs only with -i. */
	canned.doms[1].max_vcpu_id = 7;
	xl_expect("vcpu-set web 6", 1, "You are overcommmitting! You have 4 physical CPUs and want 6 "
	       "vCPUs! Aborting, use --ignore-host to continue\n");
	assert_int_equal(canned.xs_writes, 0);
	xl_expect("vcpu-set -i web 6", 0, "");
	assert_string_equal(canned_xs_get(AVAIL(5)), "online");
	assert_string_equal(canned_xs_get(AVAIL(7)), "offline");
	/* xenstored down. */
	canned.xs_open_rc = -ECONNREFUSED;
	xl_expect("vcpu-set web 1", 1, "xenstored is not running: start xencommons (cannot connect "
	       "to /run/xenstored/socket: Connection refused)\n"
	       "libxl_set_vcpuonline failed domid=3 max_vcpus=1, rc: -3\n");
}

static void test_vcpu_set_usage(void **state)
{
	struct run r;

	(void)state;
	canned_add_web();
	r = xl("vcpu-set web");
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "'xl vcpu-set' requires at least 2 arguments.\n\n"
			    "Usage: xl [-v] vcpu-set [option] <Domain> <vCPUs>\n\n"
			    "Set the number of active VCPUs allowed for the domain.\n\n"
			    "Options:\n\n"
			    "-i, --ignore-host  Don't limit the vCPU based on the host CPU count\n");
	run_free(&r);
}

static void test_vcpu_pin_sets_affinities(void **state)
{
	struct run r;

	(void)state;
	canned_add_web();
	xl_expect("vcpu-pin web 0 1-2", 0, "");
	assert_int_equal(canned.vcpus[1][0].cpumap, 0x6);
	assert_int_equal(canned.vcpus[1][0].cpumap_soft, ~0ull);
	xl_expect("vcpu-pin web 1 - 1", 0, "");
	assert_int_equal(canned.vcpus[1][1].cpumap, 0xa);
	assert_int_equal(canned.vcpus[1][1].cpumap_soft, 0x2);
	xl_expect("vcpu-pin 3 all all 3", 0, "");
	for (int v = 0; v < 2; v++) {
		assert_int_equal(canned.vcpus[1][v].cpumap, 0xe); /* dom0's pCPU dropped */
		assert_int_equal(canned.vcpus[1][v].cpumap_soft, 0x8);
	}
	r = xl("vcpu-list web");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "  1-3 / 3\n"));
	run_free(&r);
	/* A soft affinity outside the hard one takes effect as none: libxl warns. */
	xl_expect("vcpu-pin web 0 2 3", 0,
	       "libxl: warning: libxl_sched.c:84:libxl__set_vcpuaffinity: Domain 3:All cpus in "
	       "soft affinity of vcpu 0 are unreachable. Only hard affinity will be considered "
	       "for scheduling\n");
	assert_int_equal(canned.vcpus[1][0].cpumap, 0x4);
	xl_expect("vcpu-pin -f web 0 1,3 -", 0, "");
	assert_int_equal(canned.vcpus[1][0].cpumap, 0xa);
	assert_int_equal(canned.affinity_sets, 6);
}

static void test_vcpu_pin_checks(void **state)
{
	struct run r;

	(void)state;
	canned_add_web();
	xl_expect("vcpu-pin web x 1", 1, "Error: Invalid argument x as VCPU.\n");
	xl_expect("vcpu-pin web 1x 1", 1, "Error: Invalid argument 1x as VCPU.\n");
	xl_expect("vcpu-pin web -1 1", 1, "Error: Invalid argument -1 as VCPU.\n");
	xl_expect("vcpu-pin -f web all 1", 1, "Error: --force and 'all' as VCPU not allowed.\n");
	xl_expect("vcpu-pin web 0 1-x", 1, "Invalid pcpu range: 1-x.\n");
	xl_expect("vcpu-pin web 0 3-1", 1, "Invalid pcpu range: 3-1.\n");
	xl_expect("vcpu-pin web 0 64", 1, "Invalid pcpu range: 64.\n");
	xl_expect("vcpu-pin web 0 - ^all", 1, "Can't combine \"^\" and \"all\".\n");
	xl_expect("vcpu-pin web 0 - -", 1, "Could not set affinity for vcpu `0'.\n");
	xl_expect("vcpu-pin web 2 1", 1, "libxl: error: libxl_sched.c:62:libxl__set_vcpuaffinity: "
	       "Domain 3:Setting vcpu affinity: Invalid argument\n"
	       "Could not set affinity for vcpu `2'.\n");
	/* Only dom0's pCPU: nothing is left for a domU. */
	xl_expect("vcpu-pin web 0 0", 1, "libxl: error: libxl_sched.c:62:libxl__set_vcpuaffinity: "
	       "Domain 3:Setting vcpu affinity: Invalid argument\n"
	       "Could not set affinity for vcpu `0'.\n");
	xl_expect("vcpu-pin 0 0 0", 1, "libxl: error: libxl_sched.c:62:libxl__set_vcpuaffinity: "
	       "Setting vcpu affinity: Invalid argument\n"
	       "Could not set affinity for vcpu `0'.\n");
	xl_expect("vcpu-pin 9 all 1", 1, "libxl_list_vcpu failed.\n");
	/* all: each failure is told, the command still succeeds, as xl's. */
	xl_expect("vcpu-pin web all 0", 0,
	       "libxl: error: libxl_sched.c:62:libxl__set_vcpuaffinity: Domain 3:Setting vcpu "
	       "affinity: Invalid argument\n"
	       "libxl: warning: libxl_sched.c:124:libxl_set_vcpuaffinity_all: Domain 3:Failed to "
	       "set affinity for 0\n"
	       "libxl: error: libxl_sched.c:62:libxl__set_vcpuaffinity: Domain 3:Setting vcpu "
	       "affinity: Invalid argument\n"
	       "libxl: warning: libxl_sched.c:124:libxl_set_vcpuaffinity_all: Domain 3:Failed to "
	       "set affinity for 1\n"
	       "Could not set affinity.\n");
	assert_int_equal(canned.affinity_sets, 0);
	r = xl("vcpu-pin web 0");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "'xl vcpu-pin' requires at least 3 arguments.\n\n"
			       "Usage: xl [-v] vcpu-pin [option] <Domain> <VCPU|all> "
			       "<Hard affinity|-|all> <Soft affinity|-|all>\n"));
	run_free(&r);
}

/* xl -N: only what would be set, in xl's form. */
static void test_vcpu_pin_dry_run(void **state)
{
	struct run r;

	(void)state;
	canned_add_web();
	r = xl("-N vcpu-pin web 0 1-2 3");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "cpumap: 1-2 3\n");
	run_free(&r);
	r = xl("-N vcpu-pin web all - all");
	assert_string_equal(r.out, "cpumap: - all\n");
	run_free(&r);
	r = xl("-N vcpu-pin web 1 0-3");
	assert_string_equal(r.out, "cpumap: all\n");
	run_free(&r);
	assert_int_equal(canned.affinity_sets, 0);
	xl_expect("-N vcpu-set web 1", 1, "command does not implement -N (dryrun) option\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vcpu_set_writes_availability, setup),
		cmocka_unit_test_setup(test_vcpu_set_checks, setup),
		cmocka_unit_test_setup(test_vcpu_set_usage, setup),
		cmocka_unit_test_setup(test_vcpu_pin_sets_affinities, setup),
		cmocka_unit_test_setup(test_vcpu_pin_checks, setup),
		cmocka_unit_test_setup(test_vcpu_pin_dry_run, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
