/*
 * The domain-ring transport: a connection whose bytes move through a mapped
 * xenstore ring page. Mapping the page and binding the event channel belong
 * to the caller (privcmd/gnttab and evtchn on tern), given here as port.
 */
#ifndef XS_RINGCONN_H
#define XS_RINGCONN_H

#include "conn.h"

struct xs_ring_port {
	struct xenstore_domain_interface *intf;
	void (*notify)(void *ctx);	/* signal the domain's event channel */
	void (*release)(void *ctx);	/* unmap, unbind: the connection is gone */
	void *ctx;
};

/* A connection for domain domid over port (copied). */
struct xs_conn *xs_ringconn_new(const struct xs_ring_port *port, uint32_t domid);

#endif
