/* The canned backend and in-process runner of xl's unit tests (xl_canned.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xl_canned.h"

/* ---- a canned backend ---- */


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

/* As the hypervisor: hard affinity loses dom0's pCPU and those beyond the
 * host; soft is kept, and comes back as soft & hard. */
static int c_vcpu_affinity(struct xl_backend *b, uint16_t domid,
			   struct tern_domctl_vcpuaffinity *a)
{
	int i = canned_index(b, domid);
	uint64_t host = (1ull << C(b)->pi.nr_cpus) - 1, hard = a->cpumap & host & ~1ull;
	struct tern_domctl_getvcpuinfo *v;

	if (i < 0)
		return -ESRCH;
	if (domid == 0 || a->vcpu > C(b)->doms[i].max_vcpu_id || a->vcpu >= 2 || !a->flags ||
	    a->flags & ~(TERN_VCPUAFFINITY_hard | TERN_VCPUAFFINITY_soft) ||
	    (a->flags & TERN_VCPUAFFINITY_hard && !hard))
		return -EINVAL;
	v = &C(b)->vcpus[i][a->vcpu];
	if (a->flags & TERN_VCPUAFFINITY_hard)
		v->cpumap = a->cpumap = hard;
	if (a->flags & TERN_VCPUAFFINITY_soft) {
		v->cpumap_soft = a->cpumap_soft;
		a->cpumap_soft &= v->cpumap;
	}
	C(b)->affinity_sets++;
	return 0;
}

static int c_max_mem(struct xl_backend *b, uint16_t domid, uint64_t max_kb)
{
	int i = canned_index(b, domid);

	if (i < 0)
		return -ESRCH;
	if (C(b)->max_mem_rc)
		return C(b)->max_mem_rc;
	C(b)->max_kb[i] = max_kb;
	return 0;
}

static int c_xs_open(struct xl_backend *b)
{
	return C(b)->xs_open_rc;
}

const char *canned_xs_get(const char *path)
{
	for (unsigned i = 0; i < canned.nxs; i++)
		if (strcmp(canned.xs[i].path, path) == 0)
			return canned.xs[i].value;
	return NULL;
}

void canned_xs_set(const char *path, const char *value)
{
	unsigned i;

	for (i = 0; i < canned.nxs && strcmp(canned.xs[i].path, path); i++)
		;
	assert_true(i < sizeof(canned.xs) / sizeof(canned.xs[0]));
	snprintf(canned.xs[i].path, sizeof(canned.xs[i].path), "%s", path);
	snprintf(canned.xs[i].value, sizeof(canned.xs[i].value), "%s", value);
	if (i == canned.nxs)
		canned.nxs++;
}

static int c_xs_read(struct xl_backend *b, const char *path, char **value)
{
	const char *v = canned_xs_get(path);

	(void)b;
	if (!v)
		return -ENOENT;
	*value = strdup(v);
	return *value ? 0 : -ENOMEM;
}

static int c_xs_write(struct xl_backend *b, unsigned n, const char *const *paths,
		      const char *const *values)
{
	if (C(b)->xs_write_rc)
		return C(b)->xs_write_rc;
	for (unsigned i = 0; i < n; i++)
		canned_xs_set(paths[i], values[i]);
	C(b)->xs_writes++;
	return 0;
}

struct canned canned;
static struct xl_backend backend = {
	&canned, c_open, c_uname, c_physinfo, c_version, c_sched_id, c_domain_list,
	c_domain_info, c_readconsole, c_domain_name, c_debug_keys, c_vcpu_info, c_sched_credit,
	c_vcpu_affinity, c_max_mem, c_xs_open, c_xs_read, c_xs_write,
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
		.cpumap_soft = ~0ull,
	};
	canned.weight[0] = 256;
}

/* ---- running xl ---- */


struct run xl(const char *args)
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
	env.dryrun = 0;
	r.status = xl_main(&env, argc, argv);
	fclose(env.out);
	fclose(env.err);
	return r;
}

void xl_expect(const char *args, int status, const char *err)
{
	struct run r = xl(args);

	if (r.status != status || strcmp(r.err, err) != 0)
		fail_msg("xl %s: status %d (want %d), stderr:\n%s\nwant:\n%s", args, r.status,
			 status, r.err, err);
	run_free(&r);
}

void canned_add_web(void)
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
		.cpumap_soft = ~0ull,
	};
	canned.vcpus[1][1] = (struct tern_domctl_getvcpuinfo){ .cpumap = 0xa, .cpumap_soft = 0x4 };
	canned.weight[1] = 512;
	canned.cap[1] = 50;
}

void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

int setup(void **state)
{
	(void)state;
	canned_reset();
	return 0;
}
