/*
 * xl's unit tests run its commands on a canned backend: hypervisor data set
 * by each test (canned), xl run in-process with its output captured (xl()).
 */
#ifndef TERN_TEST_XL_CANNED_H
#define TERN_TEST_XL_CANNED_H

#include "xl.h"

struct canned {
	int open_rc;
	int physinfo_rc;
	struct tern_sysctl_physinfo pi;
	struct tc_version v;
	struct tern_domaininfo doms[4];
	const char *names[4]; /* xenstore names, NULL = none */
	unsigned ndoms;
	char console[40000];
	size_t console_len;
	uint64_t console_start;
	int clears;
	char keys[80]; /* debug keys received */
	struct tern_domctl_getvcpuinfo vcpus[4][2];
	uint32_t weight[4], cap[4];
	int sched_rc;
	unsigned sched_sets;
	struct tern_domctl_scheduler_op last_set;
};

extern struct canned canned;

struct run {
	int status;
	char *out, *err;
};

/* Runs `xl args` (split at spaces) on the canned backend. */
struct run xl(const char *args);
void run_free(struct run *r);
/* cmocka setup: canned data back to a 2-pCPU host with dom0 alone. */
int setup(void **state);

#endif
