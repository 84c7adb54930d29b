/*
 * The daemon's side of a domain's xenstore ring page: requests come in on
 * req[], replies and events go out on rsp[]. Indexes are free-running; a
 * producer more than a ring ahead of its consumer is a broken domain.
 */
#ifndef XS_RING_H
#define XS_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <xen/io/xs_wire.h>

/* Takes up to len request bytes; -EIO if the indexes make no sense. */
ssize_t xs_ring_read(struct xenstore_domain_interface *intf, void *buf, size_t len);
/* Puts up to len bytes as the room allows; -EIO if the indexes make no sense. */
ssize_t xs_ring_write(struct xenstore_domain_interface *intf, const void *buf, size_t len);
/* Are there request bytes not yet read (or indexes gone wrong)? */
bool xs_ring_has_input(const struct xenstore_domain_interface *intf);
/* Has the domain asked for the ring to start afresh (connection = RECONNECT)? */
bool xs_ring_reconnect_requested(const struct xenstore_domain_interface *intf);
/*
 * Empties both queues and clears the error, then says CONNECTED: a domain
 * waiting on the connection field sees the clean ring once it sees that.
 */
void xs_ring_reset(struct xenstore_domain_interface *intf);

#endif
