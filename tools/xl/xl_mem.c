/*
 * `xl mem-max` and `xl mem-set`: a domain's memory limit in the hypervisor
 * (domctl max_mem) with memory/static-max, and the target its balloon
 * driver aims at (memory/target), with libxl's checks and messages.
 *
 * As libxl does (enforce), mem-set also sets the hypervisor's limit to the
 * new target. A target below what the domain has is the guest's to reach:
 * its balloon driver gives the difference back (XENMEM_decrease_reservation)
 * and, the limit being lower, cannot populate more meanwhile.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

#define XL_MEM_MAX_KB ((uint64_t)INT64_MAX >> 10) /* its bytes fit libxl's int64_t */

int xl_parse_mem_kb(const char *s, uint64_t *kb)
{
	unsigned shift = 10; /* KiB per unit: MiB by default */
	uint64_t v = 0;
	const char *p = s;
	int bytes = 0;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p && p[1])
		return -EINVAL;
	switch (tolower((unsigned char)*p)) {
	case 't':
		shift = 30;
		break;
	case 'g':
		shift = 20;
		break;
	case '\0':
	case 'm':
		break;
	case 'k':
		shift = 0;
		break;
	case 'b':
		bytes = 1;
		break;
	default:
		return -EINVAL;
	}
	if (bytes)
		v >>= 10;
	else if (v > XL_MEM_MAX_KB >> shift)
		return -EINVAL;
	else
		v <<= shift;
	if (v > XL_MEM_MAX_KB)
		return -EINVAL;
	*kb = v;
	return 0;
}

/* A KiB value from the domain's memory/<node>; 0, or 1 after libxl's message. */
static int read_kb(struct xl_env *env, uint16_t domid, const char *node, int line,
		   const char *func, uint64_t *kb)
{
	char path[64], *val = NULL, *end;
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, node);
	rc = env->be->xs_read(env->be, path, &val);
	if (rc) {
		fprintf(env->err, "libxl: error: libxl_mem.c:%d:%s: Domain %u:Cannot get memory "
			"info from %s: %s\n", line, func, domid, path, strerror(-rc));
		return 1;
	}
	errno = 0;
	*kb = strtoull(val, &end, 10);
	rc = !isdigit((unsigned char)*val) || *end || errno;
	if (rc)
		fprintf(env->err, "libxl: error: libxl_mem.c:%d:%s: Domain %u:Invalid memory %s "
			"from %s\n", line, func, domid, val, path);
	free(val);
	return rc;
}

/* The domain and size operands of mem-max and mem-set, and xenstore.
 * 0, or the exit status after a message. */
static int mem_args(struct xl_env *env, int argc, char **argv, const char *cmd,
		    struct tern_domaininfo *d, const char **mem, uint64_t *kb)
{
	int optind, rc = xl_cmd_operands(env, argc, argv, cmd, 2, &optind);

	if (rc)
		return rc - 1;
	if (xl_find_domain(env, argv[optind], d))
		return 1;
	*mem = argv[optind + 1];
	if (xl_parse_mem_kb(*mem, kb)) {
		fprintf(env->err, "invalid memory size: %s\n", *mem);
		return 1;
	}
	if (d->domain == 0) {
		fprintf(env->err, "xl: Domain-0's memory is fixed at boot under tern (dom0_mem=): "
			"it has no balloon target or limit to set\n");
		return 1;
	}
	return xl_xs_open(env) < 0 ? 1 : 0;
}

/* Sets the hypervisor's limit; 0, or 1 after libxl's message. */
static int set_limit(struct xl_env *env, const struct tern_domaininfo *d, uint64_t kb,
		     int line, const char *func)
{
	int rc = env->be->max_mem(env->be, d->domain, kb);

	if (!rc)
		return 0;
	fprintf(env->err, "libxl: error: libxl_mem.c:%d:%s: Domain %u:xc_domain_setmaxmem "
		"memkb=%" PRIu64 " failed rc=-1: %s\n", line, func, d->domain, kb, strerror(-rc));
	return 1;
}

/* mem-max: static-max may not go below the target. */
int xl_cmd_mem_max(struct xl_env *env, int argc, char **argv)
{
	static const char func[] = "libxl_domain_setmaxmem";
	struct tern_domaininfo d;
	const char *mem, *path_p, *value_p;
	char path[64], value[32];
	uint64_t kb, target;
	int rc = mem_args(env, argc, argv, "mem-max", &d, &mem, &kb);

	if (rc)
		return rc;
	rc = read_kb(env, d.domain, "target", 47, func, &target);
	if (!rc && kb < target) {
		fprintf(env->err, "libxl: error: libxl_mem.c:59:%s: Domain %u:memory_static_max "
			"must be greater than or or equal to memory_dynamic_max\n", func, d.domain);
		rc = 1;
	}
	if (!rc)
		rc = set_limit(env, &d, kb, 78, func);
	if (!rc) {
		snprintf(path, sizeof(path), "/local/domain/%u/memory/static-max", d.domain);
		snprintf(value, sizeof(value), "%" PRIu64, kb);
		path_p = path;
		value_p = value;
		rc = env->be->xs_write(env->be, 1, &path_p, &value_p);
		if (rc)
			fprintf(env->err, "libxl: error: libxl_mem.c:88:%s: Domain %u:Couldn't set "
				"%s: %s\n", func, d.domain, path, strerror(-rc));
	}
	if (rc)
		fprintf(env->err, "cannot set domid %u static max memory to : %s\n", d.domain, mem);
	return rc ? 1 : 0;
}

/*
 * mem-set: the target may not go above static-max; videoram is counted
 * out of it, as libxl does. The limit follows the target (libxl's enforce),
 * then memory/target and /vm/<uuid>/memory (MiB) are written together.
 */
int xl_cmd_mem_set(struct xl_env *env, int argc, char **argv)
{
	static const char func[] = "libxl_set_memory_target";
	struct tern_domaininfo d;
	const char *mem, *paths[2], *values[2];
	char path[2][96], value[2][32], uuid[37], *video = NULL;
	uint64_t kb, target, max, videoram = 0;
	int rc = mem_args(env, argc, argv, "mem-set", &d, &mem, &kb);

	if (rc)
		return rc;
	rc = read_kb(env, d.domain, "target", 234, func, &target) ||
	     read_kb(env, d.domain, "static-max", 251, func, &max);
	snprintf(path[0], sizeof(path[0]), "/local/domain/%u/memory/videoram", d.domain);
	if (!rc && env->be->xs_read(env->be, path[0], &video) == 0)
		videoram = strtoull(video, NULL, 10);
	free(video);
	kb = kb > videoram ? kb - videoram : 0;
	if (!rc && kb > max) {
		fprintf(env->err, "libxl: error: libxl_mem.c:278:%s: Domain %u:memory_dynamic_max "
			"must be less than or equal to memory_static_max\n", func, d.domain);
		rc = 1;
	}
	if (!rc)
		rc = set_limit(env, &d, kb + videoram, 299, func);
	if (!rc) {
		xl_format_uuid(d.handle, uuid);
		snprintf(path[0], sizeof(path[0]), "/local/domain/%u/memory/target", d.domain);
		snprintf(value[0], sizeof(value[0]), "%" PRIu64, kb);
		snprintf(path[1], sizeof(path[1]), "/vm/%s/memory", uuid);
		snprintf(value[1], sizeof(value[1]), "%" PRIu64, kb / 1024);
		for (int i = 0; i < 2; i++) {
			paths[i] = path[i];
			values[i] = value[i];
		}
		rc = env->be->xs_write(env->be, 2, paths, values);
		if (rc)
			fprintf(env->err, "libxl: error: %s: Domain %u:cannot write %s: %s\n", func,
				d.domain, path[0], strerror(-rc));
	}
	if (rc)
		fprintf(env->err, "cannot set domid %u dynamic max memory to : %s\n", d.domain, mem);
	return rc ? 1 : 0;
}
