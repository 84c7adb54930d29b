/*
 * A client connection: who it is, its input framing state, its queue of
 * messages to send, its watches and transactions. How bytes move is the
 * transport's business (unix socket now, domain ring later).
 */
#ifndef XS_CONN_H
#define XS_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <xen/io/xs_wire.h>

#include "perms.h"
#include "txn.h"
#include "watch.h"

struct xs_conn;

struct xs_transport {
	const char *name;
	/* Up to len bytes; 0 when nothing is ready, -errno once the peer is gone. */
	ssize_t (*read)(struct xs_conn *c, void *buf, size_t len);
	/* Up to len bytes; 0 when the peer cannot take more now, -errno if gone. */
	ssize_t (*write)(struct xs_conn *c, const void *buf, size_t len);
	/* Releases the transport's side (fd, mapping). */
	void (*close)(struct xs_conn *c);
	/* Tells the peer why it is dropped (XENSTORE_ERROR_*); NULL if it cannot. */
	void (*set_error)(struct xs_conn *c, uint32_t error);
};

struct xs_outmsg {
	struct xs_outmsg *next;
	size_t len, off;
	bool reply;		/* counts as an outstanding request until sent */
	unsigned char data[];
};

/* Unread watch events beyond this drop the connection. */
#define XS_CONN_OUT_MAX (4u << 20)
/* Privileged clients may have this many replies in flight. */
#define XS_CONN_PRIV_OUTSTANDING 1024

struct xs_conn {
	struct xs_conn *next;	/* daemon's list */
	const struct xs_transport *tp;
	void *tp_priv;
	int fd;			/* for poll(); -1 if the transport has none */
	struct xs_who who;
	unsigned char in[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 1];
	size_t inlen;
	struct xs_outmsg *out_head, *out_tail;
	size_t out_bytes;
	unsigned int outstanding;	/* replies queued and not yet sent */
	struct xs_watch *watches;
	unsigned int nwatches;
	struct xs_txn *txns;
	unsigned int ntxns;
	uint32_t next_txid;
	const char *dead;	/* why it is to be closed, or NULL */
};

struct xs_conn *xs_conn_new(const struct xs_transport *tp, void *tp_priv, int fd,
			    const struct xs_who *who);
/* Frees the connection's state; the caller has unlinked it. */
void xs_conn_free(struct xs_conn *c);
int xs_conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
		  const void *payload, size_t len, bool reply);
/* Sends what the transport takes; -errno when the peer is gone. */
int xs_conn_flush(struct xs_conn *c);
/* Forgets every queued message, sent in part or not at all. */
void xs_conn_drop_output(struct xs_conn *c);
struct xs_txn *xs_conn_txn(struct xs_conn *c, uint32_t id);
void xs_conn_kill(struct xs_conn *c, const char *why);
/* The peer broke the protocol: kill, and tell it why where the transport can. */
void xs_conn_fail(struct xs_conn *c, const char *why, uint32_t error);

#endif
