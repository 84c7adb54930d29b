/*
 * A new domain's xenstore nodes, as libxl writes them
 * (docs/toolstack.md, "A domain's xenstore nodes"): the domain may
 * read its own directory and write control/, data/ and a few others; the
 * console frontend and dom0's console backend; /vm/<uuid>; /libxl/N. All in
 * one transaction, retried on EAGAIN, then INTRODUCE.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "dombuild.h"
#include "ternctl.h"

struct xsw {
	struct tc_xs *xs;
	uint32_t tx;
	int rc;          /* first error */
	char path[256];  /* of the first error */
};

static void xsw_vwrite(struct xsw *w, const char *value, const char *perms, const char *fmt,
		       va_list ap)
{
	char path[256];
	int rc;

	if (w->rc)
		return;
	vsnprintf(path, sizeof(path), fmt, ap);
	rc = tc_xs_write(w->xs, w->tx, path, value);
	if (rc == 0 && perms)
		rc = tc_xs_set_perms(w->xs, w->tx, path, perms);
	if (rc) {
		w->rc = rc;
		snprintf(w->path, sizeof(w->path), "%s", path);
	}
}

/* Writes value at the formatted path, with perms (NULL: inherited). */
static void __attribute__((format(printf, 4, 5)))
xsw(struct xsw *w, const char *value, const char *perms, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xsw_vwrite(w, value, perms, fmt, ap);
	va_end(ap);
}

static void write_nodes(struct xsw *w, const struct xlcfg_domain *cfg, const char *uuid,
			const struct dombuild_result *res)
{
	unsigned n = res->domid;
	const char *dom = NULL;
	char ro[32], own[16], v[64], dpath[32];
	struct timeval tv;
	static const char *const guest_dirs[] = {
		"data", "drivers", "feature", "attr", "error",
	};
	static const char *const control_nodes[] = {
		"shutdown", "feature-poweroff", "feature-reboot", "feature-suspend", "sysrq",
	};

	snprintf(ro, sizeof(ro), "n0 r%u", n);
	snprintf(own, sizeof(own), "n%u", n);
	snprintf(dpath, sizeof(dpath), "/local/domain/%u", n);
	dom = dpath;

	/* The skeleton (4.1). */
	xsw(w, "", ro, "%s", dom);
	snprintf(v, sizeof(v), "/vm/%s", uuid);
	xsw(w, v, NULL, "%s/vm", dom);
	xsw(w, cfg->name, NULL, "%s/name", dom);
	snprintf(v, sizeof(v), "%u", n);
	xsw(w, v, NULL, "%s/domid", dom);
	xsw(w, "", ro, "%s/cpu", dom);
	xsw(w, "", ro, "%s/memory", dom);
	xsw(w, "", ro, "%s/device", dom);
	xsw(w, "", own, "%s/device/suspend/event-channel", dom);
	xsw(w, "", ro, "%s/control", dom);
	for (size_t i = 0; i < sizeof(control_nodes) / sizeof(control_nodes[0]); i++)
		xsw(w, "", own, "%s/control/%s", dom, control_nodes[i]);
	xsw(w, "1", NULL, "%s/control/platform-feature-multiprocessor-suspend", dom);
	xsw(w, "1", NULL, "%s/control/platform-feature-xs_reset_watches", dom);
	for (size_t i = 0; i < sizeof(guest_dirs) / sizeof(guest_dirs[0]); i++)
		xsw(w, "", own, "%s/%s", dom, guest_dirs[i]);

	/* After the build (libxl__build_post). */
	snprintf(v, sizeof(v), "%llu", (unsigned long long)cfg->maxmem_mib * 1024);
	xsw(w, v, NULL, "%s/memory/static-max", dom);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)cfg->memory_mib * 1024);
	xsw(w, v, NULL, "%s/memory/target", dom);
	xsw(w, "0", NULL, "%s/memory/videoram", dom);
	for (unsigned i = 0; i < cfg->maxvcpus; i++)
		xsw(w, i < cfg->vcpus ? "online" : "offline", NULL, "%s/cpu/%u/availability",
		    dom, i);
	snprintf(v, sizeof(v), "%u", res->store_port);
	xsw(w, v, NULL, "%s/store/port", dom);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)res->layout.store_pfn);
	xsw(w, v, NULL, "%s/store/ring-ref", dom);

	/* Console 0 (4.5): frontend under console/, backend in dom0. */
	snprintf(v, sizeof(v), "/local/domain/0/backend/console/%u/0", n);
	xsw(w, v, NULL, "%s/console/backend", dom);
	xsw(w, "0", NULL, "%s/console/backend-id", dom);
	xsw(w, "1048576", NULL, "%s/console/limit", dom);
	xsw(w, "xenconsoled", NULL, "%s/console/type", dom);
	xsw(w, "pty", NULL, "%s/console/output", dom);
	xsw(w, "", NULL, "%s/console/tty", dom);
	snprintf(v, sizeof(v), "%u", res->console_port);
	xsw(w, v, NULL, "%s/console/port", dom);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)res->layout.console_pfn);
	xsw(w, v, NULL, "%s/console/ring-ref", dom);
	xsw(w, "", ro, "/local/domain/0/backend/console/%u/0", n);
	xsw(w, dom, NULL, "/local/domain/0/backend/console/%u/0/frontend", n);
	snprintf(v, sizeof(v), "%u", n);
	xsw(w, v, NULL, "/local/domain/0/backend/console/%u/0/frontend-id", n);
	xsw(w, "1", NULL, "/local/domain/0/backend/console/%u/0/online", n);
	xsw(w, "1", NULL, "/local/domain/0/backend/console/%u/0/state", n);
	xsw(w, "vt100", NULL, "/local/domain/0/backend/console/%u/0/protocol", n);

	/* /vm/<uuid> and libxl's private directory. */
	xsw(w, "", ro, "/vm/%s", uuid);
	xsw(w, uuid, NULL, "/vm/%s/uuid", uuid);
	xsw(w, cfg->name, NULL, "/vm/%s/name", uuid);
	xsw(w, "linux", NULL, "/vm/%s/image/ostype", uuid);
	xsw(w, cfg->kernel, NULL, "/vm/%s/image/kernel", uuid);
	xsw(w, cfg->ramdisk ? cfg->ramdisk : "", NULL, "/vm/%s/image/ramdisk", uuid);
	xsw(w, cfg->cmdline ? cfg->cmdline : "", NULL, "/vm/%s/image/cmdline", uuid);
	gettimeofday(&tv, NULL);
	snprintf(v, sizeof(v), "%ld.%02ld", (long)tv.tv_sec, (long)tv.tv_usec / 10000);
	xsw(w, v, NULL, "/vm/%s/start_time", uuid);
	xsw(w, "", "n0", "/libxl/%u", n);
	xsw(w, "pvh", NULL, "/libxl/%u/type", n);
}

static void uuid_str(const uint8_t u[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

int dombuild_xs_write(struct tc_xs *xs, const struct xlcfg_domain *cfg, const uint8_t uuid[16],
		      const struct dombuild_result *res, char *err, size_t errlen)
{
	char u[37], path[64];
	int rc, tries;

	uuid_str(uuid, u);
	for (tries = 0; tries < 10; tries++) {
		struct xsw w = { xs, 0, 0, "" };

		rc = tc_xs_txn_start(xs, &w.tx);
		if (rc) {
			snprintf(err, errlen, "xenstore: cannot start a transaction: %s",
				 strerror(-rc));
			return rc;
		}
		/* A stale directory of an earlier domain with this id goes first. */
		snprintf(path, sizeof(path), "/local/domain/%u", res->domid);
		rc = tc_xs_rm(xs, w.tx, path);
		if (rc && rc != -ENOENT) {
			w.rc = rc;
			snprintf(w.path, sizeof(w.path), "%s", path);
		}
		write_nodes(&w, cfg, u, res);
		if (w.rc) {
			tc_xs_txn_end(xs, w.tx, 0);
			snprintf(err, errlen, "xenstore: cannot write %s: %s", w.path,
				 strerror(-w.rc));
			return w.rc;
		}
		rc = tc_xs_txn_end(xs, w.tx, 1);
		if (rc != -EAGAIN)
			break;
	}
	if (rc) {
		snprintf(err, errlen, "xenstore: cannot commit the domain's nodes: %s",
			 strerror(-rc));
		return rc;
	}
	rc = tc_xs_introduce(xs, res->domid, res->layout.store_pfn, res->store_port);
	if (rc)
		snprintf(err, errlen, "xenstore: INTRODUCE of domain %u (ring gfn %llu, port %u) "
			 "failed: %s", res->domid, (unsigned long long)res->layout.store_pfn,
			 res->store_port, strerror(-rc));
	return rc;
}

int dombuild_xs_remove(struct tc_xs *xs, uint16_t domid)
{
	char path[96], *vm = NULL;
	int rc, first = 0;

	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	if (tc_xs_get(xs, 0, path, &vm) == 0 && strncmp(vm, "/vm/", 4) == 0 && !strchr(vm + 4, '/')) {
		rc = tc_xs_rm(xs, 0, vm);
		if (rc && rc != -ENOENT)
			first = rc;
	}
	free(vm);
	snprintf(path, sizeof(path), "/local/domain/0/backend/console/%u", domid);
	rc = tc_xs_rm(xs, 0, path);
	if (rc && rc != -ENOENT && !first)
		first = rc;
	snprintf(path, sizeof(path), "/libxl/%u", domid);
	rc = tc_xs_rm(xs, 0, path);
	if (rc && rc != -ENOENT && !first)
		first = rc;
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	rc = tc_xs_rm(xs, 0, path);
	if (rc && rc != -ENOENT && !first)
		first = rc;
	rc = tc_xs_release(xs, domid);
	if (rc && rc != -ENOENT && !first)
		first = rc;
	return first;
}
