/* Request handlers, one per message type, and what they share. */
#ifndef XS_OPS_H
#define XS_OPS_H

#include <stdbool.h>

#include "change.h"
#include "daemon.h"
#include "path.h"
#include "store.h"

struct xs_req {
	const struct xsd_sockmsg *hdr;
	char *body;		/* payload; body[len] is an extra NUL */
	uint32_t len;
	struct xs_txn *txn;	/* the header's transaction, if any */
	struct xs_store store;	/* on the transaction or on the tree */
	struct xs_changes changes;
	/* Reply payload; "OK" when a handler sets none. */
	const void *reply;
	size_t reply_len;
	/* WATCH: the event sent right after the reply. */
	const char *fire_path, *fire_token;
	char buf[XENSTORE_PAYLOAD_MAX + 64];	/* last: not cleared per request */
};

typedef int xs_op_fn(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r);

/* Splits the payload into NUL-terminated strings: -EINVAL if the last has none. */
int xs_req_strings(struct xs_req *r, const char **vec, int max);
/* Exactly n strings, or -EINVAL. */
int xs_req_args(struct xs_req *r, const char **vec, int n);
/* A client path made absolute and checked (path-max applies to domains). */
int xs_req_path(struct xs_daemon *d, struct xs_conn *c, const char *arg,
		enum xs_path_kind kind, char *out, bool *relative);
void xs_req_reply_str(struct xs_req *r, const char *s);

xs_op_fn xs_op_read, xs_op_write, xs_op_mkdir, xs_op_rm, xs_op_directory,
	xs_op_directory_part, xs_op_get_perms, xs_op_set_perms;
xs_op_fn xs_op_watch, xs_op_unwatch, xs_op_reset_watches;
xs_op_fn xs_op_txn_start, xs_op_txn_end;
xs_op_fn xs_op_introduce, xs_op_release, xs_op_get_domain_path, xs_op_is_introduced,
	xs_op_resume, xs_op_set_target;
xs_op_fn xs_op_control;

#endif
