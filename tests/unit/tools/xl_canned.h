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
	unsigned affinity_sets;             /* vcpu_affinity calls that changed something */
	uint64_t max_kb[4];                 /* max_mem calls: the last limit set, per domain */
	int max_mem_rc;
	/* xenstore: nodes (path = value), the connection's result, writes. */
	struct { char path[96]; char value[64]; } xs[32];
	unsigned nxs;
	int xs_open_rc, xs_write_rc;
	unsigned xs_writes;                 /* transactions written */
};

extern struct canned canned;

struct run {
	int status;
	char *out, *err;
};

/* A canned xenstore node: set (added if new) or read (NULL if absent). */
void canned_xs_set(const char *path, const char *value);
const char *canned_xs_get(const char *path);

/* Runs `xl args` (split at spaces) on the canned backend. */
struct run xl(const char *args);
/* The same, failing the test unless it exits with status and prints err. */
void xl_expect(const char *args, int status, const char *err);
/* A 4-pCPU host with domain 3 ("web", weight 512, cap 50) beside dom0: vCPU 0
 * online on pCPU 2 (hard 1-3), vCPU 1 offline (hard 1,3, soft 2). */
void canned_add_web(void);
void run_free(struct run *r);
/* cmocka setup: canned data back to a 2-pCPU host with dom0 alone. */
int setup(void **state);

#endif
