/* Daemon state: wiring the tree's change hooks to accounting and journal. */
#include "daemon.h"

#include <string.h>

#include "log.h"

static void xs_daemon_owner(void *ctx, uint32_t domid, int delta)
{
	struct xs_daemon *d = ctx;

	xs_quota_add(&d->quota, domid, XS_Q_NODES, delta);
}

static void xs_daemon_put(void *ctx, const struct xs_node *n)
{
	struct xs_daemon *d = ctx;

	xs_journal_put(d->journal, n);
}

static void xs_daemon_del(void *ctx, const char *path)
{
	struct xs_daemon *d = ctx;

	xs_journal_del(d->journal, path);
}

/*
 * Frees an unlinked connection and what it holds. A domain whose ring
 * connection closes stays introduced, without one.
 */
static void xs_daemon_close_conn(struct xs_daemon *d, struct xs_conn *c)
{
	struct xs_domain *dom = xs_domain_find(&d->domains, c->who.domid);

	if (dom && dom->conn == c)
		dom->conn = NULL;
	xs_daemon_drop_conn_state(d, c);
	xs_conn_free(c);
}

int xs_daemon_init(struct xs_daemon *d)
{
	int rc;

	memset(d, 0, sizeof(*d));
	xs_quota_init(&d->quota);
	rc = xs_tree_init(&d->tree);
	if (rc)
		return rc;
	d->tree.hooks.ctx = d;
	d->tree.hooks.owner = xs_daemon_owner;
	d->hv_fd = -1;
	return 0;
}

void xs_daemon_set_journal(struct xs_daemon *d, struct xs_journal *j)
{
	d->journal = j;
	d->tree.hooks.put = j ? xs_daemon_put : NULL;
	d->tree.hooks.del = j ? xs_daemon_del : NULL;
}

void xs_daemon_fini(struct xs_daemon *d)
{
	while (d->conns) {
		struct xs_conn *c = d->conns;

		d->conns = c->next;
		xs_daemon_close_conn(d, c);
	}
	xs_tree_fini(&d->tree);
	xs_quota_fini(&d->quota);
	xs_domain_fini(&d->domains);
}

void xs_daemon_add_conn(struct xs_daemon *d, struct xs_conn *c)
{
	c->next = d->conns;
	d->conns = c;
}

void xs_daemon_drop_conn_state(struct xs_daemon *d, struct xs_conn *c)
{
	xs_quota_add(&d->quota, c->who.domid, XS_Q_WATCHES, -(long)c->nwatches);
	xs_quota_add(&d->quota, c->who.domid, XS_Q_TXNS, -(long)c->ntxns);
	xs_watch_free_all(&c->watches);
	c->nwatches = 0;
	while (c->txns) {
		struct xs_txn *t = c->txns;

		c->txns = t->next;
		xs_txn_free(t);
	}
	c->ntxns = 0;
}

void xs_daemon_kill_conn(struct xs_daemon *d, struct xs_conn *c, const char *why)
{
	xs_daemon_drop_conn_state(d, c);
	xs_conn_kill(c, why);
}

void xs_daemon_restart_conn(struct xs_daemon *d, struct xs_conn *c)
{
	xs_daemon_drop_conn_state(d, c);
	xs_conn_drop_output(c);
	c->inlen = 0;
}

void xs_daemon_reap(struct xs_daemon *d)
{
	struct xs_conn **p = &d->conns;

	while (*p) {
		struct xs_conn *c = *p;

		if (!c->dead) {
			p = &c->next;
			continue;
		}
		*p = c->next;
		if (!c->who.priv || strcmp(c->dead, "closed by peer"))
			xs_log("connection %s dom%u closed: %s", c->tp->name, c->who.domid, c->dead);
		xs_daemon_close_conn(d, c);
	}
}
