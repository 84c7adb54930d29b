/* xl's real backend: the hypervisor through libternctl, xenstore through its socket. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

#define XS_TXN_TRIES 10

struct xl_real {
	struct tc_handle tc;
	char *conbuf; /* resident buffer for readconsole */
	uint32_t conlen;
	struct tc_xs xs; /* fd -1 until xs_open */
};

static int real_open(struct xl_backend *b, const char **what)
{
	struct xl_real *r = b->priv;

	*what = TC_PRIVCMD_PATH;
	return tc_open(&r->tc, NULL);
}

static int real_uname(struct xl_backend *b, struct utsname *u)
{
	(void)b;
	return uname(u) < 0 ? -errno : 0;
}

static int real_physinfo(struct xl_backend *b, struct tern_sysctl_physinfo *pi)
{
	return tc_physinfo(&((struct xl_real *)b->priv)->tc, pi);
}

static int real_version(struct xl_backend *b, struct tc_version *v)
{
	return tc_version_get(&((struct xl_real *)b->priv)->tc, v);
}

static int real_sched_id(struct xl_backend *b, uint32_t *id)
{
	return tc_sched_id(&((struct xl_real *)b->priv)->tc, id);
}

static int real_domain_list(struct xl_backend *b, uint16_t first, uint32_t max,
			    struct tern_domaininfo *out)
{
	return tc_domain_list(&((struct xl_real *)b->priv)->tc, first, max, out);
}

static int real_domain_info(struct xl_backend *b, uint16_t domid, struct tern_domaininfo *out)
{
	return tc_domain_info(&((struct xl_real *)b->priv)->tc, domid, out);
}

static int real_readconsole(struct xl_backend *b, char *buf, uint32_t *count, int clear,
			    int incremental, uint64_t *index)
{
	struct xl_real *r = b->priv;
	uint32_t n;
	int rc;

	if (*count > r->conlen) {
		tc_buf_free(r->conbuf, r->conlen);
		r->conbuf = tc_buf_alloc(*count);
		r->conlen = r->conbuf ? *count : 0;
		if (!r->conbuf)
			return -ENOMEM;
	}
	n = *count;
	rc = tc_readconsole(&r->tc, r->conbuf, &n, clear, incremental, index);
	if (rc == 0) {
		memcpy(buf, r->conbuf, n);
		*count = n;
	}
	return rc;
}

static int real_domain_name(struct xl_backend *b, uint16_t domid, char *out, size_t len)
{
	char path[64];
	int rc;

	(void)b;
	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	rc = tc_xs_read(path, out, len);
	return rc < 0 ? rc : 0;
}

static int real_debug_keys(struct xl_backend *b, const char *keys, uint32_t n)
{
	return tc_debug_keys(&((struct xl_real *)b->priv)->tc, keys, n);
}

static int real_vcpu_info(struct xl_backend *b, uint16_t domid, uint32_t vcpu,
			  struct tern_domctl_getvcpuinfo *out)
{
	return tc_vcpu_info(&((struct xl_real *)b->priv)->tc, domid, vcpu, out);
}

static int real_sched_credit(struct xl_backend *b, uint16_t domid,
			     struct tern_domctl_scheduler_op *op)
{
	return tc_sched_credit(&((struct xl_real *)b->priv)->tc, domid, op);
}

static int real_vcpu_affinity(struct xl_backend *b, uint16_t domid,
			      struct tern_domctl_vcpuaffinity *a)
{
	return tc_vcpu_affinity(&((struct xl_real *)b->priv)->tc, domid, a);
}

static int real_max_mem(struct xl_backend *b, uint16_t domid, uint64_t max_kb)
{
	struct tern_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = TERN_DOMCTL_max_mem;
	op.domain = domid;
	op.u.max_mem.max_memkb = max_kb;
	return tc_domctl(&((struct xl_real *)b->priv)->tc, &op);
}

static int real_xs_open(struct xl_backend *b)
{
	struct xl_real *r = b->priv;
	int rc;

	if (r->xs.fd >= 0)
		return 0;
	rc = xl_xs_connect(&r->xs);
	if (rc)
		r->xs.fd = -1;
	return rc;
}

static int real_xs_read(struct xl_backend *b, const char *path, char **value)
{
	return tc_xs_get(&((struct xl_real *)b->priv)->xs, 0, path, value);
}

static int real_xs_write(struct xl_backend *b, unsigned n, const char *const *paths,
			 const char *const *values)
{
	struct tc_xs *xs = &((struct xl_real *)b->priv)->xs;
	int rc = -EAGAIN;

	for (int tries = 0; rc == -EAGAIN && tries < XS_TXN_TRIES; tries++) {
		uint32_t tx;

		rc = tc_xs_txn_start(xs, &tx);
		if (rc)
			return rc;
		for (unsigned i = 0; rc == 0 && i < n; i++)
			rc = tc_xs_write(xs, tx, paths[i], values[i]);
		if (rc) {
			tc_xs_txn_end(xs, tx, 0);
			return rc;
		}
		rc = tc_xs_txn_end(xs, tx, 1);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct xl_real real = { { -1 }, NULL, 0, { .fd = -1 } };
	struct xl_backend be = {
		.priv = &real,
		.open = real_open,
		.uname = real_uname,
		.physinfo = real_physinfo,
		.version = real_version,
		.sched_id = real_sched_id,
		.domain_list = real_domain_list,
		.domain_info = real_domain_info,
		.readconsole = real_readconsole,
		.domain_name = real_domain_name,
		.debug_keys = real_debug_keys,
		.vcpu_info = real_vcpu_info,
		.sched_credit = real_sched_credit,
		.vcpu_affinity = real_vcpu_affinity,
		.max_mem = real_max_mem,
		.xs_open = real_xs_open,
		.xs_read = real_xs_read,
		.xs_write = real_xs_write,
	};
	struct xl_env env = { &be, stdout, stderr, 0, 0 };
	int rc = xl_main(&env, argc, argv);

	tc_close(&real.tc);
	if (real.xs.fd >= 0)
		tc_xs_close(&real.xs);
	tc_buf_free(real.conbuf, real.conlen);
	if (fflush(stdout) != 0)
		rc = rc ? rc : 1;
	return rc;
}
