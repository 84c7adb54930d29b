/*
 * `xl shutdown`, `reboot`, `destroy`, `pause`, `unpause`, `domid`, `domname`,
 * `uptime` (docs/toolstack.md), and the helpers
 * xl_create.c shares: privcmd, xenstore, domain name lookup, destroy.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "dombuild.h"
#include "xl_device.h"
#include "xl_domain.h"

/* Polling interval while waiting for a guest (no @releaseDomain watch yet). */
#define XL_POLL_MS 200
#define XL_ACK_TIMEOUT_S 60

static struct tc_handle xl_tc = { -1 };

struct tc_handle *xl_dom_tc(struct xl_env *env)
{
	int rc;

	if (xl_open(env) < 0)
		return NULL;
	if (xl_tc.fd >= 0)
		return &xl_tc;
	rc = tc_open(&xl_tc, NULL);
	if (rc < 0) {
		fprintf(env->err, "xl: cannot open %s: %s\n", TC_PRIVCMD_PATH, strerror(-rc));
		return NULL;
	}
	return &xl_tc;
}

int xl_dom_xs(struct xl_env *env, struct tc_xs *xs)
{
	int rc = xl_xs_connect(xs);

	if (rc)
		xl_xs_error(env, rc);
	return rc;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int domctl_simple(struct tc_handle *h, uint32_t cmd, uint16_t domid)
{
	struct tern_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.domain = domid;
	return tc_domctl(h, &op);
}

int xl_dom_pause(struct tc_handle *h, uint16_t domid, int pause)
{
	return domctl_simple(h, pause ? TERN_DOMCTL_pausedomain : TERN_DOMCTL_unpausedomain,
			     domid);
}

int xl_dom_destroy(struct xl_env *env, struct tc_handle *h, uint16_t domid)
{
	struct tc_xs xs;
	int rc, have_xs;

	/* As libxl: the devices go first, so that once the domain is gone from
	 * `xl list` its disks are free for another. Paused, it cannot touch
	 * them meanwhile; its frontends are closed for it. */
	xl_dom_pause(h, domid, 1);
	have_xs = tc_xs_open(&xs) == 0;
	if (have_xs)
		xl_dev_remove_all(env, &xs, domid, XL_DEV_CLOSE_TIMEOUT_MS);
	rc = domctl_simple(h, TERN_DOMCTL_destroydomain, domid);
	/* Its nodes go even if it was already gone. */
	if (have_xs && (rc == 0 || rc == -ESRCH))
		dombuild_xs_remove(&xs, domid);
	if (have_xs)
		tc_xs_close(&xs);
	return rc;
}

/* ---- shutdown / reboot ---- */

struct shutdown_opts {
	int all, wait, force;
};

static int shutdown_opt(int c, void *ctx)
{
	struct shutdown_opts *o = ctx;

	if (c == 'a')
		o->all = 1;
	else if (c == 'w')
		o->wait++;
	else if (c == 'F')
		o->force = 1;
	return 0;
}

/* Writes control/shutdown and waits for the guest to clear it (its ack). */
static int request_shutdown(struct xl_env *env, struct tc_xs *xs, uint16_t domid,
			    const char *what)
{
	char path[64], *val = NULL;
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", domid);
	rc = tc_xs_write(xs, 0, path, what);
	if (rc)
		return rc;
	for (int i = 0; i < XL_ACK_TIMEOUT_S * 1000 / XL_POLL_MS; i++) {
		rc = tc_xs_get(xs, 0, path, &val);
		if (rc == -ENOENT || (rc == 0 && val[0] == '\0')) {
			free(val);
			return 0;
		}
		free(val);
		val = NULL;
		usleep(XL_POLL_MS * 1000);
	}
	fprintf(env->err, "libxl: error: libxl_domain.c:885:pvcontrol_cb: Domain %u:guest didn't "
		"acknowledge control request: -9\n", domid);
	return -ETIMEDOUT;
}

/* -w: until every domain has shut down or is gone (twice: gone). */
static void wait_shutdown(struct xl_env *env, struct tc_handle *h, const uint16_t *ids,
			  unsigned n, int until_gone)
{
	unsigned left = n;
	char *done = calloc(n ? n : 1, 1);

	if (!done)
		return;
	fprintf(env->err, "Waiting for %u domains\n", n);
	while (left) {
		for (unsigned i = 0; i < n; i++) {
			struct tern_domaininfo info;
			int rc;

			if (done[i])
				continue;
			rc = tc_domain_info(h, ids[i], &info);
			if (rc == -ESRCH || (rc == 0 && (info.flags & TERN_DOMINF_dying))) {
				fprintf(env->err, "Domain %u has been destroyed\n", ids[i]);
			} else if (rc == 0 && !until_gone && (info.flags & TERN_DOMINF_shutdown)) {
				fprintf(env->err, "Domain %u has been shut down, reason code %u\n",
					ids[i], info.shutdown_reason);
			} else {
				continue;
			}
			done[i] = 1;
			left--;
		}
		if (left)
			usleep(XL_POLL_MS * 1000);
	}
	free(done);
}

static int shutdown_or_reboot(struct xl_env *env, int argc, char **argv, int reboot)
{
	const char *cmd = reboot ? "reboot" : "shutdown";
	struct shutdown_opts o = { 0, 0, 0 };
	struct tc_handle *h;
	struct tc_xs xs;
	uint16_t ids[256];
	unsigned n = 0;
	int optind, rc = xl_cmd_options(env, argc, argv, cmd, "awF", &optind, shutdown_opt, &o);
	int status = 0;

	if (rc)
		return rc - 1;
	if (!o.all && optind >= argc) {
		fprintf(env->err, "You must specify -a or a domain id.\n\n");
		xl_usage(env, env->err, cmd);
		return 1;
	}
	h = xl_dom_tc(env);
	if (!h)
		return 1;
	if (o.all) {
		struct tern_domaininfo doms[256];
		int got = tc_domain_list(h, 1, 256, doms);

		for (int i = 0; i < got; i++)
			if (!(doms[i].flags & (TERN_DOMINF_shutdown | TERN_DOMINF_dying)))
				ids[n++] = doms[i].domain;
	} else {
		if (xl_dom_resolve(env, argv[optind], &ids[0]))
			return 1;
		n = 1;
	}
	if (xl_dom_xs(env, &xs))
		return 1;
	for (unsigned i = 0; i < n; i++) {
		fprintf(env->err, "%s domain %u\n", reboot ? "Rebooting" : "Shutting down", ids[i]);
		rc = request_shutdown(env, &xs, ids[i], reboot ? "reboot" : "poweroff");
		if (rc) {
			if (rc != -ETIMEDOUT)
				fprintf(env->err, "xl: cannot write control/shutdown of domain %u: "
					"%s\n", ids[i], strerror(-rc));
			fprintf(env->err, "%s failed (rc=%d)\n", cmd, rc == -ETIMEDOUT ? -9 : -3);
			status = 1;
		}
	}
	tc_xs_close(&xs);
	if (o.wait && status == 0)
		wait_shutdown(env, h, ids, n, o.wait > 1);
	return status;
}

int xl_cmd_shutdown(struct xl_env *env, int argc, char **argv)
{
	return shutdown_or_reboot(env, argc, argv, 0);
}

int xl_cmd_reboot(struct xl_env *env, int argc, char **argv)
{
	return shutdown_or_reboot(env, argc, argv, 1);
}

/* ---- destroy, pause, unpause ---- */

/* Any accepted flag sets *ctx (commands with one flag). */
static int flag_opt(int c, void *ctx)
{
	(void)c;
	*(int *)ctx = 1;
	return 0;
}

int xl_cmd_destroy(struct xl_env *env, int argc, char **argv)
{
	struct tc_handle *h;
	uint16_t domid;
	int force = 0, optind, rc = xl_cmd_options(env, argc, argv, "destroy", "f", &optind,
					       flag_opt, &force);

	if (rc)
		return rc - 1;
	if ((rc = xl_needs_args(env, "destroy", argc - optind, 1)) != 0)
		return rc;
	if (xl_dom_resolve(env, argv[optind], &domid))
		return 1;
	if (domid == 0 && !force) {
		fprintf(env->err, "Not destroying domain 0; use -f to force.\n"
			"This can only be done when using a disaggregated hardware domain and "
			"toolstack.\n\n");
		return 1;
	}
	h = xl_dom_tc(env);
	if (!h)
		return 1;
	rc = xl_dom_destroy(env, h, domid);
	if (rc) {
		fprintf(env->err, "xl: domain %u: %s\n", domid, strerror(-rc));
		fprintf(env->err, "destroy failed (rc=%d)\n", rc == -ESRCH ? -21 : -3);
		return 1;
	}
	return 0;
}

static int pause_cmd(struct xl_env *env, int argc, char **argv, int pause)
{
	const char *cmd = pause ? "pause" : "unpause";
	struct tc_handle *h;
	uint16_t domid;
	int optind, rc = xl_cmd_operands(env, argc, argv, cmd, 1, &optind);

	if (rc)
		return rc - 1;
	if (xl_dom_resolve(env, argv[optind], &domid))
		return 1;
	h = xl_dom_tc(env);
	if (!h)
		return 1;
	rc = xl_dom_pause(h, domid, pause);
	if (rc)
		fprintf(env->err, "libxl: error: cannot %s domain %u: %s\n", cmd, domid,
			strerror(-rc));
	return 0; /* as xl: pause and unpause always succeed */
}

int xl_cmd_pause(struct xl_env *env, int argc, char **argv)
{
	return pause_cmd(env, argc, argv, 1);
}

int xl_cmd_unpause(struct xl_env *env, int argc, char **argv)
{
	return pause_cmd(env, argc, argv, 0);
}

/* ---- sysrq ---- */

/* Writes control/sysrq; the guest's xenbus watch runs that SysRq and clears it. */
int xl_cmd_sysrq(struct xl_env *env, int argc, char **argv)
{
	struct tc_xs xs;
	char path[64];
	uint16_t domid;
	int optind, rc = xl_cmd_operands(env, argc, argv, "sysrq", 2, &optind);

	if (rc)
		return rc - 1;
	if (strlen(argv[optind + 1]) != 1) {
		fprintf(env->err, "expects a single character\n");
		return 1;
	}
	if (xl_dom_resolve(env, argv[optind], &domid))
		return 1;
	if (domid == 0) {
		fprintf(env->err, "libxl: error: sysrq is for guest domains: domain 0 has no "
			"control/sysrq watch\n");
		return 1;
	}
	if (xl_dom_xs(env, &xs))
		return 1;
	snprintf(path, sizeof(path), "/local/domain/%u/control/sysrq", domid);
	rc = tc_xs_write(&xs, 0, path, argv[optind + 1]);
	tc_xs_close(&xs);
	if (rc) {
		fprintf(env->err, "libxl: error: cannot write %s: %s\n", path, strerror(-rc));
		return 1;
	}
	return 0;
}

/* ---- domid, domname ---- */

int xl_cmd_domid(struct xl_env *env, int argc, char **argv)
{
	uint16_t domid;
	int optind, rc = xl_cmd_operands(env, argc, argv, "domid", 1, &optind);

	if (rc)
		return rc - 1;
	if (xl_open(env) < 0)
		return 1;
	rc = xl_name_to_domid(env, argv[optind], &domid);
	if (rc) {
		fprintf(env->err, "Can't get domid of domain name '%s', maybe this domain does not "
			"exist.\n", argv[optind]);
		return 1;
	}
	fprintf(env->out, "%u\n", domid);
	return 0;
}

int xl_cmd_domname(struct xl_env *env, int argc, char **argv)
{
	struct tc_xs xs;
	char path[64], *name = NULL;
	int optind, rc = xl_cmd_operands(env, argc, argv, "domname", 1, &optind);

	if (rc)
		return rc - 1;
	if (!all_digits(argv[optind]) || strlen(argv[optind]) > 5 ||
	    strtoul(argv[optind], NULL, 10) >= DOMID_FIRST_RESERVED) {
		fprintf(env->err, "Invalid domain id.\n\n");
		return 1;
	}
	if (xl_dom_xs(env, &xs))
		return 1;
	snprintf(path, sizeof(path), "/local/domain/%lu/name", strtoul(argv[optind], NULL, 10));
	rc = tc_xs_get(&xs, 0, path, &name);
	tc_xs_close(&xs);
	if (rc) {
		fprintf(env->err, "Can't get domain name of domain id '%s', maybe this domain does "
			"not exist.\n", argv[optind]);
		return 1;
	}
	fprintf(env->out, "%s\n", name);
	free(name);
	return 0;
}

/* ---- uptime ---- */

static void format_uptime(char *out, size_t len, unsigned long s, int with_seconds)
{
	unsigned long days = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
	int n = 0;

	if (days)
		n = snprintf(out, len, "%lu day%s, ", days, days == 1 ? "" : "s");
	if (with_seconds)
		snprintf(out + n, len - (size_t)n, "%2lu:%02lu:%02lu", h, m, sec);
	else
		snprintf(out + n, len - (size_t)n, "%2lu:%02lu", h, m);
}

/* Seconds the domain has been up, or -1. */
static long domain_uptime(struct tc_xs *xs, uint16_t domid)
{
	char path[96], *vm = NULL, *start = NULL;
	long up = -1;

	if (domid == 0) {
		FILE *f = fopen("/proc/uptime", "r");
		double d;

		if (f && fscanf(f, "%lf", &d) == 1)
			up = (long)d;
		if (f)
			fclose(f);
		return up;
	}
	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	if (tc_xs_get(xs, 0, path, &vm) == 0) {
		snprintf(path, sizeof(path), "%s/start_time", vm);
		if (tc_xs_get(xs, 0, path, &start) == 0)
			up = (long)(time(NULL) - strtol(start, NULL, 10));
	}
	free(vm);
	free(start);
	return up;
}

int xl_cmd_uptime(struct xl_env *env, int argc, char **argv)
{
	struct tern_domaininfo doms[256];
	struct tc_handle *h;
	struct tc_xs xs;
	int short_form = 0, optind, n = 0;
	int rc = xl_cmd_options(env, argc, argv, "uptime", "s", &optind, flag_opt, &short_form);

	if (rc)
		return rc - 1;
	h = xl_dom_tc(env);
	if (!h || xl_dom_xs(env, &xs))
		return 1;
	if (optind < argc) {
		for (int i = optind; i < argc && n < 256; i++) {
			uint16_t id;

			if (xl_dom_resolve(env, argv[i], &id) == 0 &&
			    tc_domain_info(h, id, &doms[n]) == 0)
				n++;
		}
	} else {
		n = tc_domain_list(h, 0, 256, doms);
	}
	if (!short_form)
		fprintf(env->out, "%-33s %4s %s\n", "Name", "ID", "Uptime");
	for (int i = 0; i < n; i++) {
		char name[256], up[48], now[16];
		long s = domain_uptime(&xs, doms[i].domain);
		time_t t = time(NULL);

		if (s < 0) {
			if (doms[i].domain == 0)
				fprintf(env->err, "Can not get Dom0 uptime.\n");
			continue;
		}
		xl_domain_name(env, doms[i].domain, name, sizeof(name));
		if (short_form) {
			strftime(now, sizeof(now), "%H:%M:%S", localtime(&t));
			format_uptime(up, sizeof(up), (unsigned long)s, 0);
			fprintf(env->out, " %s up %s, %s (%u)\n", now, up, name, doms[i].domain);
		} else {
			format_uptime(up, sizeof(up), (unsigned long)s, 1);
			fprintf(env->out, "%-33s %4d %s\n", name, doms[i].domain, up);
		}
	}
	tc_xs_close(&xs);
	return 0;
}
