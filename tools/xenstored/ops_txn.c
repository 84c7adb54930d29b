/* TRANSACTION_START and TRANSACTION_END. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "notify.h"
#include "ops.h"

int xs_op_txn_start(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	unsigned long used;
	struct xs_txn *t;
	int rc;

	/* Transactions do not nest. */
	if (r->hdr->tx_id)
		return -EBUSY;
	used = xs_quota_used(&d->quota, c->who.domid, XS_Q_TXNS);
	rc = xs_quota_check(&d->quota, &c->who, XS_Q_TXNS, used + 1);
	if (rc)
		return rc;
	/* Ids are per connection; skip 0 (no transaction) and ids in use. */
	while (!c->next_txid || xs_conn_txn(c, c->next_txid))
		c->next_txid++;
	t = xs_txn_new(&d->tree, c->next_txid++);
	if (!t)
		return -ENOMEM;
	t->next = c->txns;
	c->txns = t;
	c->ntxns++;
	xs_quota_add(&d->quota, c->who.domid, XS_Q_TXNS, 1);
	snprintf(r->buf, sizeof(r->buf), "%u", t->id);
	xs_req_reply_str(r, r->buf);
	return 0;
}

static void xs_op_txn_unlink(struct xs_daemon *d, struct xs_conn *c, struct xs_txn *t)
{
	struct xs_txn **p;

	for (p = &c->txns; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	c->ntxns--;
	xs_quota_add(&d->quota, c->who.domid, XS_Q_TXNS, -1);
}

int xs_op_txn_end(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	struct xs_txn *t = r->txn;
	const char *vec[1];
	bool commit;
	int rc = xs_req_args(r, vec, 1);

	if (rc)
		return rc;
	if (!strcmp(vec[0], "T"))
		commit = true;
	else if (!strcmp(vec[0], "F"))
		commit = false;
	else
		return -EINVAL;
	/* Ended either way: the id is gone whatever commit says. */
	xs_op_txn_unlink(d, c, t);
	r->txn = NULL;
	rc = commit ? xs_txn_commit(t) : 0;
	if (commit && !rc)
		rc = xs_changes_move(&r->changes, &t->changes);
	xs_txn_free(t);
	return rc;
}
