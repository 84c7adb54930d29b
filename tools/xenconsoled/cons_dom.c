/* A console: ring <-> pty, with an optional log of everything the guest wrote. */
#define _GNU_SOURCE
#include "cons_dom.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <public/hvm.h>

/* Xen's default console/limit: output kept for a pty nobody reads. */
#define XCS_DOM_BUF_LIMIT (1u << 20)

/* A decimal from xenstore; -ENOENT if absent, -EINVAL if not a number. */
static int xcs_dom_xs_num(struct xcs_ctx *x, uint16_t domid, const char *key, uint64_t *v)
{
	char path[96], val[32], *end;
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, key);
	rc = tc_xs_get_buf(&x->xs, path, val, sizeof(val));
	if (rc < 0)
		return rc;
	if (!val[0])
		return -ENOENT;
	*v = strtoull(val, &end, 10);
	return *end ? -EINVAL : 0;
}

static int xcs_dom_param(struct xcs_ctx *x, uint16_t domid, uint32_t index, uint64_t *v)
{
	struct tern_domctl op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.cmd = TERN_DOMCTL_get_param;
	op.domain = domid;
	op.u.param.index = index;
	rc = tc_domctl(&x->tc, &op);
	if (rc == 0)
		*v = op.u.param.value;
	return rc;
}

/*
 * Where the ring is: console/ring-ref and console/port as the toolstack
 * writes them, else the domain's HVM params (what the guest itself reads).
 */
static int xcs_dom_locate(struct xcs_ctx *x, struct xcs_dom *d)
{
	uint64_t gfn = 0, port = 0;

	if (xcs_dom_xs_num(x, d->domid, "console/ring-ref", &gfn) ||
	    xcs_dom_xs_num(x, d->domid, "console/port", &port)) {
		if (xcs_dom_param(x, d->domid, HVM_PARAM_CONSOLE_PFN, &gfn) ||
		    xcs_dom_param(x, d->domid, HVM_PARAM_CONSOLE_EVTCHN, &port))
			return -EAGAIN;
	}
	if (gfn == 0 || port == 0 || port > UINT32_MAX)
		return -EAGAIN;
	d->gfn = gfn;
	d->remote_port = (uint32_t)port;
	return 0;
}

static int xcs_dom_pty(struct xcs_dom *d)
{
	struct termios t;
	int rc;

	d->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (d->master < 0)
		return -errno;
	if (grantpt(d->master) || unlockpt(d->master) ||
	    ptsname_r(d->master, d->tty, sizeof(d->tty)))
		return -errno;
	/*
	 * Holding the slave open keeps the master usable while no client is
	 * attached; raw mode keeps the line discipline from echoing the
	 * guest's output back into its input or rewriting bytes.
	 */
	d->slave = open(d->tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (d->slave < 0)
		return -errno;
	if (tcgetattr(d->slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(d->slave, TCSANOW, &t);
	}
	rc = fcntl(d->master, F_GETFL);
	if (rc < 0 || fcntl(d->master, F_SETFL, rc | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

static void xcs_dom_open_log(struct xcs_ctx *x, struct xcs_dom *d)
{
	char path[512];

	if (!x->log_guest)
		return;
	mkdir(x->log_dir, 0755);
	snprintf(path, sizeof(path), "%s/guest-%s.log", x->log_dir, d->name);
	d->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (d->log_fd < 0)
		xcs_log("dom%u: cannot open %s: %s", d->domid, path, strerror(errno));
}

int xcs_dom_open(struct xcs_ctx *x, const struct tern_domaininfo *info, struct xcs_dom **out)
{
	struct xcs_dom *d = calloc(1, sizeof(*d));
	char path[96];
	int err = 0, rc;

	if (!d)
		return -ENOMEM;
	d->domid = info->domain;
	memcpy(d->handle, info->handle, sizeof(d->handle));
	d->local_port = -1;
	d->master = d->slave = d->log_fd = -1;
	rc = xcs_buf_init(&d->out, XCS_DOM_BUF_LIMIT);
	if (rc)
		goto fail;
	rc = xcs_dom_locate(x, d);
	if (rc)
		goto fail;
	/* The name names the log: wait for the toolstack's nodes (the HVM params
	 * can be set before them), or a guest named "sample" would log to
	 * guest-dom1.log when the rescan comes at the wrong moment. */
	snprintf(path, sizeof(path), "/local/domain/%u/name", d->domid);
	if (tc_xs_get_buf(&x->xs, path, d->name, sizeof(d->name)) <= 0) {
		rc = -EAGAIN;
		goto fail;
	}
	d->ring = tc_map_foreign(&x->tc, d->domid, PROT_READ | PROT_WRITE, &d->gfn, &err, 1);
	if (!d->ring || err) {
		rc = d->ring ? err : -errno;
		xcs_log("dom%u: cannot map console page (gfn %#llx): %s", d->domid,
			(unsigned long long)d->gfn, strerror(-rc));
		goto fail;
	}
	rc = tc_evtchn_bind_interdomain(&x->ev, d->domid, d->remote_port);
	if (rc < 0) {
		xcs_log("dom%u: cannot bind its console event channel %u: %s", d->domid,
			d->remote_port, strerror(-rc));
		goto fail;
	}
	d->local_port = rc;
	rc = xcs_dom_pty(d);
	if (rc) {
		xcs_log("dom%u: cannot allocate a pty: %s", d->domid, strerror(-rc));
		goto fail;
	}
	snprintf(path, sizeof(path), "/local/domain/%u/console/tty", d->domid);
	rc = tc_xs_write(&x->xs, 0, path, d->tty);
	if (rc) {
		xcs_log("dom%u: cannot write %s: %s", d->domid, path, strerror(-rc));
		goto fail;
	}
	xcs_dom_open_log(x, d);
	d->ring->connection = 0;
	xcs_log("dom%u (%s): console on %s (gfn %#llx, event channel %u)", d->domid, d->name,
		d->tty, (unsigned long long)d->gfn, d->remote_port);
	/* Output written before the channel was bound raised no event. */
	xcs_dom_service(x, d);
	*out = d;
	return 0;
fail:
	xcs_dom_close(x, d);
	return rc;
}

void xcs_dom_close(struct xcs_ctx *x, struct xcs_dom *d)
{
	if (d->ring && d->master >= 0 && !d->broken)
		xcs_dom_service(x, d);
	if (d->local_port >= 0)
		tc_evtchn_unbind(&x->ev, (uint32_t)d->local_port);
	if (d->ring)
		tc_unmap_foreign(d->ring, 1);
	if (d->master >= 0)
		close(d->master);
	if (d->slave >= 0)
		close(d->slave);
	if (d->log_fd >= 0)
		close(d->log_fd);
	xcs_buf_fini(&d->out);
	free(d);
}

static void xcs_dom_log(struct xcs_dom *d, const char *p, size_t n)
{
	while (d->log_fd >= 0 && n) {
		ssize_t w = write(d->log_fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(d->log_fd);
			d->log_fd = -1;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
}

void xcs_dom_service(struct xcs_ctx *x, struct xcs_dom *d)
{
	char tmp[XCS_RING_OUT_SIZE];
	bool kick = false;
	ssize_t n;

	if (d->broken)
		return;
	/* Guest -> pty: always drain the ring, so the guest never waits on us. */
	while ((n = xcs_ring_take_out(d->ring, tmp, sizeof(tmp))) > 0) {
		xcs_dom_log(d, tmp, (size_t)n);
		xcs_buf_add(&d->out, tmp, (size_t)n);
		kick = true;
	}
	while (n >= 0 && d->out.len) {
		ssize_t w = write(d->master, d->out.data, d->out.len);

		if (w <= 0)
			break;
		xcs_buf_consume(&d->out, (size_t)w);
	}
	/* pty -> guest, as much as in[] has room for. */
	while (n >= 0) {
		size_t room = xcs_ring_in_room(d->ring);
		ssize_t r;

		if (room == 0)
			break;
		r = read(d->master, tmp, room < sizeof(tmp) ? room : sizeof(tmp));
		if (r <= 0)
			break;
		n = xcs_ring_put_in(d->ring, tmp, (size_t)r);
		kick = true;
	}
	if (n < 0) {
		xcs_log("dom%u: its console ring indexes are inconsistent; no longer served",
			d->domid);
		d->broken = true;
	}
	if (kick && d->local_port >= 0)
		tc_evtchn_notify(&x->ev, (uint32_t)d->local_port);
}
