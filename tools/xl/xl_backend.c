/* xl's real backend: the hypervisor through libternctl, names from xenstore. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xl.h"

struct xl_real {
	struct tc_handle tc;
	char *conbuf; /* resident buffer for readconsole */
	uint32_t conlen;
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

int main(int argc, char **argv)
{
	struct xl_real real = { { -1 }, NULL, 0 };
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
	};
	struct xl_env env = { &be, stdout, stderr, 0 };
	int rc = xl_main(&env, argc, argv);

	tc_close(&real.tc);
	tc_buf_free(real.conbuf, real.conlen);
	if (fflush(stdout) != 0)
		rc = rc ? rc : 1;
	return rc;
}
