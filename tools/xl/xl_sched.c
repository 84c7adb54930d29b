/*
 * `xl vcpu-list [Domain ...]` and `xl sched-credit` (docs/toolstack.md):
 * the vCPUs with their pCPU, state, run time and hard and soft affinity,
 * and the credit scheduler's weight and cap of each domain.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

/* tern's credit scheduler: fixed slices, and a running vCPU is never
 * preempted for a waking one (as if the rate limit were a whole slice). */
#define XL_POOL_LINE "Cpupool Pool-0: tslice=30ms ratelimit=30000us migration-delay=0us\n"

void xl_format_cpumap(uint64_t map, unsigned nr_cpus, char *out, size_t len)
{
	uint64_t all = nr_cpus >= 64 ? ~0ull : (1ull << nr_cpus) - 1;
	size_t pos = 0;

	map &= all;
	if (!map || map == all) {
		snprintf(out, len, "%s", map ? "all" : "none");
		return;
	}
	out[0] = '\0';
	for (unsigned first = 0; first < 64 && pos < len; first++) {
		unsigned last = first;

		if (!(map >> first & 1))
			continue;
		while (last < 63 && map >> (last + 1) & 1)
			last++;
		pos += (size_t)snprintf(out + pos, len - pos, last > first ? "%s%u-%u" : "%s%u",
					pos ? "," : "", first, last);
		first = last;
	}
}

/* How many pCPUs the host has (maps are printed over them). */
static unsigned host_cpus(struct xl_env *env)
{
	struct tern_sysctl_physinfo pi;

	if (env->be->physinfo(env->be, &pi) < 0 || !pi.nr_cpus)
		return 64;
	return pi.nr_cpus;
}

/* Domain operands (none: every domain) into a malloc'ed list; 0 or the exit status. */
static int operand_domains(struct xl_env *env, int argc, char **argv,
			   struct tern_domaininfo **doms, unsigned *n)
{
	if (argc == 0)
		return xl_list_domains(env, doms, n);
	*n = 0;
	*doms = calloc((size_t)argc, sizeof(**doms));
	if (!*doms) {
		fprintf(env->err, "xl: out of memory\n");
		return 1;
	}
	for (int i = 0; i < argc; i++) {
		if (xl_find_domain(env, argv[i], &(*doms)[*n]))
			return 1;
		(*n)++;
	}
	return 0;
}

/* ---- vcpu-list ---- */

static void vcpu_rows(struct xl_env *env, const struct tern_domaininfo *d, unsigned nr_cpus)
{
	char name[256], hard[256], soft[256];

	xl_domain_name(env, d->domain, name, sizeof(name));
	for (uint32_t v = 0; v <= d->max_vcpu_id; v++) {
		struct tern_domctl_getvcpuinfo info;

		if (env->be->vcpu_info(env->be, d->domain, v, &info) != 0)
			continue;
		fprintf(env->out, "%-32s %5u %5u", name, d->domain, v);
		if (info.online)
			fprintf(env->out, " %5u %3c%c- ", info.cpu, info.running ? 'r' : '-',
				info.blocked ? 'b' : '-');
		else
			fprintf(env->out, "     -   --p ");
		xl_format_cpumap(info.cpumap, nr_cpus, hard, sizeof(hard));
		xl_format_cpumap(info.cpumap_soft, nr_cpus, soft, sizeof(soft));
		fprintf(env->out, "%9.1f  %s / %s\n", (double)info.cpu_time / 1e9, hard, soft);
	}
}

int xl_cmd_vcpu_list(struct xl_env *env, int argc, char **argv)
{
	struct tern_domaininfo *doms = NULL;
	unsigned n = 0, nr_cpus;
	int optind, rc = xl_cmd_options(env, argc, argv, "vcpu-list", "", &optind, NULL, NULL);

	if (rc)
		return rc - 1;
	if (xl_open(env) < 0)
		return 1;
	rc = operand_domains(env, argc - optind, argv + optind, &doms, &n);
	if (rc == 0) {
		nr_cpus = host_cpus(env);
		fprintf(env->out, "%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU",
			"State", "Time(s)", "Affinity (Hard / Soft)");
		for (unsigned i = 0; i < n; i++)
			vcpu_rows(env, &doms[i], nr_cpus);
	}
	free(doms);
	return rc;
}

/* ---- sched-credit ---- */

static int sched_row(struct xl_env *env, uint16_t domid)
{
	struct tern_domctl_scheduler_op op = { .cmd = TERN_SCHEDOP_getinfo };
	char name[256];
	int rc = env->be->sched_credit(env->be, domid, &op);

	if (rc) {
		fprintf(env->err, "xl: cannot get the scheduler parameters of domain %u: %s\n",
			domid, strerror(-rc));
		return 1;
	}
	xl_domain_name(env, domid, name, sizeof(name));
	fprintf(env->out, "%-33s %4d %6u %4u\n", name, domid, op.weight, op.cap);
	return 0;
}

static void sched_header(struct xl_env *env)
{
	fprintf(env->out, "%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
}

/* A value of -w or -c: a number in [min, max]; 0, or 1 after a message. */
static int sched_value(struct xl_env *env, const char *what, const char *s, unsigned long min,
		       unsigned long max, const char *why, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || v < min || v > max) {
		fprintf(env->err, "xl: %s '%s' is not valid: it must be a number from %lu to %lu%s\n",
			what, s, min, max, why);
		return 1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int sched_set(struct xl_env *env, const struct tern_domaininfo *d, const char *weight,
		     const char *cap)
{
	struct tern_domctl_scheduler_op op = { .cmd = TERN_SCHEDOP_putinfo };
	unsigned vcpus = d->max_vcpu_id + 1;
	char why[64];
	int rc;

	if (d->domain == 0) {
		fprintf(env->err, "xl: Domain-0 has pCPU 0 to itself under tern: its weight and cap "
			"do not apply and cannot be set\n");
		return 1;
	}
	snprintf(why, sizeof(why), " (100 per vCPU; the domain has %u)", vcpus);
	if (weight && sched_value(env, "weight", weight, 1, 65535, "", &op.weight))
		return 1;
	if (cap && sched_value(env, "cap", cap, 0, 100ul * vcpus, why, &op.cap))
		return 1;
	op.flags = (weight ? TERN_SCHED_set_weight : 0) | (cap ? TERN_SCHED_set_cap : 0);
	rc = env->be->sched_credit(env->be, d->domain, &op);
	if (rc) {
		fprintf(env->err, "xl: cannot set the scheduler parameters of domain %u: %s\n",
			d->domain, strerror(-rc));
		return 1;
	}
	return 0;
}

int xl_cmd_sched_credit(struct xl_env *env, int argc, char **argv)
{
	static const struct xl_longopt longs[] = {
		{ "domain", 'd' }, { "weight", 'w' }, { "cap", 'c' }, { "schedparam", 's' },
		{ "tslice_ms", 't' }, { "ratelimit_us", 'r' }, { "migration_delay_us", 'm' },
		{ "cpupool", 'p' }, { NULL, 0 }
	};
	struct xl_opts st = { 0, 0 };
	const char *dom = NULL, *pool = NULL, *weight = NULL, *cap = NULL, *v;
	struct tern_domaininfo *doms = NULL, one;
	unsigned n = 0;
	int c, schedparam = 0, set_param = 0, rc = 0;

	while ((c = xl_getopt(env, &st, argc, argv, "d:w:c:p:t:r:m:s", longs)) != 0) {
		if (c == 'h') {
			xl_usage(env, env->out, "sched-credit");
			return 0;
		}
		if (c == '?')
			return 2;
		if (c == 's') {
			schedparam = 1;
			continue;
		}
		v = xl_optarg(env, &st, argc, argv, (char)c);
		if (!v)
			return 2;
		if (c == 'd')
			dom = v;
		else if (c == 'w')
			weight = v;
		else if (c == 'c')
			cap = v;
		else if (c == 'p')
			pool = v;
		else
			set_param = 1; /* -t, -r, -m */
	}
	if ((pool || schedparam) && (dom || weight || cap)) {
		fprintf(env->err, "Specifying a cpupool or schedparam is not allowed with domain "
			"options.\n");
		return 1;
	}
	if (!dom && (weight || cap)) {
		fprintf(env->err, "Must specify a domain.\n");
		return 1;
	}
	if (!schedparam && set_param) {
		fprintf(env->err, "Must specify schedparam to set schedule parameter values.\n");
		return 1;
	}
	if (pool && strcmp(pool, "Pool-0") != 0 && strcmp(pool, "0") != 0) {
		fprintf(env->err, "unknown cpupool '%s'\n", pool);
		return 1;
	}
	if (schedparam) {
		if (set_param) {
			fprintf(env->err, "xl: tern's credit scheduler parameters are fixed: "
				"tslice, ratelimit and migration-delay cannot be set\n");
			return 1;
		}
		fprintf(env->out, XL_POOL_LINE);
		return 0;
	}
	if (xl_open(env) < 0)
		return 1;
	if (dom) {
		if (xl_find_domain(env, dom, &one))
			return 1;
		if (weight || cap)
			return sched_set(env, &one, weight, cap);
		sched_header(env);
		return sched_row(env, one.domain);
	}
	if (xl_list_domains(env, &doms, &n) == 0) {
		fprintf(env->out, XL_POOL_LINE);
		sched_header(env);
		for (unsigned i = 0; i < n; i++)
			rc |= sched_row(env, doms[i].domain);
	} else {
		rc = 1;
	}
	free(doms);
	return rc;
}
