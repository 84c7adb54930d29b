/* `xl info`, `xl dmesg` and `xl top`: the host, the hypervisor's console ring, xentop. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "xl.h"

/* One `xl info` line: name in 23 columns, ": ", value; or only the value of
 * names starting with field when a FIELD operand was given. */
static void info_line(struct xl_env *env, const char *field, const char *name,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void info_line(struct xl_env *env, const char *field, const char *name,
		      const char *fmt, ...)
{
	va_list ap;

	if (field && strncmp(name, field, strlen(field)) != 0)
		return;
	if (!field)
		fprintf(env->out, "%-23s: ", name);
	va_start(ap, fmt);
	vfprintf(env->out, fmt, ap);
	va_end(ap);
	fputc('\n', env->out);
}

/* MiB from 4 KiB pages, truncated, as xl prints memory. */
static unsigned long long pages_mib(uint64_t pages)
{
	return (unsigned long long)(pages / 256);
}

static void info_virt_caps(struct xl_env *env, const char *field, uint32_t caps)
{
	char buf[256] = "";
	int directio = (caps & TERN_PHYSCAP_directio) != 0;

	/* Each token brings its own leading space, as xl prints them. */
	if (caps & TERN_PHYSCAP_pv)
		strcat(buf, " pv");
	if (caps & TERN_PHYSCAP_hvm)
		strcat(buf, " hvm");
	if ((caps & TERN_PHYSCAP_hvm) && directio)
		strcat(buf, " hvm_directio");
	if ((caps & TERN_PHYSCAP_pv) && directio)
		strcat(buf, " pv_directio");
	if (caps & TERN_PHYSCAP_hap)
		strcat(buf, " hap");
	if (caps & TERN_PHYSCAP_shadow)
		strcat(buf, " shadow");
	if (caps & TERN_PHYSCAP_iommu_hap_pt_share)
		strcat(buf, " iommu_hap_pt_share");
	if (caps & TERN_PHYSCAP_vmtrace)
		strcat(buf, " vmtrace");
	if (caps & TERN_PHYSCAP_vpmu)
		strcat(buf, " vpmu");
	if (caps & TERN_PHYSCAP_gnttab_v1)
		strcat(buf, " gnttab-v1");
	if (caps & TERN_PHYSCAP_gnttab_v2)
		strcat(buf, " gnttab-v2");
	if (field && strncmp("virt_caps", field, strlen(field)) != 0)
		return;
	if (field)
		fprintf(env->out, "%s\n", buf[0] ? buf + 1 : "");
	else
		fprintf(env->out, "%-23s:%s\n", "virt_caps", buf);
}

static void info_physinfo(struct xl_env *env, const char *field,
			  const struct tern_sysctl_physinfo *pi)
{
	uint64_t free = pi->free_pages > pi->outstanding_pages ?
		pi->free_pages - pi->outstanding_pages : 0;

	info_line(env, field, "nr_cpus", "%u", pi->nr_cpus);
	info_line(env, field, "max_cpu_id", "%u", pi->max_cpu_id);
	info_line(env, field, "nr_nodes", "%u", pi->nr_nodes);
	info_line(env, field, "cores_per_socket", "%u", pi->cores_per_socket);
	info_line(env, field, "threads_per_core", "%u", pi->threads_per_core);
	info_line(env, field, "cpu_mhz", "%u.%03u", pi->cpu_khz / 1000, pi->cpu_khz % 1000);
	info_line(env, field, "hw_caps", "%08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x",
		  pi->hw_cap[0], pi->hw_cap[1], pi->hw_cap[2], pi->hw_cap[3],
		  pi->hw_cap[4], pi->hw_cap[5], pi->hw_cap[6], pi->hw_cap[7]);
	info_virt_caps(env, field, pi->capabilities);
	info_line(env, field, "total_memory", "%llu", pages_mib(pi->total_pages));
	info_line(env, field, "free_memory", "%llu", pages_mib(free));
	/* tern shares no pages between domains. */
	info_line(env, field, "sharing_freed_memory", "%u", 0);
	info_line(env, field, "sharing_used_memory", "%u", 0);
	info_line(env, field, "outstanding_claims", "%llu", pages_mib(pi->outstanding_pages));
	/* Every pCPU belongs to Pool-0. */
	info_line(env, field, "free_cpus", "%u", 0);
}

static void info_version(struct xl_env *env, const char *field, const struct tc_version *v,
			 const char *sched)
{
	info_line(env, field, "xen_major", "%u", v->major);
	info_line(env, field, "xen_minor", "%u", v->minor);
	info_line(env, field, "xen_extra", "%s", v->extra);
	info_line(env, field, "xen_version", "%u.%u%s", v->major, v->minor, v->extra);
	info_line(env, field, "xen_caps", "%s", v->caps);
	info_line(env, field, "xen_scheduler", "%s", sched);
	info_line(env, field, "xen_pagesize", "%lu", v->pagesize);
	info_line(env, field, "platform_params", "virt_start=0x%" PRIx64, v->virt_start);
	info_line(env, field, "xen_changeset", "%s", v->changeset);
	info_line(env, field, "xen_commandline", "%s", v->commandline);
	info_line(env, field, "cc_compiler", "%s", v->compiler);
	info_line(env, field, "cc_compile_by", "%s", v->compile_by);
	info_line(env, field, "cc_compile_domain", "%s", v->compile_domain);
	info_line(env, field, "cc_compile_date", "%s", v->compile_date);
	info_line(env, field, "build_id", "%s", v->build_id);
}

int xl_cmd_info(struct xl_env *env, int argc, char **argv)
{
	static const struct xl_longopt longs[] = { { "xenstore", 'x' }, { NULL, 0 } };
	struct xl_opts st = { 0, 0 };
	struct tern_sysctl_physinfo pi;
	struct tc_version v;
	struct utsname u;
	const char *field = NULL;
	uint32_t sched;
	int opt, xenstore = 0, rc;

	while ((opt = xl_getopt(env, &st, argc, argv, "x", longs)) != 0) {
		if (opt == 'h') {
			xl_usage(env, env->out, "info");
			return 0;
		}
		if (opt == '?')
			return 2;
		xenstore = 1;
	}
	if (st.optind < argc)
		field = argv[st.optind];
	if (xl_open(env) < 0)
		return 1;
	if (env->be->uname(env->be, &u) == 0) {
		info_line(env, field, "host", "%s", u.nodename);
		info_line(env, field, "release", "%s", u.release);
		info_line(env, field, "version", "%s", u.version);
		info_line(env, field, "machine", "%s", u.machine);
	}
	rc = env->be->physinfo(env->be, &pi);
	if (rc < 0) {
		fprintf(env->err, "xl: cannot get the host's physical information "
			"(sysctl physinfo): %s\n", strerror(-rc));
		return 1;
	}
	info_physinfo(env, field, &pi);
	rc = env->be->version(env->be, &v);
	if (rc < 0) {
		fprintf(env->err, "xl: cannot get the hypervisor's version: %s\n", strerror(-rc));
		return 1;
	}
	rc = env->be->sched_id(env->be, &sched);
	if (rc < 0) {
		fprintf(env->err, "xl: cannot get the scheduler (sysctl sched_id): %s\n",
			strerror(-rc));
		return 1;
	}
	info_version(env, field, &v, tc_sched_name(sched));
	if (xenstore)
		info_line(env, field, "xenstore_features", "0x%08x", 0);
	info_line(env, field, "xend_config_format", "%d", 4);
	return 0;
}

int xl_cmd_debug_keys(struct xl_env *env, int argc, char **argv)
{
	struct xl_opts st = { 0, 0 };
	size_t n;
	int opt, rc;

	while ((opt = xl_getopt(env, &st, argc, argv, "", NULL)) != 0) {
		if (opt == 'h') {
			xl_usage(env, env->out, "debug-keys");
			return 0;
		}
		return 2;
	}
	if (argc - st.optind != 1) {
		fprintf(env->err, "'xl debug-keys' requires at least 1 argument.\n\n");
		xl_usage(env, env->err, "debug-keys");
		return 2;
	}
	n = strlen(argv[st.optind]);
	if (n == 0 || n > TERN_SYSCTL_MAX_DEBUG_KEYS) {
		fprintf(env->err, "xl: debug-keys takes 1 to %d keys\n", TERN_SYSCTL_MAX_DEBUG_KEYS);
		return 1;
	}
	if (xl_open(env) < 0)
		return 1;
	rc = env->be->debug_keys(env->be, argv[st.optind], (uint32_t)n);
	if (rc < 0) {
		fprintf(env->err, "cannot send debug keys: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}

int xl_cmd_dmesg(struct xl_env *env, int argc, char **argv)
{
	static const struct xl_longopt longs[] = { { "clear", 'c' }, { NULL, 0 } };
	struct xl_opts st = { 0, 0 };
	char buf[16384];
	uint64_t index = 0;
	uint32_t count;
	int opt, clear = 0, rc;

	while ((opt = xl_getopt(env, &st, argc, argv, "c", longs)) != 0) {
		if (opt == 'h') {
			xl_usage(env, env->out, "dmesg");
			return 0;
		}
		if (opt == '?')
			return 2;
		clear = 1;
	}
	if (xl_open(env) < 0)
		return 1;
	/* Read from the oldest byte held to the end, then clear if asked. */
	do {
		count = sizeof(buf);
		rc = env->be->readconsole(env->be, buf, &count, 0, 1, &index);
		if (rc < 0) {
			fprintf(env->err, "xl: cannot read the hypervisor console "
				"(sysctl readconsole): %s\n", strerror(-rc));
			return 1;
		}
		fwrite(buf, 1, count, env->out);
	} while (count > 0);
	if (clear) {
		count = 0;
		rc = env->be->readconsole(env->be, buf, &count, 1, 1, &index);
		if (rc < 0) {
			fprintf(env->err, "xl: cannot clear the hypervisor console: %s\n",
				strerror(-rc));
			return 1;
		}
	}
	return 0;
}

/* `xl top`: xentop, as Xen's xl runs it; its exit status is xl's. */
int xl_cmd_top(struct xl_env *env, int argc, char **argv)
{
	int optind, rc = xl_cmd_options(env, argc, argv, "top", "", &optind, NULL, NULL);

	if (rc)
		return rc - 1;
	fflush(env->out);
	rc = system("xentop");
	if (rc == -1) {
		fprintf(env->err, "xl: cannot run xentop: %s\n", strerror(errno));
		return 1;
	}
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}
