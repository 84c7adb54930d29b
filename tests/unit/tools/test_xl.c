/* xl's commands on canned hypervisor data: output formats, options, errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xl.h"

/* ---- a canned backend ---- */

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

static struct canned *C(struct xl_backend *b)
{
	return b->priv;
}

static int c_open(struct xl_backend *b, const char **what)
{
	*what = "/dev/xen/privcmd";
	return C(b)->open_rc;
}

static int c_uname(struct xl_backend *b, struct utsname *u)
{
	(void)b;
	memset(u, 0, sizeof(*u));
	strcpy(u->nodename, "(none)");
	strcpy(u->release, "6.1.0-56-amd64");
	strcpy(u->version, "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)");
	strcpy(u->machine, "x86_64");
	return 0;
}

static int c_physinfo(struct xl_backend *b, struct tern_sysctl_physinfo *pi)
{
	*pi = C(b)->pi;
	return C(b)->physinfo_rc;
}

static int c_version(struct xl_backend *b, struct tc_version *v)
{
	*v = C(b)->v;
	return 0;
}

static int c_sched_id(struct xl_backend *b, uint32_t *id)
{
	(void)b;
	*id = TERN_SCHEDULER_credit;
	return 0;
}

static int c_domain_list(struct xl_backend *b, uint16_t first, uint32_t max,
			 struct tern_domaininfo *out)
{
	int n = 0;

	for (unsigned i = 0; i < C(b)->ndoms && (uint32_t)n < max; i++)
		if (C(b)->doms[i].domain >= first)
			out[n++] = C(b)->doms[i];
	return n;
}

static int c_domain_info(struct xl_backend *b, uint16_t domid, struct tern_domaininfo *out)
{
	for (unsigned i = 0; i < C(b)->ndoms; i++)
		if (C(b)->doms[i].domain == domid) {
			*out = C(b)->doms[i];
			return 0;
		}
	return -ESRCH;
}

static int c_readconsole(struct xl_backend *b, char *buf, uint32_t *count, int clear,
			 int incremental, uint64_t *index)
{
	struct canned *c = C(b);
	uint64_t pos = incremental ? *index : 0;
	uint64_t n;

	if (pos < c->console_start)
		pos = c->console_start;
	n = c->console_len - pos;
	if (n > *count)
		n = *count;
	memcpy(buf, c->console + pos, n);
	*count = (uint32_t)n;
	*index = pos + n;
	if (clear) {
		c->console_start = c->console_len;
		c->clears++;
	}
	return 0;
}

static int c_domain_name(struct xl_backend *b, uint16_t domid, char *out, size_t len)
{
	for (unsigned i = 0; i < C(b)->ndoms; i++)
		if (C(b)->doms[i].domain == domid && C(b)->names[i]) {
			snprintf(out, len, "%s", C(b)->names[i]);
			return 0;
		}
	return -ENOENT;
}

static int c_debug_keys(struct xl_backend *b, const char *keys, uint32_t n)
{
	memcpy(C(b)->keys, keys, n);
	C(b)->keys[n] = '\0';
	return 0;
}

/* Index of a canned domain, or -1. */
static int canned_index(struct xl_backend *b, uint16_t domid)
{
	for (unsigned i = 0; i < C(b)->ndoms; i++)
		if (C(b)->doms[i].domain == domid)
			return (int)i;
	return -1;
}

static int c_vcpu_info(struct xl_backend *b, uint16_t domid, uint32_t vcpu,
		       struct tern_domctl_getvcpuinfo *out)
{
	int i = canned_index(b, domid);

	if (i < 0)
		return -ESRCH;
	if (vcpu > C(b)->doms[i].max_vcpu_id || vcpu >= 2)
		return -ENOENT;
	*out = C(b)->vcpus[i][vcpu];
	out->vcpu = vcpu;
	return 0;
}

static int c_sched_credit(struct xl_backend *b, uint16_t domid,
			  struct tern_domctl_scheduler_op *op)
{
	int i = canned_index(b, domid);

	if (i < 0)
		return -ESRCH;
	if (C(b)->sched_rc)
		return C(b)->sched_rc;
	if (op->cmd == TERN_SCHEDOP_getinfo) {
		op->weight = C(b)->weight[i];
		op->cap = C(b)->cap[i];
		return 0;
	}
	C(b)->sched_sets++;
	C(b)->last_set = *op;
	if (op->flags & TERN_SCHED_set_weight)
		C(b)->weight[i] = op->weight;
	if (op->flags & TERN_SCHED_set_cap)
		C(b)->cap[i] = op->cap;
	return 0;
}

static struct canned canned;
static struct xl_backend backend = {
	&canned, c_open, c_uname, c_physinfo, c_version, c_sched_id, c_domain_list,
	c_domain_info, c_readconsole, c_domain_name, c_debug_keys, c_vcpu_info, c_sched_credit,
};

static void canned_reset(void)
{
	struct tern_sysctl_physinfo *pi = &canned.pi;
	struct tc_version *v = &canned.v;
	struct tern_domaininfo *d0 = &canned.doms[0];

	memset(&canned, 0, sizeof(canned));
	pi->threads_per_core = 1;
	pi->cores_per_socket = 2;
	pi->nr_cpus = 2;
	pi->max_cpu_id = 1;
	pi->nr_nodes = 1;
	pi->cpu_khz = 2096021;
	pi->capabilities = TERN_PHYSCAP_hvm | TERN_PHYSCAP_hap | TERN_PHYSCAP_directio |
			   TERN_PHYSCAP_gnttab_v1;
	pi->total_pages = 524032;   /* 2047 MiB */
	pi->free_pages = 386048;    /* 1508 MiB */
	pi->outstanding_pages = 256; /* 1 MiB */
	pi->hw_cap[0] = 0x1fcbf3fd;
	pi->hw_cap[1] = 0xf6d8320b;
	pi->hw_cap[4] = 5;
	v->major = 4;
	v->minor = 17;
	strcpy(v->extra, ".0-tern0.1");
	strcpy(v->caps, "hvm-3.0-x86_64");
	strcpy(v->commandline, "dom0_mem=256M console=com1");
	strcpy(v->compiler, "gcc (Debian 12.2.0-14) 12.2.0");
	strcpy(v->compile_by, "tern");
	strcpy(v->compile_domain, "localdomain");
	strcpy(v->compile_date, "Thu Jan  1 00:00:00 UTC 2026");
	strcpy(v->build_id, "0123456789abcdef");
	v->virt_start = 0xffff800000000000ull;
	v->pagesize = 4096;
	d0->domain = 0;
	d0->flags = TERN_DOMINF_running | TERN_DOMINF_hvm_guest | TERN_DOMINF_privileged;
	d0->tot_pages = 65536 - 256 + 16; /* 255 MiB and a bit */
	d0->max_pages = 65536;
	d0->cpu_time = 14600000000ull;
	d0->nr_online_vcpus = 1;
	canned.ndoms = 1;
	canned.vcpus[0][0] = (struct tern_domctl_getvcpuinfo){
		.online = 1, .running = 1, .cpu_time = 14600000000ull, .cpu = 0, .cpumap = 1,
	};
	canned.weight[0] = 256;
}

/* ---- running xl ---- */

struct run {
	int status;
	char *out, *err;
};

static struct run xl(const char *args)
{
	char buf[512], *argv[16];
	int argc = 0;
	size_t olen, elen;
	struct run r;
	struct xl_env env;

	snprintf(buf, sizeof(buf), "xl %s", args);
	for (char *t = strtok(buf, " "); t && argc < 15; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	env.be = &backend;
	env.out = open_memstream(&r.out, &olen);
	env.err = open_memstream(&r.err, &elen);
	env.opened = 0;
	r.status = xl_main(&env, argc, argv);
	fclose(env.out);
	fclose(env.err);
	return r;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static int setup(void **state)
{
	(void)state;
	canned_reset();
	return 0;
}

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

/* ---- xl vcpu-list, xl sched-credit ---- */

#define VCPU_HEADER "Name                                ID  VCPU   CPU State   Time(s) " \
	"Affinity (Hard / Soft)\n"
#define SCHED_POOL "Cpupool Pool-0: tslice=30ms ratelimit=30000us migration-delay=0us\n"
#define SCHED_HEADER "Name                                ID Weight  Cap\n"

/* A 4-pCPU host with domain 3 ("web", 2 vCPUs) beside dom0. */
static void add_sched_domu(void)
{
	struct tern_domaininfo *d = &canned.doms[1];

	canned.pi.nr_cpus = 4;
	canned.pi.max_cpu_id = 3;
	d->domain = 3;
	d->flags = TERN_DOMINF_hvm_guest | TERN_DOMINF_blocked;
	d->nr_online_vcpus = 1;
	d->max_vcpu_id = 1;
	canned.names[1] = "web";
	canned.ndoms = 2;
	canned.vcpus[1][0] = (struct tern_domctl_getvcpuinfo){
		.online = 1, .blocked = 1, .cpu_time = 2345000000ull, .cpu = 2, .cpumap = 0xe,
	};
	canned.vcpus[1][1] = (struct tern_domctl_getvcpuinfo){ .cpumap = 0xa };
	canned.weight[1] = 512;
	canned.cap[1] = 50;
}

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
	add_sched_domu();
	r = xl("vcpu-list");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, VCPU_HEADER
		"Domain-0                             0     0     0   r--      14.6  0 / all\n"
		"web                                  3     0     2   -b-       2.3  1-3 / all\n"
		"web                                  3     1     -   --p       0.0  1,3 / all\n");
	assert_string_equal(r.err, "");
	run_free(&r);
	r = xl("vcpu-list web");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, VCPU_HEADER
		"web                                  3     0     2   -b-       2.3  1-3 / all\n"
		"web                                  3     1     -   --p       0.0  1,3 / all\n");
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
	add_sched_domu();
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
	add_sched_domu();
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
	add_sched_domu();
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
		cmocka_unit_test_setup(test_list_too_many_domains, setup),
		cmocka_unit_test_setup(test_list_long_json, setup),
		cmocka_unit_test_setup(test_state_chars, setup),
		cmocka_unit_test_setup(test_dmesg_reads_all_and_clears, setup),
		cmocka_unit_test_setup(test_debug_keys_sends_the_keys, setup),
		cmocka_unit_test_setup(test_unknown_command, setup),
		cmocka_unit_test_setup(test_bad_option, setup),
		cmocka_unit_test_setup(test_no_command_and_help, setup),
		cmocka_unit_test_setup(test_lookup, setup),
		cmocka_unit_test_setup(test_format_cpumap, setup),
		cmocka_unit_test_setup(test_vcpu_list, setup),
		cmocka_unit_test_setup(test_sched_credit_list, setup),
		cmocka_unit_test_setup(test_sched_credit_set, setup),
		cmocka_unit_test_setup(test_sched_credit_errors, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
