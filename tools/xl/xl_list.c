/* `xl list [-l] [-v] [Domain]`: the domain table, or the domains as JSON. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

#define XL_LIST_BATCH 256

void xl_format_state(const struct tern_domaininfo *d, char state[7])
{
	static const char reasons[] = "-rscwS"; /* SHUTDOWN_poweroff .. soft_reset */
	int shutdown = (d->flags & TERN_DOMINF_shutdown) != 0;

	state[0] = (d->flags & TERN_DOMINF_running) ? 'r' : '-';
	state[1] = (d->flags & TERN_DOMINF_blocked) ? 'b' : '-';
	state[2] = (d->flags & TERN_DOMINF_paused) ? 'p' : '-';
	state[3] = shutdown ? 's' : '-';
	state[4] = !shutdown ? '-' : d->shutdown_reason < 6 ? reasons[d->shutdown_reason] : '?';
	state[5] = (d->flags & TERN_DOMINF_dying) ? 'd' : '-';
	state[6] = '\0';
}

void xl_format_uuid(const uint8_t h[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2], h[3], h[4], h[5], h[6],
		 h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}

void xl_domain_name(struct xl_env *env, uint16_t domid, char *out, size_t len)
{
	if (env->be->domain_name(env->be, domid, out, len) >= 0)
		return;
	/* No xenstore name: dom0 is Domain-0 (xen-init-dom0 would write it);
	 * xl prints a missing name with glibc's "(null)". */
	snprintf(out, len, "%s", domid == 0 ? "Domain-0" : "(null)");
}

/* Memory in MiB as xl shows it: current plus outstanding claims, truncated. */
static unsigned long domain_mib(const struct tern_domaininfo *d)
{
	return (unsigned long)((d->tot_pages + d->outstanding_pages) * 4 / 1024);
}

static void list_header(struct xl_env *env, int verbose)
{
	fprintf(env->out, "Name                                        ID   Mem VCPUs\tState\tTime(s)");
	if (verbose)
		fprintf(env->out, "   UUID                            Reason-Code\tSecurity Label");
	fputc('\n', env->out);
}

static void list_row(struct xl_env *env, const struct tern_domaininfo *d, int verbose)
{
	char name[256], state[7], uuid[37];

	xl_domain_name(env, d->domain, name, sizeof(name));
	xl_format_state(d, state);
	fprintf(env->out, "%-40s %5d %5lu %5d     %s  %8.1f", name, d->domain, domain_mib(d),
		(int)d->nr_online_vcpus, state, (double)d->cpu_time / 1e9);
	if (verbose) {
		xl_format_uuid(d->handle, uuid);
		fprintf(env->out, " %s", uuid);
		if (d->flags & TERN_DOMINF_shutdown)
			fprintf(env->out, " %8x", d->shutdown_reason);
		else
			fprintf(env->out, " %8s", "-");
		fprintf(env->out, " %16s", "-");
	}
	fputc('\n', env->out);
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/*
 * One element of `xl list -l`: {"domid": N, "config": {...}} with libxl's key
 * names. tern keeps no stored domain config yet, so the config is what the
 * hypervisor reports (type, name, uuid, vCPUs, memory).
 */
static void list_json_domain(struct xl_env *env, const struct tern_domaininfo *d, int last)
{
	FILE *f = env->out;
	char name[256], uuid[37];
	uint64_t kb = d->tot_pages * 4, max_kb = d->max_pages * 4;
	const char *type = !(d->flags & TERN_DOMINF_hvm_guest) ? "pv" :
			   d->domain == 0 ? "hvm" : "pvh";

	xl_domain_name(env, d->domain, name, sizeof(name));
	xl_format_uuid(d->handle, uuid);
	fprintf(f, "    {\n        \"domid\": %u,\n        \"config\": {\n", d->domain);
	fprintf(f, "            \"c_info\": {\n                \"type\": ");
	json_string(f, type);
	fprintf(f, ",\n                \"name\": ");
	json_string(f, name);
	fprintf(f, ",\n                \"uuid\": \"%s\",\n", uuid);
	fprintf(f, "                \"ssidref\": %u\n            },\n", d->ssidref);
	fprintf(f, "            \"b_info\": {\n");
	fprintf(f, "                \"max_vcpus\": %u,\n", d->max_vcpu_id + 1);
	fprintf(f, "                \"avail_vcpus\": [\n");
	for (uint32_t i = 0; i < d->nr_online_vcpus; i++)
		fprintf(f, "                    %u%s\n", i, i + 1 < d->nr_online_vcpus ? "," : "");
	fprintf(f, "                ],\n");
	fprintf(f, "                \"max_memkb\": %" PRIu64 ",\n", max_kb);
	fprintf(f, "                \"target_memkb\": %" PRIu64 "\n", kb);
	fprintf(f, "            }\n        }\n    }%s\n", last ? "" : ",");
}

int xl_name_to_domid(struct xl_env *env, const char *name, uint16_t *domid)
{
	struct tern_domaininfo batch[XL_LIST_BATCH];
	char got[256];
	int n;

	for (unsigned first = 0; first < DOMID_FIRST_RESERVED; ) {
		n = env->be->domain_list(env->be, (uint16_t)first, XL_LIST_BATCH, batch);
		if (n < 0)
			return n;
		for (int i = 0; i < n; i++) {
			uint16_t id = batch[i].domain;

			if (env->be->domain_name(env->be, id, got, sizeof(got)) < 0)
				snprintf(got, sizeof(got), "%s", id == 0 ? "Domain-0" : "");
			if (got[0] && strcmp(got, name) == 0) {
				*domid = id;
				return 0;
			}
		}
		if (n < XL_LIST_BATCH)
			break;
		first = batch[n - 1].domain + 1u;
	}
	return -ENOENT;
}

int xl_dom_resolve(struct xl_env *env, const char *arg, uint16_t *domid)
{
	const char *p;

	for (p = arg; *p && isdigit((unsigned char)*p); p++)
		;
	if (*arg && !*p) {
		unsigned long id = strlen(arg) < 8 ? strtoul(arg, NULL, 10) : DOMID_INVALID;

		*domid = id < DOMID_FIRST_RESERVED ? (uint16_t)id : DOMID_INVALID;
		return 0;
	}
	if (xl_open(env) < 0)
		return 1;
	if (xl_name_to_domid(env, arg, domid) == 0)
		return 0;
	fprintf(env->err, "%s is an invalid domain identifier (rc=-6)\n", arg);
	return 1;
}

int xl_find_domain(struct xl_env *env, const char *arg, struct tern_domaininfo *out)
{
	uint16_t domid;
	int rc;

	if (xl_dom_resolve(env, arg, &domid) || xl_open(env) < 0)
		return 1;
	rc = env->be->domain_info(env->be, domid, out);
	if (rc == -ESRCH) {
		fprintf(env->err, "Error: Domain '%s' does not exist.\n", arg);
		return 1;
	}
	if (rc < 0) {
		fprintf(env->err, "xl: cannot get domain %s's information: %s\n", arg,
			strerror(-rc));
		return 1;
	}
	return 0;
}

int xl_list_domains(struct xl_env *env, struct tern_domaininfo **doms, unsigned *ndoms)
{
	unsigned first = 0, cap = 0;
	int n;

	*doms = NULL;
	*ndoms = 0;
	do {
		if (*ndoms + XL_LIST_BATCH > cap) {
			struct tern_domaininfo *bigger;

			cap = *ndoms + XL_LIST_BATCH;
			bigger = realloc(*doms, cap * sizeof(**doms));
			if (!bigger) {
				fprintf(env->err, "xl: out of memory\n");
				return 1;
			}
			*doms = bigger;
		}
		n = env->be->domain_list(env->be, (uint16_t)first, XL_LIST_BATCH, *doms + *ndoms);
		if (n < 0) {
			fprintf(env->err, "xl: cannot list the domains "
				"(sysctl getdomaininfolist): %s\n", strerror(-n));
			return 1;
		}
		*ndoms += (unsigned)n;
		if (n > 0)
			first = (*doms)[*ndoms - 1].domain + 1u;
	} while (n == XL_LIST_BATCH && first < DOMID_FIRST_RESERVED);
	return 0;
}

int xl_cmd_list(struct xl_env *env, int argc, char **argv)
{
	static const struct xl_longopt longs[] = {
		{ "long", 'l' }, { "verbose", 'v' }, { NULL, 0 }
	};
	struct xl_opts st = { 0, 0 };
	struct tern_domaininfo *doms = NULL;
	unsigned ndoms = 0;
	int opt, details = 0, verbose = 0, rc = 0;

	while ((opt = xl_getopt(env, &st, argc, argv, "lv", longs)) != 0) {
		if (opt == 'h') {
			xl_usage(env, env->out, "list");
			return 0;
		}
		if (opt == '?')
			return 2;
		if (opt == 'l')
			details = 1;
		else
			verbose = 1;
	}
	if (argc - st.optind > 1) {
		xl_usage(env, env->err, "list");
		return 1;
	}
	if (xl_open(env) < 0)
		return 1;
	if (st.optind < argc) {
		doms = malloc(sizeof(*doms));
		if (!doms)
			return 1;
		rc = xl_find_domain(env, argv[st.optind], doms);
		if (rc)
			goto out;
		ndoms = 1;
	} else {
		rc = xl_list_domains(env, &doms, &ndoms);
		if (rc)
			goto out;
	}
	if (details) {
		fprintf(env->out, "[\n");
		for (unsigned i = 0; i < ndoms; i++)
			list_json_domain(env, &doms[i], i + 1 == ndoms);
		fprintf(env->out, "]\n");
	} else {
		list_header(env, verbose);
		for (unsigned i = 0; i < ndoms; i++)
			list_row(env, &doms[i], verbose);
	}
out:
	free(doms);
	return rc;
}
