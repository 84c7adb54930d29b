/* Message framing, checks common to all requests, and the dispatch table. */
#include "handle.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "notify.h"
#include "ops.h"

/* Requests only the privileged domain may make; others get EACCES. */
#define XS_OP_PRIV 0x1
/* Requests that run inside the header's transaction. */
#define XS_OP_TXN 0x2
/* Requests that change nodes: a transaction's size quota applies. */
#define XS_OP_CHANGES 0x4

struct xs_op {
	const char *name;
	xs_op_fn *fn;
	unsigned int flags;
};

static const struct xs_op xs_ops[XS_TYPE_COUNT] = {
	[XS_CONTROL] = { "CONTROL", xs_op_control, XS_OP_PRIV },
	[XS_DIRECTORY] = { "DIRECTORY", xs_op_directory, XS_OP_TXN },
	[XS_READ] = { "READ", xs_op_read, XS_OP_TXN },
	[XS_GET_PERMS] = { "GET_PERMS", xs_op_get_perms, XS_OP_TXN },
	[XS_WATCH] = { "WATCH", xs_op_watch, 0 },
	[XS_UNWATCH] = { "UNWATCH", xs_op_unwatch, 0 },
	[XS_TRANSACTION_START] = { "TRANSACTION_START", xs_op_txn_start, 0 },
	[XS_TRANSACTION_END] = { "TRANSACTION_END", xs_op_txn_end, XS_OP_TXN },
	[XS_INTRODUCE] = { "INTRODUCE", xs_op_introduce, XS_OP_PRIV },
	[XS_RELEASE] = { "RELEASE", xs_op_release, XS_OP_PRIV },
	[XS_GET_DOMAIN_PATH] = { "GET_DOMAIN_PATH", xs_op_get_domain_path, 0 },
	[XS_WRITE] = { "WRITE", xs_op_write, XS_OP_TXN | XS_OP_CHANGES },
	[XS_MKDIR] = { "MKDIR", xs_op_mkdir, XS_OP_TXN | XS_OP_CHANGES },
	[XS_RM] = { "RM", xs_op_rm, XS_OP_TXN | XS_OP_CHANGES },
	[XS_SET_PERMS] = { "SET_PERMS", xs_op_set_perms, XS_OP_TXN | XS_OP_CHANGES },
	[XS_IS_DOMAIN_INTRODUCED] = { "IS_DOMAIN_INTRODUCED", xs_op_is_introduced, XS_OP_PRIV },
	[XS_RESUME] = { "RESUME", xs_op_resume, XS_OP_PRIV },
	[XS_SET_TARGET] = { "SET_TARGET", xs_op_set_target, XS_OP_PRIV },
	[XS_RESET_WATCHES] = { "RESET_WATCHES", xs_op_reset_watches, 0 },
	[XS_DIRECTORY_PART] = { "DIRECTORY_PART", xs_op_directory_part, XS_OP_TXN },
};

const char *xs_handle_errname(int err)
{
	switch (err) {
	case EINVAL: return "EINVAL";
	case EACCES: return "EACCES";
	case EEXIST: return "EEXIST";
	case EISDIR: return "EISDIR";
	case ENOENT: return "ENOENT";
	case ENOMEM: return "ENOMEM";
	case ENOSPC: return "ENOSPC";
	case EIO: return "EIO";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ENOSYS: return "ENOSYS";
	case EROFS: return "EROFS";
	case EBUSY: return "EBUSY";
	case EAGAIN: return "EAGAIN";
	case EISCONN: return "EISCONN";
	case E2BIG: return "E2BIG";
	case EPERM: return "EPERM";
	default: return "EINVAL";
	}
}

static void xs_handle_error(struct xs_conn *c, const struct xsd_sockmsg *hdr, int err)
{
	const char *name = xs_handle_errname(err);

	xs_trace("OUT %p ERROR %s req %u", (void *)c, name, hdr->req_id);
	if (xs_conn_queue(c, XS_ERROR, hdr->req_id, hdr->tx_id, name, strlen(name) + 1, true))
		xs_conn_kill(c, "no memory for a reply");
}

/* Picks the view: the header's transaction for requests that use one. */
static int xs_handle_view(struct xs_daemon *d, struct xs_conn *c, const struct xs_op *op,
			  struct xs_req *r)
{
	r->store.view = &d->tree.view;
	if (!(op->flags & XS_OP_TXN) || !r->hdr->tx_id)
		return r->hdr->type == XS_TRANSACTION_END ? -ENOENT : 0;
	r->txn = xs_conn_txn(c, r->hdr->tx_id);
	if (!r->txn)
		return -ENOENT;
	r->store.view = &r->txn->view;
	if (op->flags & XS_OP_CHANGES)
		return xs_quota_check(&d->quota, &c->who, XS_Q_TXN_NODES,
				      xs_txn_size(r->txn) + 1);
	return 0;
}

static void xs_handle_changes(struct xs_daemon *d, struct xs_req *r)
{
	if (r->txn && r->hdr->type != XS_TRANSACTION_END) {
		if (xs_changes_move(&r->txn->changes, &r->changes))
			r->txn->failed = true;
		return;
	}
	xs_notify(d, &r->changes);
}

void xs_handle_msg(struct xs_daemon *d, struct xs_conn *c, const struct xsd_sockmsg *hdr,
		   char *body)
{
	static struct xs_req r;
	const struct xs_op *op = hdr->type < XS_TYPE_COUNT ? &xs_ops[hdr->type] : NULL;
	int rc;

	/* One request at a time: the big request state need not be on the stack. */
	memset(&r, 0, offsetof(struct xs_req, buf));
	r.hdr = hdr;
	r.body = body;
	r.len = hdr->len;
	body[hdr->len] = '\0';
	r.store.who = &c->who;
	r.store.quota = &d->quota;
	r.store.changes = &r.changes;
	xs_trace("IN  %p %s req %u tx %u len %u", (void *)c, op && op->fn ? op->name : "?",
		 hdr->req_id, hdr->tx_id, hdr->len);

	if (!op || !op->fn)
		rc = -ENOSYS;
	else if ((op->flags & XS_OP_PRIV) && !c->who.priv)
		rc = -EACCES;
	else
		rc = xs_handle_view(d, c, op, &r);
	if (!rc)
		rc = op->fn(d, c, &r);
	if (!rc && r.reply_len > XENSTORE_PAYLOAD_MAX)
		rc = -E2BIG;
	if (rc) {
		xs_handle_error(c, hdr, -rc);
		/* Changes made before a failure still happened: watchers hear of them. */
		xs_handle_changes(d, &r);
		xs_changes_clear(&r.changes);
		return;
	}
	if (!r.reply)
		xs_req_reply_str(&r, "OK");
	xs_trace("OUT %p %s req %u len %zu", (void *)c, op->name, hdr->req_id, r.reply_len);
	if (xs_conn_queue(c, hdr->type, hdr->req_id, hdr->tx_id, r.reply, r.reply_len, true))
		xs_conn_kill(c, "no memory for a reply");
	if (r.fire_path)
		xs_notify_send(c, r.fire_path, r.fire_token);
	xs_handle_changes(d, &r);
	xs_changes_clear(&r.changes);
}

bool xs_handle_may_read(const struct xs_daemon *d, const struct xs_conn *c)
{
	unsigned long max = d->quota.limit[XS_Q_OUTSTANDING];

	if (c->who.priv || !max)
		max = XS_CONN_PRIV_OUTSTANDING;
	return !c->dead && c->outstanding < max;
}

void xs_handle_input(struct xs_daemon *d, struct xs_conn *c)
{
	const size_t hlen = sizeof(struct xsd_sockmsg);
	struct xsd_sockmsg hdr;

	while (xs_handle_may_read(d, c)) {
		size_t want;
		ssize_t n;

		memcpy(&hdr, c->in, sizeof(hdr));
		want = c->inlen < hlen ? hlen - c->inlen : hlen + hdr.len - c->inlen;
		if (want) {
			n = c->tp->read(c, c->in + c->inlen, want);
			if (n < 0) {
				xs_conn_kill(c, n == -EPIPE || n == -ECONNRESET ? "closed by peer"
										 : "read error");
				return;
			}
			if (n == 0)
				return;
			c->inlen += (size_t)n;
			if (c->inlen < hlen)
				continue;
			memcpy(&hdr, c->in, sizeof(hdr));
			/* Xen's rule: a payload over the limit ends the connection. */
			if (hdr.len > XENSTORE_PAYLOAD_MAX) {
				xs_log("dom%u sent a %u-byte payload (limit %u): disconnecting",
				       c->who.domid, hdr.len, XENSTORE_PAYLOAD_MAX);
				xs_conn_fail(c, "oversized payload", XENSTORE_ERROR_PROTO);
				return;
			}
			if (c->inlen < hlen + hdr.len)
				continue;
		}
		c->inlen = 0;
		xs_handle_msg(d, c, &hdr, (char *)c->in + hlen);
		/* Big batches go out between requests (never within one). */
		if (d->journal && d->journal->len > XS_JOURNAL_BATCH)
			xs_journal_commit(d->journal);
	}
}
