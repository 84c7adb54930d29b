/* Connection state and its output queue. */
#include "conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct xs_conn *xs_conn_new(const struct xs_transport *tp, void *tp_priv, int fd,
			    const struct xs_who *who)
{
	struct xs_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->tp = tp;
	c->tp_priv = tp_priv;
	c->fd = fd;
	c->who = *who;
	c->next_txid = 1;
	return c;
}

void xs_conn_drop_output(struct xs_conn *c)
{
	while (c->out_head) {
		struct xs_outmsg *m = c->out_head;

		c->out_head = m->next;
		free(m);
	}
	c->out_tail = NULL;
	c->out_bytes = 0;
	c->outstanding = 0;
}

void xs_conn_free(struct xs_conn *c)
{
	xs_conn_drop_output(c);
	while (c->txns) {
		struct xs_txn *t = c->txns;

		c->txns = t->next;
		xs_txn_free(t);
	}
	xs_watch_free_all(&c->watches);
	if (c->tp->close)
		c->tp->close(c);
	free(c);
}

int xs_conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
		  const void *payload, size_t len, bool reply)
{
	struct xsd_sockmsg hdr = { type, req_id, tx_id, (uint32_t)len };
	struct xs_outmsg *m = malloc(sizeof(*m) + sizeof(hdr) + len);

	if (!m)
		return -ENOMEM;
	m->next = NULL;
	m->len = sizeof(hdr) + len;
	m->off = 0;
	m->reply = reply;
	memcpy(m->data, &hdr, sizeof(hdr));
	if (len)
		memcpy(m->data + sizeof(hdr), payload, len);
	if (c->out_tail)
		c->out_tail->next = m;
	else
		c->out_head = m;
	c->out_tail = m;
	c->out_bytes += m->len;
	if (reply)
		c->outstanding++;
	return 0;
}

int xs_conn_flush(struct xs_conn *c)
{
	while (c->out_head) {
		struct xs_outmsg *m = c->out_head;
		ssize_t n = c->tp->write(c, m->data + m->off, m->len - m->off);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return 0;
		m->off += (size_t)n;
		c->out_bytes -= (size_t)n;
		if (m->off < m->len)
			continue;
		c->out_head = m->next;
		if (!c->out_head)
			c->out_tail = NULL;
		if (m->reply)
			c->outstanding--;
		free(m);
	}
	return 0;
}

struct xs_txn *xs_conn_txn(struct xs_conn *c, uint32_t id)
{
	struct xs_txn *t;

	for (t = c->txns; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

void xs_conn_kill(struct xs_conn *c, const char *why)
{
	if (!c->dead)
		c->dead = why;
}

void xs_conn_fail(struct xs_conn *c, const char *why, uint32_t error)
{
	if (!c->dead && c->tp->set_error)
		c->tp->set_error(c, error);
	xs_conn_kill(c, why);
}
