/* Transport operations over a ring page; the other end is a domain. */
#include "ringconn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "ring.h"

static void xs_ringconn_set_error(struct xs_conn *c, uint32_t error)
{
	struct xs_ring_port *p = c->tp_priv;

	p->intf->error = error;
}

static ssize_t xs_ringconn_read(struct xs_conn *c, void *buf, size_t len)
{
	struct xs_ring_port *p = c->tp_priv;
	ssize_t n = xs_ring_read(p->intf, buf, len);

	if (n < 0) {
		xs_ringconn_set_error(c, XENSTORE_ERROR_RINGIDX);
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
		xs_ringconn_set_error(c, XENSTORE_ERROR_RINGIDX);
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
	.set_error = xs_ringconn_set_error,
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
	p->intf->server_features = XS_RINGCONN_FEATURES;
	return c;
}

int xs_ringconn_attach(struct xs_daemon *d, struct xs_domain *dom,
		       const struct xs_ring_port *port)
{
	struct xs_conn *c = xs_ringconn_new(port, dom->domid);

	if (!c)
		return -ENOMEM;
	c->who.target = dom->target;
	xs_daemon_add_conn(d, c);
	dom->conn = c;
	/* After a restart: the watches the domain had are its again. */
	c->watches = dom->restored;
	dom->restored = NULL;
	for (const struct xs_watch *w = c->watches; w; w = w->next)
		c->nwatches++;
	xs_quota_add(&d->quota, dom->domid, XS_Q_WATCHES, (long)c->nwatches);
	return 0;
}

void xs_ringconn_restart(struct xs_daemon *d, struct xs_conn *c)
{
	struct xs_ring_port *p = c->tp_priv;

	xs_daemon_restart_conn(d, c);
	if (d->journal)
		xs_journal_unwatch_all(d->journal, c->who.domid);
	xs_ring_reset(p->intf);
	p->notify(p->ctx);
}

bool xs_ringconn_pending(const struct xs_conn *c)
{
	const struct xs_ring_port *p = c->tp_priv;

	return c->tp == &xs_ringconn_transport &&
	       (xs_ring_has_input(p->intf) || xs_ring_reconnect_requested(p->intf));
}

bool xs_ringconn_reconnect(struct xs_daemon *d, struct xs_conn *c)
{
	struct xs_ring_port *p = c->tp_priv;

	if (c->tp != &xs_ringconn_transport || c->dead ||
	    !xs_ring_reconnect_requested(p->intf))
		return false;
	xs_log("domain %u asked for a fresh ring: its watches, transactions and "
	       "pending replies are dropped", c->who.domid);
	xs_ringconn_restart(d, c);
	return true;
}

void xs_ringconn_describe(const struct xs_conn *c, char *buf, size_t len)
{
	const struct xs_ring_port *p = c->tp_priv;
	const struct xenstore_domain_interface *i;

	if (c->tp != &xs_ringconn_transport || !len)
		return;
	i = p->intf;
	snprintf(buf, len, "ring req cons %u prod %u, rsp cons %u prod %u, connection %u, error %u",
		 __atomic_load_n(&i->req_cons, __ATOMIC_ACQUIRE),
		 __atomic_load_n(&i->req_prod, __ATOMIC_ACQUIRE),
		 __atomic_load_n(&i->rsp_cons, __ATOMIC_ACQUIRE),
		 __atomic_load_n(&i->rsp_prod, __ATOMIC_ACQUIRE),
		 __atomic_load_n(&i->connection, __ATOMIC_ACQUIRE),
		 __atomic_load_n(&i->error, __ATOMIC_ACQUIRE));
}
