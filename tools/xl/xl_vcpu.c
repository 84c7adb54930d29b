/*
 * `xl vcpu-set` and `xl vcpu-pin`: how many of a domain's vCPUs it may use,
 * and which pCPUs each may run on (hard affinity) and prefers (soft),
 * with Xen's checks and messages.
 *
 * vcpu-set only writes cpu/<i>/availability ("online" for vCPUs 0..N-1,
 * "offline" above) in the domain's xenstore directory, as libxl does for
 * PV and PVH guests: the guest's own xenbus watch takes a vCPU offline
 * (Linux: it halts with interrupts off) and brings one back (INIT and
 * STARTUP through its local APIC); the hypervisor follows what the guest
 * does.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"
#include "xlcfg.h"

/* libxl's ERROR_FAIL, which xl prints as rc. */
#define XL_ERROR_FAIL (-3)

/* A number of vCPUs, or a vCPU: digits only, at most INT_MAX. */
static int count_of(const char *s, long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v > INT_MAX)
		return -EINVAL;
	*out = (long)v;
	return 0;
}

/* ---- vcpu-set ---- */

/* Writes cpu/<i>/availability for every vCPU of the domain, in one transaction. */
static int set_availability(struct xl_env *env, const struct tern_domaininfo *d, long n)
{
	char paths[TERN_MAX_VCPUS][64];
	const char *p[TERN_MAX_VCPUS], *v[TERN_MAX_VCPUS];
	unsigned count = d->max_vcpu_id + 1 < TERN_MAX_VCPUS ? d->max_vcpu_id + 1 : TERN_MAX_VCPUS;

	if (xl_xs_open(env) < 0)
		return -ENOTCONN;
	for (unsigned i = 0; i < count; i++) {
		snprintf(paths[i], sizeof(paths[i]), "/local/domain/%u/cpu/%u/availability",
			 d->domain, i);
		p[i] = paths[i];
		v[i] = (long)i < n ? "online" : "offline";
	}
	return env->be->xs_write(env->be, count, p, v);
}

int xl_cmd_vcpu_set(struct xl_env *env, int argc, char **argv)
{
	static const struct xl_longopt longs[] = { { "ignore-host", 'i' }, { NULL, 0 } };
	struct xl_opts st = { 0, 0 };
	struct tern_domaininfo d;
	struct tern_sysctl_physinfo pi;
	uint16_t domid;
	char dom[XL_LIBXL_DOM_LEN];
	long n;
	int c, check_host = 1, rc;

	while ((c = xl_getopt(env, &st, argc, argv, "i", longs)) != 0) {
		if (c == 'h') {
			xl_usage(env, env->out, "vcpu-set");
			return 0;
		}
		if (c == '?')
			return 2;
		check_host = 0; /* -i */
	}
	if ((rc = xl_needs_args(env, "vcpu-set", argc - st.optind, 2)) != 0)
		return rc;
	if (xl_dom_resolve(env, argv[st.optind], &domid))
		return 1;
	if (count_of(argv[st.optind + 1], &n)) {
		fprintf(env->err, "Error: Invalid argument.\n");
		return 1;
	}
	if (xl_open(env) < 0)
		return 1;
	if (env->be->domain_info(env->be, domid, &d) < 0) {
		fprintf(env->err, "Domain %s does not exist.\n", argv[st.optind]);
		return 1;
	}
	if (check_host && env->be->physinfo(env->be, &pi) == 0 && n > (long)d.nr_online_vcpus &&
	    n > (long)pi.max_cpu_id + 1) {
		fprintf(env->err, "You are overcommmitting! You have %u physical CPUs and want %ld "
			"vCPUs! Aborting, use --ignore-host to continue\n", pi.max_cpu_id + 1, n);
		return 1;
	}
	if (n == 0 || n > (long)d.max_vcpu_id + 1) {
		if (n == 0)
			fprintf(env->err, "libxl: error: libxl_domain.c:1863:libxl_set_vcpuonline: "
				"%sRequested 0 VCPUs!\n", xl_libxl_dom(domid, dom));
		else
			fprintf(env->err, "libxl: error: libxl_domain.c:1869:libxl_set_vcpuonline: "
				"%sRequested %ld VCPUs, however maxcpus is %u!\n",
				xl_libxl_dom(domid, dom), n, d.max_vcpu_id + 1);
		fprintf(env->err, "libxl_set_vcpuonline failed domid=%u max_vcpus=%ld, rc: %d\n",
			domid, n, XL_ERROR_FAIL);
		return 1;
	}
	rc = set_availability(env, &d, n);
	if (rc) {
		if (rc != -ENOTCONN)
			fprintf(env->err, "xl: cannot write the availability of domain %u's vCPUs "
				"in xenstore: %s\n", domid, strerror(-rc));
		fprintf(env->err, "libxl_set_vcpuonline failed domid=%u max_vcpus=%ld, rc: %d\n",
			domid, n, XL_ERROR_FAIL);
		return 1;
	}
	return 0;
}

/* ---- vcpu-pin ---- */

struct pin {
	uint16_t domid;
	uint32_t flags;          /* TERN_VCPUAFFINITY_* to set */
	uint64_t hard, soft;
};

/* A map operand: "-" leaves it alone (0), else a cpu list; 1 after a message. */
static int pin_map(struct xl_env *env, const char *s, uint32_t flag, uint64_t *map,
		   uint32_t *flags)
{
	if (strcmp(s, "-") == 0)
		return 0;
	if (strncmp(s, "^all", 4) == 0) {
		fprintf(env->err, "Can't combine \"^\" and \"all\".\n");
		return 1;
	}
	if (xlcfg_parse_cpumap(s, map)) {
		fprintf(env->err, "Invalid pcpu range: %s.\n", s);
		return 1;
	}
	*flags |= flag;
	return 0;
}

/* Sets one vCPU's affinities; 0, or -1 after libxl's message. */
static int pin_one(struct xl_env *env, const struct pin *p, uint32_t vcpu, int force)
{
	struct tern_domctl_vcpuaffinity a = {
		.vcpu = vcpu, .flags = p->flags, .cpumap = p->hard, .cpumap_soft = p->soft,
	};
	char dom[XL_LIBXL_DOM_LEN];
	int rc;

	if (!p->flags)
		return force ? 0 : -1; /* -f alone undoes a kernel's override: tern has none */
	rc = env->be->vcpu_affinity(env->be, p->domid, &a);
	if (rc) {
		fprintf(env->err, "libxl: error: libxl_sched.c:62:libxl__set_vcpuaffinity: "
			"%sSetting vcpu affinity: %s\n", xl_libxl_dom(p->domid, dom), strerror(-rc));
		return -1;
	}
	if (p->flags & TERN_VCPUAFFINITY_soft && !a.cpumap_soft)
		fprintf(env->err, "libxl: warning: libxl_sched.c:84:libxl__set_vcpuaffinity: "
			"%sAll cpus in soft affinity of vcpu %u are unreachable. Only hard affinity "
			"will be considered for scheduling\n", xl_libxl_dom(p->domid, dom), vcpu);
	return 0;
}

/* -N: what would be set, as "cpumap: <hard>|- [<soft>]". */
static void pin_dryrun(struct xl_env *env, const struct pin *p)
{
	struct tern_sysctl_physinfo pi;
	unsigned nr = env->be->physinfo(env->be, &pi) == 0 ? pi.max_cpu_id + 1 : 64;
	char map[256];

	fprintf(env->out, "cpumap: ");
	if (p->flags & TERN_VCPUAFFINITY_hard) {
		xl_format_cpumap(p->hard, nr, map, sizeof(map));
		fprintf(env->out, "%s", map);
	} else {
		fprintf(env->out, "-");
	}
	if (p->flags & TERN_VCPUAFFINITY_soft) {
		xl_format_cpumap(p->soft, nr, map, sizeof(map));
		fprintf(env->out, " %s", map);
	}
	fprintf(env->out, "\n");
}

int xl_cmd_vcpu_pin(struct xl_env *env, int argc, char **argv)
{
	static const struct xl_longopt longs[] = {
		{ "force", 'f' }, { "ignore-global-affinity-masks", 'i' }, { NULL, 0 }
	};
	struct xl_opts st = { 0, 0 };
	struct tern_domaininfo d;
	struct pin p = { 0, 0, 0, 0 };
	const char *vcpu;
	long id = -1;
	int c, force = 0, rc;

	while ((c = xl_getopt(env, &st, argc, argv, "fi", longs)) != 0) {
		if (c == 'h') {
			xl_usage(env, env->out, "vcpu-pin");
			return 0;
		}
		if (c == '?')
			return 2;
		if (c == 'f')
			force = 1;
		/* -i: tern has no global affinity masks (xl.conf) to ignore. */
	}
	if ((rc = xl_needs_args(env, "vcpu-pin", argc - st.optind, 3)) != 0)
		return rc;
	if (xl_dom_resolve(env, argv[st.optind], &p.domid))
		return 1;
	vcpu = argv[st.optind + 1];
	if (count_of(vcpu, &id)) {
		if (strcmp(vcpu, "all") != 0) {
			fprintf(env->err, "Error: Invalid argument %s as VCPU.\n", vcpu);
			return 1;
		}
		if (force) {
			fprintf(env->err, "Error: --force and 'all' as VCPU not allowed.\n");
			return 1;
		}
		id = -1;
	}
	if (pin_map(env, argv[st.optind + 2], TERN_VCPUAFFINITY_hard, &p.hard, &p.flags))
		return 1;
	if (argc - st.optind > 3 &&
	    pin_map(env, argv[st.optind + 3], TERN_VCPUAFFINITY_soft, &p.soft, &p.flags))
		return 1;
	if (xl_open(env) < 0)
		return 1;
	if (env->dryrun) {
		pin_dryrun(env, &p);
		return 0;
	}
	if (id >= 0) {
		if (pin_one(env, &p, (uint32_t)id, force)) {
			fprintf(env->err, "Could not set affinity for vcpu `%ld'.\n", id);
			return 1;
		}
		return 0;
	}
	if (env->be->domain_info(env->be, p.domid, &d) < 0) {
		fprintf(env->err, "libxl_list_vcpu failed.\n");
		return 1;
	}
	rc = 0;
	for (uint32_t v = 0; v <= d.max_vcpu_id; v++) {
		if (pin_one(env, &p, v, 0)) {
			char dom[XL_LIBXL_DOM_LEN];

			fprintf(env->err, "libxl: warning: libxl_sched.c:124:"
				"libxl_set_vcpuaffinity_all: %sFailed to set affinity for %u\n",
				xl_libxl_dom(p.domid, dom), v);
			rc = 1;
		}
	}
	if (rc)
		fprintf(env->err, "Could not set affinity.\n");
	return 0; /* as xl: vcpu-pin all reports failures but succeeds */
}
