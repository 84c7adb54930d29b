/*
 * The domain-ring transport: a connection whose bytes move through a mapped
 * xenstore ring page. Mapping the page and binding the event channel belong
 * to the caller (privcmd/gnttab and evtchn on tern), given here as port.
 */
#ifndef XS_RINGCONN_H
#define XS_RINGCONN_H

#include <stdbool.h>

#include "daemon.h"

struct xs_ring_port {
	struct xenstore_domain_interface *intf;
	void (*notify)(void *ctx);	/* signal the domain's event channel */
	void (*release)(void *ctx);	/* unmap, unbind: the connection is gone */
	void *ctx;
};

/* What the daemon offers on every ring page (XENSTORE_SERVER_FEATURE_*). */
#define XS_RINGCONN_FEATURES                                                  \
	(XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR | \
	 XENSTORE_SERVER_FEATURE_WATCHDEPTH)

/* A connection for domain domid over port (copied). */
struct xs_conn *xs_ringconn_new(const struct xs_ring_port *port, uint32_t domid);
/*
 * Serves dom over port: its connection, with its SET_TARGET, joins the
 * daemon and becomes dom->conn. -ENOMEM (port untouched) without memory.
 */
int xs_ringconn_attach(struct xs_daemon *d, struct xs_domain *dom,
		       const struct xs_ring_port *port);
/*
 * Starts ring connection c afresh, as INTRODUCE and a domain's RECONNECT
 * do: its state goes, both queues empty, the page says CONNECTED, and the
 * domain is signalled.
 */
void xs_ringconn_restart(struct xs_daemon *d, struct xs_conn *c);
/*
 * Has ring connection c work that raised no event we will see: requests
 * queued while the daemon was down, or left unread while c was over its
 * outstanding quota, or a RECONNECT? False for other transports.
 */
bool xs_ringconn_pending(const struct xs_conn *c);
/* A ring's indexes, connection state and error, as text ("" for other
 * transports). */
void xs_ringconn_describe(const struct xs_conn *c, char *buf, size_t len);
/* Restarts c if it is a ring whose domain set RECONNECT; true if it did. */
bool xs_ringconn_reconnect(struct xs_daemon *d, struct xs_conn *c);

#endif
