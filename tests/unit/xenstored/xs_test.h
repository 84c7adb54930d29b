/*
 * Helpers for xenstored's unit tests: a daemon without disk or sockets, and
 * connections over an in-memory transport whose replies the test reads back.
 */
#ifndef XS_TEST_H
#define XS_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daemon.h"
#include "handle.h"

struct xs_test_pipe {
	unsigned char *in;	/* bytes the client sent, not yet read */
	size_t in_len, in_off;
	unsigned char *out;	/* bytes the daemon wrote */
	size_t out_len, out_off;
	char stash[32][256];	/* event paths read while waiting for a reply */
	int nstash;
};

static ssize_t xs_test_read(struct xs_conn *c, void *buf, size_t len)
{
	struct xs_test_pipe *p = c->tp_priv;

	if (len > p->in_len - p->in_off)
		len = p->in_len - p->in_off;
	memcpy(buf, p->in + p->in_off, len);
	p->in_off += len;
	return (ssize_t)len;
}

static ssize_t xs_test_write(struct xs_conn *c, const void *buf, size_t len)
{
	struct xs_test_pipe *p = c->tp_priv;

	p->out = realloc(p->out, p->out_len + len);
	assert_non_null(p->out);
	memcpy(p->out + p->out_len, buf, len);
	p->out_len += len;
	return (ssize_t)len;
}

static void xs_test_close(struct xs_conn *c)
{
	struct xs_test_pipe *p = c->tp_priv;

	free(p->in);
	free(p->out);
	free(p);
}

static const struct xs_transport xs_test_transport = {
	.name = "test",
	.read = xs_test_read,
	.write = xs_test_write,
	.close = xs_test_close,
};

static inline struct xs_daemon *xs_test_daemon(void)
{
	struct xs_daemon *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	assert_int_equal(xs_daemon_init(d), 0);
	assert_int_equal(xs_tree_setup(&d->tree), 0);
	return d;
}

static inline void xs_test_daemon_free(struct xs_daemon *d)
{
	xs_daemon_fini(d);
	free(d);
}

/* A connection as domain domid (0 is privileged). */
static inline struct xs_conn *xs_test_conn(struct xs_daemon *d, uint32_t domid)
{
	struct xs_who who = { domid, XS_NO_TARGET, domid == 0 };
	struct xs_test_pipe *p = calloc(1, sizeof(*p));
	struct xs_conn *c;

	assert_non_null(p);
	c = xs_conn_new(&xs_test_transport, p, -1, &who);
	assert_non_null(c);
	xs_daemon_add_conn(d, c);
	return c;
}

/* Client side: raw bytes into the connection, then let the daemon run. */
static inline void xs_test_feed(struct xs_daemon *d, struct xs_conn *c, const void *buf,
				size_t len)
{
	struct xs_test_pipe *p = c->tp_priv;

	p->in = realloc(p->in, p->in_len + len);
	assert_non_null(p->in);
	memcpy(p->in + p->in_len, buf, len);
	p->in_len += len;
	xs_handle_input(d, c);
	xs_conn_flush(c);
}

static inline void xs_test_send(struct xs_daemon *d, struct xs_conn *c, uint32_t type,
				uint32_t tx, const void *payload, size_t len)
{
	struct xsd_sockmsg h = { type, 77, tx, (uint32_t)len };
	unsigned char buf[sizeof(h) + 8192];

	assert_true(len <= 8192);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	xs_test_feed(d, c, buf, sizeof(h) + len);
}

/* Next message the daemon sent; its payload gets a NUL appended. 0 if none. */
static inline int xs_test_recv(struct xs_conn *c, struct xsd_sockmsg *h, char *payload,
			       size_t size)
{
	struct xs_test_pipe *p = c->tp_priv;

	xs_conn_flush(c);
	if (p->out_len - p->out_off < sizeof(*h))
		return 0;
	memcpy(h, p->out + p->out_off, sizeof(*h));
	assert_true(p->out_len - p->out_off >= sizeof(*h) + h->len);
	assert_true(h->len < size);
	memcpy(payload, p->out + p->out_off + sizeof(*h), h->len);
	payload[h->len] = '\0';
	p->out_off += sizeof(*h) + h->len;
	return 1;
}

/* Sends a request and returns the reply's type; the payload goes to out. */
static inline uint32_t xs_test_req(struct xs_daemon *d, struct xs_conn *c, uint32_t type,
				   uint32_t tx, const void *payload, size_t len, char *out)
{
	static char scratch[8192];
	struct xsd_sockmsg h;

	struct xs_test_pipe *p = c->tp_priv;

	xs_test_send(d, c, type, tx, payload, len);
	/* Events queued ahead of the reply are kept for xs_test_events(). */
	for (;;) {
		assert_int_equal(xs_test_recv(c, &h, out ? out : scratch, 8192), 1);
		if (h.type != XS_WATCH_EVENT)
			return h.type;
		assert_true(p->nstash < 32);
		strncpy(p->stash[p->nstash++], out ? out : scratch, 255);
	}
}

/* Requests with NUL-separated string arguments given as one C literal. */
#define XS_TEST_ARGS(s) (s), sizeof(s)

static inline void xs_test_expect_ok(struct xs_daemon *d, struct xs_conn *c, uint32_t type,
				     uint32_t tx, const void *payload, size_t len)
{
	char out[8192];

	assert_int_equal(xs_test_req(d, c, type, tx, payload, len, out), type);
}

static inline void xs_test_expect_err(struct xs_daemon *d, struct xs_conn *c, uint32_t type,
				      uint32_t tx, const void *payload, size_t len,
				      const char *err)
{
	char out[8192];

	assert_int_equal(xs_test_req(d, c, type, tx, payload, len, out), XS_ERROR);
	assert_string_equal(out, err);
}

static inline void xs_test_write_str(struct xs_daemon *d, struct xs_conn *c, uint32_t tx,
				     const char *path, const char *val)
{
	char buf[4096];
	size_t pl = strlen(path) + 1, vl = strlen(val);

	memcpy(buf, path, pl);
	memcpy(buf + pl, val, vl);
	xs_test_expect_ok(d, c, XS_WRITE, tx, buf, pl + vl);
}

/* Reads path; returns the reply type and the value in out. */
static inline uint32_t xs_test_read_str(struct xs_daemon *d, struct xs_conn *c, uint32_t tx,
					const char *path, char *out)
{
	return xs_test_req(d, c, XS_READ, tx, path, strlen(path) + 1, out);
}

static inline uint32_t xs_test_txn(struct xs_daemon *d, struct xs_conn *c)
{
	char out[64];

	assert_int_equal(xs_test_req(d, c, XS_TRANSACTION_START, 0, "", 1, out),
			 XS_TRANSACTION_START);
	return (uint32_t)strtoul(out, NULL, 10);
}

/* Number of watch events waiting on c; they are consumed into paths (may be NULL). */
static inline int xs_test_events(struct xs_conn *c, char paths[][256], int max)
{
	struct xs_test_pipe *p = c->tp_priv;
	struct xsd_sockmsg h;
	char buf[8192];
	int n = 0, i;

	for (i = 0; i < p->nstash; i++, n++)
		if (paths && n < max)
			strcpy(paths[n], p->stash[i]);
	p->nstash = 0;
	while (xs_test_recv(c, &h, buf, sizeof(buf))) {
		assert_int_equal(h.type, XS_WATCH_EVENT);
		if (paths && n < max)
			strncpy(paths[n], buf, 255);
		n++;
	}
	return n;
}

#endif
