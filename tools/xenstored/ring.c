/* The daemon's side of a domain's xenstore page (the ring rules are byte_ring.h's). */
#include "ring.h"

#include <byte_ring.h>

ssize_t xs_ring_read(struct xenstore_domain_interface *intf, void *buf, size_t len)
{
	return byte_ring_take(intf->req, XENSTORE_RING_SIZE, &intf->req_cons, &intf->req_prod,
			      buf, len);
}

ssize_t xs_ring_write(struct xenstore_domain_interface *intf, const void *buf, size_t len)
{
	return byte_ring_put(intf->rsp, XENSTORE_RING_SIZE, &intf->rsp_cons, &intf->rsp_prod,
			     buf, len);
}

bool xs_ring_has_input(const struct xenstore_domain_interface *intf)
{
	return byte_ring_index(&intf->req_prod) != byte_ring_index(&intf->req_cons);
}

bool xs_ring_reconnect_requested(const struct xenstore_domain_interface *intf)
{
	return byte_ring_index(&intf->connection) == XENSTORE_RECONNECT;
}

void xs_ring_reset(struct xenstore_domain_interface *intf)
{
	intf->req_cons = intf->req_prod = 0;
	intf->rsp_cons = intf->rsp_prod = 0;
	intf->error = XENSTORE_ERROR_NONE;
	byte_ring_publish(&intf->connection, XENSTORE_CONNECTED);
}
