/* Copying through a console page (the ring rules are byte_ring.h's). */
#include "cons_ring.h"

#include <byte_ring.h>

ssize_t xcs_ring_take_out(struct xencons_interface *r, void *buf, size_t len)
{
	return byte_ring_take(r->out, XCS_RING_OUT_SIZE, &r->out_cons, &r->out_prod, buf, len);
}

ssize_t xcs_ring_put_in(struct xencons_interface *r, const void *buf, size_t len)
{
	return byte_ring_put(r->in, XCS_RING_IN_SIZE, &r->in_cons, &r->in_prod, buf, len);
}

size_t xcs_ring_in_room(const struct xencons_interface *r)
{
	return byte_ring_room(XCS_RING_IN_SIZE, &r->in_cons, &r->in_prod);
}
