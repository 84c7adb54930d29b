/* Transport operations over a ring page; the other end is a domain. */
#include "ringconn.h"

#include <errno.h>
#include <stdlib.h>

#include "ring.h"

static ssize_t xs_ringconn_read(struct xs_conn *c, void *buf, size_t len)
{
	struct xs_ring_port *p = c->tp_priv;
	ssize_t n = xs_ring_read(p->intf, buf, len);

	if (n < 0) {
		p->intf->error = XENSTORE_ERROR_RINGIDX;
		return n;
	}
	/* The domain may be waiting for room to write the rest. */
	if (n > 0)
		p->notify(p->ctx);
	return n;
}

static ssize_t xs_ringconn_write(struct xs_conn *c, const void *buf, size_t len)
{
	struct xs_ring_port *p = c->tp_priv;
	ssize_t n = xs_ring_write(p->intf, buf, len);

	if (n < 0) {
		p->intf->error = XENSTORE_ERROR_RINGIDX;
		return n;
	}
	if (n > 0)
		p->notify(p->ctx);
	return n;
}

static void xs_ringconn_close(struct xs_conn *c)
{
	struct xs_ring_port *p = c->tp_priv;

	if (p->release)
		p->release(p->ctx);
	free(p);
}

static const struct xs_transport xs_ringconn_transport = {
	.name = "ring",
	.read = xs_ringconn_read,
	.write = xs_ringconn_write,
	.close = xs_ringconn_close,
};

struct xs_conn *xs_ringconn_new(const struct xs_ring_port *port, uint32_t domid)
{
	struct xs_who who = { domid, XS_NO_TARGET, domid == 0 };
	struct xs_ring_port *p = malloc(sizeof(*p));
	struct xs_conn *c;

	if (!p)
		return NULL;
	*p = *port;
	c = xs_conn_new(&xs_ringconn_transport, p, -1, &who);
	if (!c) {
		free(p);
		return NULL;
	}
	p->intf->server_features = XENSTORE_SERVER_FEATURE_WATCHDEPTH;
	return c;
}
