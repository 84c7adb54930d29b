/* The backend side of the xenbus handshake for user-space backends (xenbus_be.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenbus_be.h"

/* The base directory's watch; a frontend's state is watched with its
 * device's backend path as the token. */
#define XBE_WATCH_BASE "b"

void xbe_log(struct xbe *b, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (b->ops->log)
		b->ops->log(b, msg);
}

enum xbe_action xbe_decide(const struct xbe_view *v)
{
	int fe_closed = v->fe_gone || v->fe == XenbusStateClosed;

	if (fe_closed)
		return v->be == XenbusStateClosed ? XBE_NOTHING : XBE_CLOSE;
	if (v->failed)
		return XBE_NOTHING;
	switch (v->fe) {
	case XenbusStateClosing:
		return v->be == XenbusStateClosing ? XBE_NOTHING : XBE_CLOSING;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if ((v->be == XenbusStateInitWait || v->be == XenbusStateInitialising) &&
		    v->online && v->hotplug_ok)
			return XBE_CONNECT;
		return XBE_NOTHING;
	default:
		/* Initialising, Unknown or a state frontends do not use. */
		if (v->be == XenbusStateClosed && v->online)
			return XBE_REINIT;
		/* The toolstack closes a device whose frontend never came:
		 * nothing will answer, so close now. */
		if (v->be == XenbusStateClosing)
			return XBE_CLOSE;
		return XBE_NOTHING;
	}
}

/* ---- xenstore helpers ---- */

static int read_key(struct xbe *b, const char *dir, const char *key, char **value)
{
	char path[256];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, key) >= sizeof(path))
		return -ENAMETOOLONG;
	return tc_xs_get(&b->xs, 0, path, value);
}

static int parse_uint(const char *s, unsigned long long *v)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return (*end || errno) ? -EINVAL : 0;
}

static int read_uint(struct xbe *b, const char *dir, const char *key, unsigned long long *v)
{
	char *s = NULL;
	int rc = read_key(b, dir, key, &s);

	if (rc == 0)
		rc = parse_uint(s, v);
	free(s);
	return rc;
}

int xbe_be_read(struct xbe_dev *d, const char *key, char **value)
{
	return read_key(d->b, d->be_path, key, value);
}

int xbe_fe_read(struct xbe_dev *d, const char *key, char **value)
{
	if (!d->fe_path[0])
		return -ENOENT;
	return read_key(d->b, d->fe_path, key, value);
}

int xbe_be_read_uint(struct xbe_dev *d, const char *key, unsigned long long *v)
{
	return read_uint(d->b, d->be_path, key, v);
}

int xbe_fe_read_uint(struct xbe_dev *d, const char *key, unsigned long long *v)
{
	if (!d->fe_path[0])
		return -ENOENT;
	return read_uint(d->b, d->fe_path, key, v);
}

int xbe_be_write(struct xbe_dev *d, const char *key, const char *value)
{
	char path[256];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", d->be_path, key) >= sizeof(path))
		return -ENAMETOOLONG;
	return tc_xs_write(&d->b->xs, 0, path, value);
}

int xbe_be_printf(struct xbe_dev *d, const char *key, const char *fmt, ...)
{
	char value[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	return xbe_be_write(d, key, value);
}

/* ---- event channels ---- */

int xbe_bind(struct xbe_dev *d, uint32_t remote_port, xbe_port_fn fn, void *arg)
{
	struct xbe *b = d->b;
	int port;

	if (b->nports == b->cap_ports) {
		unsigned cap = b->cap_ports ? b->cap_ports * 2 : 16;
		struct xbe_port *p = realloc(b->ports, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		b->ports = p;
		b->cap_ports = cap;
	}
	port = tc_evtchn_bind_interdomain(&b->ev, d->domid, remote_port);
	if (port < 0)
		return port;
	b->ports[b->nports++] = (struct xbe_port){ (uint32_t)port, fn, arg };
	return port;
}

void xbe_unbind(struct xbe *b, uint32_t local)
{
	for (unsigned i = 0; i < b->nports; i++) {
		if (b->ports[i].local == local) {
			b->ports[i] = b->ports[--b->nports];
			tc_evtchn_unbind(&b->ev, local);
			return;
		}
	}
}

int xbe_handle_evtchn(struct xbe *b)
{
	int port = tc_evtchn_pending(&b->ev);

	if (port < 0)
		return port;
	for (unsigned i = 0; i < b->nports; i++) {
		if (b->ports[i].local == (uint32_t)port) {
			struct xbe_port p = b->ports[i];

			/* Unmask first: an event during fn() is not lost. */
			tc_evtchn_unmask(&b->ev, (uint32_t)port);
			p.fn(p.arg);
			return 0;
		}
	}
	/* A port unbound meanwhile. */
	tc_evtchn_unmask(&b->ev, (uint32_t)port);
	return 0;
}

/* ---- devices ---- */

static struct xbe_dev *find_dev(struct xbe *b, unsigned domid, unsigned long devid)
{
	for (struct xbe_dev *d = b->devs; d; d = d->next)
		if (d->domid == domid && d->devid == devid)
			return d;
	return NULL;
}

static void set_state(struct xbe_dev *d, enum xenbus_state s)
{
	int rc = xbe_be_printf(d, "state", "%d", (int)s);

	if (rc)
		xbe_log(d->b, "%s: cannot write state %d: %s", d->be_path, (int)s, strerror(-rc));
	d->state = s;
}

/* As Linux's xenbus_dev_fatal: the reason under dom0's error/ and Closing. */
static void fail(struct xbe_dev *d, int rc, const char *what)
{
	char path[192];

	d->failed = 1;
	xbe_log(d->b, "%s: %s failed: %s", d->be_path, what,
		d->error[0] ? d->error : strerror(-rc));
	snprintf(path, sizeof(path), "/local/domain/0/error/backend/%s/%u/%u/error",
		 d->b->ops->type, d->domid, d->devid);
	tc_xs_write(&d->b->xs, 0, path, d->error[0] ? d->error : strerror(-rc));
	set_state(d, XenbusStateClosing);
}

static void dev_disconnect(struct xbe_dev *d)
{
	if (d->connected && d->b->ops->disconnect)
		d->b->ops->disconnect(d);
	d->connected = 0;
}

static void dev_remove(struct xbe *b, struct xbe_dev *d)
{
	char path[192];

	dev_disconnect(d);
	if (d->fe_path[0]) {
		snprintf(path, sizeof(path), "%s/state", d->fe_path);
		tc_xs_unwatch(&b->xs, path, d->be_path);
	}
	if (d->probed && b->ops->remove)
		b->ops->remove(d);
	for (struct xbe_dev **p = &b->devs; *p; p = &(*p)->next) {
		if (*p == d) {
			*p = d->next;
			break;
		}
	}
	xbe_log(b, "%s: removed", d->be_path);
	free(d);
}

/* A device we have not seen: learn its frontend and watch it. */
static struct xbe_dev *new_dev(struct xbe *b, unsigned domid, unsigned long devid)
{
	struct xbe_dev *d = calloc(1, sizeof(*d));
	char *fe = NULL, prefix[48], path[192];

	if (!d)
		return NULL;
	d->b = b;
	d->domid = (uint16_t)domid;
	d->devid = (uint32_t)devid;
	snprintf(d->be_path, sizeof(d->be_path), "%s/%u/%lu", b->base, domid, devid);
	d->next = b->devs;
	b->devs = d;
	/* Only a frontend inside the frontend domain's own directory. */
	snprintf(prefix, sizeof(prefix), "/local/domain/%u/", domid);
	if (xbe_be_read(d, "frontend", &fe) == 0 && strncmp(fe, prefix, strlen(prefix)) == 0 &&
	    strlen(fe) < sizeof(d->fe_path)) {
		strcpy(d->fe_path, fe);
		/* The token names the device: the event finds it again. */
		snprintf(path, sizeof(path), "%s/state", d->fe_path);
		tc_xs_watch(&b->xs, path, d->be_path);
	}
	free(fe);
	return d;
}

static void update(struct xbe *b, struct xbe_dev *d)
{
	unsigned long long be = 0, fe = 0, online = 1;
	struct xbe_view v;
	char *hp = NULL;
	int rc;

	rc = xbe_be_read_uint(d, "state", &be);
	if (rc == -ENOENT) {
		char *dir = NULL;

		if (tc_xs_get(&b->xs, 0, d->be_path, &dir) == -ENOENT) {
			dev_remove(b, d);
			return;
		}
		free(dir);
	}
	if (!d->fe_path[0]) {
		snprintf(d->error, sizeof(d->error), "no frontend path in %s/frontend", d->be_path);
		if (!d->failed)
			fail(d, -EINVAL, "setup");
		return;
	}
	if (d->probed && be == XenbusStateInitialising && d->state > XenbusStateInitialising) {
		/* Removed and written again before we saw the removal. */
		unsigned domid = d->domid;
		unsigned long devid = d->devid;

		dev_remove(b, d);
		d = new_dev(b, domid, devid);
		if (!d)
			return;
	}
	if (!d->probed) {
		d->probed = 1;
		rc = b->ops->probe ? b->ops->probe(d) : 0;
		if (rc) {
			fail(d, rc, "probe");
			return;
		}
		if (be <= XenbusStateInitialising) {
			set_state(d, XenbusStateInitWait);
			be = XenbusStateInitWait;
		}
	}
	xbe_be_read_uint(d, "online", &online);
	memset(&v, 0, sizeof(v));
	v.be = (enum xenbus_state)be;
	v.fe_gone = xbe_fe_read_uint(d, "state", &fe) != 0;
	v.fe = (enum xenbus_state)fe;
	v.online = online != 0;
	v.failed = d->failed;
	v.hotplug_ok = !b->ops->needs_hotplug ||
		       (xbe_be_read(d, "hotplug-status", &hp) == 0 && strcmp(hp, "connected") == 0);
	free(hp);

	/* A daemon restarted under a live device picks it up where it was. */
	if (!d->connected && !d->failed && v.be == XenbusStateConnected && v.online &&
	    (v.fe == XenbusStateConnected || v.fe == XenbusStateInitialised) && !v.fe_gone) {
		d->reattach = 1;
		d->error[0] = '\0';
		rc = b->ops->connect(d);
		d->reattach = 0;
		if (rc) {
			fail(d, rc, "reconnect");
			return;
		}
		d->connected = 1;
		xbe_log(b, "%s: re-attached", d->be_path);
		return;
	}
	switch (xbe_decide(&v)) {
	case XBE_CONNECT:
		d->error[0] = '\0';
		rc = b->ops->connect(d);
		if (rc) {
			fail(d, rc, "connect");
			return;
		}
		d->connected = 1;
		set_state(d, XenbusStateConnected);
		xbe_log(b, "%s: connected", d->be_path);
		break;
	case XBE_CLOSING:
		set_state(d, XenbusStateClosing);
		break;
	case XBE_CLOSE:
		dev_disconnect(d);
		set_state(d, XenbusStateClosed);
		xbe_log(b, "%s: closed", d->be_path);
		break;
	case XBE_REINIT:
		d->failed = 0;
		set_state(d, XenbusStateInitWait);
		xbe_log(b, "%s: frontend reconnecting", d->be_path);
		break;
	case XBE_NOTHING:
		break;
	}
}

/* Every device under base (the first watch event, or a directory change). */
static void scan(struct xbe *b)
{
	char *doms = NULL, *devs = NULL, path[160];
	uint32_t dlen = 0, vlen = 0;

	if (tc_xs_directory(&b->xs, 0, b->base, &doms, &dlen))
		return;
	for (uint32_t i = 0; i < dlen; i += (uint32_t)strlen(doms + i) + 1) {
		unsigned long long domid;

		if (parse_uint(doms + i, &domid) || domid >= 0x7ff0)
			continue;
		snprintf(path, sizeof(path), "%s/%llu", b->base, domid);
		if (tc_xs_directory(&b->xs, 0, path, &devs, &vlen))
			continue;
		for (uint32_t j = 0; j < vlen; j += (uint32_t)strlen(devs + j) + 1) {
			unsigned long long devid;
			struct xbe_dev *d;

			if (parse_uint(devs + j, &devid) || devid > 0xffffffffull)
				continue;
			d = find_dev(b, (unsigned)domid, (unsigned long)devid);
			if (!d)
				d = new_dev(b, (unsigned)domid, (unsigned long)devid);
			if (d)
				update(b, d);
		}
		free(devs);
		devs = NULL;
	}
	free(doms);
}

/* Which device an event path under base names; NULL for base itself. */
static struct xbe_dev *event_dev(struct xbe *b, const char *path, int *whole)
{
	size_t n = strlen(b->base);
	unsigned long long domid, devid;
	char dom[16], dev[16];
	const char *p = path + n, *slash;
	struct xbe_dev *d;

	*whole = 0;
	if (strncmp(path, b->base, n) || (p[0] && p[0] != '/') || !p[0] || !p[1]) {
		*whole = 1;
		return NULL;
	}
	p++;
	slash = strchr(p, '/');
	if (!slash || (size_t)(slash - p) >= sizeof(dom)) {
		*whole = 1; /* a domain directory came or went */
		return NULL;
	}
	memcpy(dom, p, (size_t)(slash - p));
	dom[slash - p] = '\0';
	p = slash + 1;
	slash = strchr(p, '/');
	n = slash ? (size_t)(slash - p) : strlen(p);
	if (n >= sizeof(dev))
		return NULL;
	memcpy(dev, p, n);
	dev[n] = '\0';
	if (parse_uint(dom, &domid) || parse_uint(dev, &devid) || domid >= 0x7ff0 ||
	    devid > 0xffffffffull)
		return NULL;
	d = find_dev(b, (unsigned)domid, (unsigned long)devid);
	return d ? d : new_dev(b, (unsigned)domid, (unsigned long)devid);
}

int xbe_handle_xs(struct xbe *b)
{
	struct xbe_dev **dirty = NULL;
	unsigned ndirty = 0, cap = 0;
	int rescan = 0, rc;

	/* Gather first, then act once per device. */
	for (;;) {
		char *path, *token;
		struct xbe_dev *d = NULL;
		int whole = 0;

		rc = tc_xs_wait_event(&b->xs, 0, &path, &token);
		if (rc == -ETIMEDOUT)
			break;
		if (rc) {
			free(dirty);
			return rc;
		}
		if (strcmp(token, XBE_WATCH_BASE) == 0) {
			d = event_dev(b, path, &whole);
			rescan |= whole;
		} else {
			/* A frontend's state: the token is the backend path. */
			for (d = b->devs; d && strcmp(d->be_path, token); d = d->next)
				;
		}
		free(path);
		if (!d)
			continue;
		for (unsigned i = 0; i < ndirty; i++)
			if (dirty[i] == d)
				d = NULL;
		if (!d)
			continue;
		if (ndirty == cap) {
			struct xbe_dev **nd;

			cap = cap ? cap * 2 : 8;
			nd = realloc(dirty, cap * sizeof(*nd));
			if (!nd) {
				rescan = 1;
				break;
			}
			dirty = nd;
		}
		dirty[ndirty++] = d;
	}
	if (rescan) {
		scan(b);
	} else {
		/* update() may free a device: look each up again by identity. */
		for (unsigned i = 0; i < ndirty; i++) {
			struct xbe_dev *d;

			for (d = b->devs; d && d != dirty[i]; d = d->next)
				;
			if (d)
				update(b, d);
		}
	}
	free(dirty);
	return 0;
}

int xbe_init(struct xbe *b, const struct xbe_ops *ops, void *ctx)
{
	int rc;

	memset(b, 0, sizeof(*b));
	b->ops = ops;
	b->ctx = ctx;
	b->ev.fd = -1;
	snprintf(b->base, sizeof(b->base), "/local/domain/0/backend/%s", ops->type);
	rc = tc_xs_open(&b->xs);
	if (rc)
		return rc;
	rc = tc_evtchn_open(&b->ev);
	if (rc == 0)
		rc = tc_xs_watch(&b->xs, b->base, XBE_WATCH_BASE);
	if (rc) {
		tc_evtchn_close(&b->ev);
		tc_xs_close(&b->xs);
	}
	return rc;
}

void xbe_fini(struct xbe *b)
{
	b->stopping = 1;
	while (b->devs) {
		struct xbe_dev *d = b->devs;

		/* The devices stay as they are in xenstore: a restarted daemon
		 * takes them over. Only this process lets go of them. */
		dev_disconnect(d);
		if (d->probed && b->ops->remove)
			b->ops->remove(d);
		b->devs = d->next;
		free(d);
	}
	free(b->ports);
	b->ports = NULL;
	tc_evtchn_close(&b->ev);
	tc_xs_close(&b->xs);
}
