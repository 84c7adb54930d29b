/*
 * A domain's side of a xenstore ring, for xenstored's tests: a plain page in
 * memory that a test writes requests into and takes replies from, as many
 * bytes at a time as it likes, while the daemon runs rounds of its loop.
 */
#ifndef XS_RING_GUEST_H
#define XS_RING_GUEST_H

#include "xs_test.h"

#include "loop.h"
#include "ringconn.h"

#define XS_GUEST_MAX 16

struct xs_guest {
	struct xenstore_domain_interface *intf;
	uint32_t domid;
	int kicks;		/* event channel signals from the daemon */
	int released;		/* the daemon gave the page and channel back */
	unsigned char rx[16384];	/* reply bytes taken, not yet parsed */
	size_t rx_len;
};

/* Pages by domain id, for the daemon's ring_attach hook. */
static struct xs_guest *xs_guests[XS_GUEST_MAX];

static void xs_guest_kick(void *ctx)
{
	((struct xs_guest *)ctx)->kicks++;
}

static void xs_guest_release(void *ctx)
{
	((struct xs_guest *)ctx)->released++;
}

/* What xen_ring.c does on tern, over the test's page instead of a mapping. */
static int xs_guest_attach(struct xs_daemon *d, struct xs_domain *dom)
{
	struct xs_guest *g = dom->domid < XS_GUEST_MAX ? xs_guests[dom->domid] : NULL;
	struct xs_ring_port port = { NULL, xs_guest_kick, xs_guest_release, g };

	if (!g)
		return -ENOENT;
	if (dom->conn && !dom->conn->dead)
		return 0;
	port.intf = g->intf;
	return xs_ringconn_attach(d, dom, &port);
}

/* A page for domid whose four indexes start at start. */
static inline struct xs_guest *xs_guest_new(struct xs_daemon *d, uint32_t domid,
					    XENSTORE_RING_IDX start)
{
	struct xs_guest *g = calloc(1, sizeof(*g));

	assert_non_null(g);
	assert_true(domid < XS_GUEST_MAX);
	g->intf = calloc(1, 4096);
	assert_non_null(g->intf);
	g->domid = domid;
	g->intf->req_cons = g->intf->req_prod = start;
	g->intf->rsp_cons = g->intf->rsp_prod = start;
	xs_guests[domid] = g;
	d->ring_attach = xs_guest_attach;
	return g;
}

static inline void xs_guest_free(struct xs_guest *g)
{
	xs_guests[g->domid] = NULL;
	free(g->intf);
	free(g);
}

static inline struct xs_conn *xs_guest_conn(struct xs_daemon *d, const struct xs_guest *g)
{
	struct xs_domain *dom = xs_domain_find(&d->domains, g->domid);

	return dom ? dom->conn : NULL;
}

/* As after a daemon restart: the domain is known and its ring is not reset. */
static inline struct xs_conn *xs_guest_restore(struct xs_daemon *d, struct xs_guest *g)
{
	struct xs_domain *dom = xs_domain_add(&d->domains, g->domid, 100 + g->domid, 1);

	assert_non_null(dom);
	assert_int_equal(xs_guest_attach(d, dom), 0);
	return dom->conn;
}

/* The domain's home, owned by it, as xl makes it (dom0 writes through c0). */
static inline void xs_guest_home(struct xs_daemon *d, struct xs_conn *c0,
				 const struct xs_guest *g)
{
	char args[64];
	int n = snprintf(args, sizeof(args), "/local/domain/%u", g->domid);

	xs_test_write_str(d, c0, 0, args, "");
	n += snprintf(args + n + 1, sizeof(args) - (size_t)n - 1, "n%u", g->domid);
	xs_test_expect_ok(d, c0, XS_SET_PERMS, 0, args, (size_t)n + 2);
}

/* What xl does for a new domain: its home, then INTRODUCE. */
static inline struct xs_conn *xs_guest_introduce(struct xs_daemon *d, struct xs_conn *c0,
						 struct xs_guest *g, uint32_t port)
{
	char args[64];
	int n;

	xs_guest_home(d, c0, g);
	n = snprintf(args, sizeof(args), "%u%c%u%c%u", g->domid, 0, 100 + g->domid, 0, port);
	xs_test_expect_ok(d, c0, XS_INTRODUCE, 0, args, (size_t)n + 1);
	return xs_guest_conn(d, g);
}

/* A test's world: dom0 on a test connection, domains 3 and 4 introduced. */
struct xs_world {
	struct xs_daemon *d;
	struct xs_conn *c0;
	struct xs_guest *g[2];
};

static int xs_world_setup(void **state)
{
	struct xs_world *w = calloc(1, sizeof(*w));
	int i;

	assert_non_null(w);
	w->d = xs_test_daemon();
	w->c0 = xs_test_conn(w->d, 0);
	for (i = 0; i < 2; i++) {
		w->g[i] = xs_guest_new(w->d, 3 + (uint32_t)i, 0);
		xs_guest_introduce(w->d, w->c0, w->g[i], 7 + (uint32_t)i);
	}
	*state = w;
	return 0;
}

static int xs_world_teardown(void **state)
{
	struct xs_world *w = *state;

	/* The daemon lets go of the pages before they are freed. */
	xs_test_daemon_free(w->d);
	xs_guest_free(w->g[0]);
	xs_guest_free(w->g[1]);
	free(w);
	return 0;
}

/* One round of the daemon's loop over every connection. */
static inline void xs_test_round(struct xs_daemon *d)
{
	struct xs_conn *cs[64], *c;
	size_t n = 0, i;

	for (c = d->conns; c && n < 64; c = c->next)
		cs[n++] = c;
	for (i = 0; i < n; i++)
		if (!cs[i]->dead)
			xs_loop_input(d, cs[i]);
	xs_loop_output(d);
}

/* Writes up to len request bytes, as room allows; returns how many. */
static inline size_t xs_guest_put(struct xs_guest *g, const void *buf, size_t len)
{
	struct xenstore_domain_interface *intf = g->intf;
	size_t room = XENSTORE_RING_SIZE - (XENSTORE_RING_IDX)(intf->req_prod - intf->req_cons);
	size_t i, n = len < room ? len : room;

	for (i = 0; i < n; i++)
		intf->req[MASK_XENSTORE_IDX(intf->req_prod + (XENSTORE_RING_IDX)i)] =
			((const char *)buf)[i];
	intf->req_prod += (XENSTORE_RING_IDX)n;
	return n;
}

/* Takes up to max reply bytes off the ring; returns how many. */
static inline size_t xs_guest_take(struct xs_guest *g, size_t max)
{
	struct xenstore_domain_interface *intf = g->intf;
	size_t avail = (XENSTORE_RING_IDX)(intf->rsp_prod - intf->rsp_cons), i;

	if (max > avail)
		max = avail;
	assert_true(g->rx_len + max <= sizeof(g->rx));
	for (i = 0; i < max; i++)
		g->rx[g->rx_len++] =
			(unsigned char)intf->rsp[MASK_XENSTORE_IDX(intf->rsp_cons + (XENSTORE_RING_IDX)i)];
	intf->rsp_cons += (XENSTORE_RING_IDX)max;
	return max;
}

/* The next whole message taken, its payload NUL-terminated in out; 0 if none. */
static inline int xs_guest_next(struct xs_guest *g, struct xsd_sockmsg *h, char *out,
				size_t size)
{
	if (g->rx_len < sizeof(*h))
		return 0;
	memcpy(h, g->rx, sizeof(*h));
	if (g->rx_len < sizeof(*h) + h->len)
		return 0;
	assert_true(h->len < size);
	memcpy(out, g->rx + sizeof(*h), h->len);
	out[h->len] = '\0';
	g->rx_len -= sizeof(*h) + h->len;
	memmove(g->rx, g->rx + sizeof(*h) + h->len, g->rx_len);
	return 1;
}

/* Sends one request (in as many rounds as the ring needs); no reply is taken. */
static inline void xs_guest_send(struct xs_daemon *d, struct xs_guest *g, uint32_t type,
				 uint32_t req_id, uint32_t tx, const void *payload, size_t len)
{
	struct xsd_sockmsg h = { type, req_id, tx, (uint32_t)len };
	unsigned char buf[sizeof(h) + 8192];
	size_t off = 0;
	int rounds = 0;

	assert_true(len <= 8192);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	while (off < sizeof(h) + len) {
		off += xs_guest_put(g, buf + off, sizeof(h) + len - off);
		xs_test_round(d);
		assert_true(++rounds < 100);
	}
}

/*
 * A request and its reply, as a domain's xenbus driver does it: the reply's
 * type is returned and its payload goes to out; watch events that came
 * first are counted in *events (may be NULL).
 */
static inline uint32_t xs_guest_call(struct xs_daemon *d, struct xs_guest *g, uint32_t type,
				     uint32_t tx, const void *payload, size_t len, char *out,
				     int *events)
{
	struct xsd_sockmsg h;
	int rounds = 0;

	xs_guest_send(d, g, type, 0x5eed, tx, payload, len);
	for (;;) {
		xs_guest_take(g, XENSTORE_RING_SIZE);
		while (xs_guest_next(g, &h, out, 8192)) {
			if (h.type != XS_WATCH_EVENT) {
				assert_int_equal(h.req_id, 0x5eed);
				return h.type;
			}
			if (events)
				(*events)++;
		}
		xs_test_round(d);
		assert_true(++rounds < 100);
	}
}

#endif
