/* Copying through a console page, with the barriers the guest relies on. */
#include "cons_ring.h"

#include <errno.h>
#include <string.h>

static uint32_t xcs_ring_load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void xcs_ring_store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

ssize_t xcs_ring_take_out(struct xencons_interface *r, void *buf, size_t len)
{
	uint32_t cons = xcs_ring_load(&r->out_cons);
	uint32_t prod = xcs_ring_load(&r->out_prod);
	size_t avail = (uint32_t)(prod - cons), first, n;

	if (avail > XCS_RING_OUT_SIZE)
		return -EIO;
	n = len < avail ? len : avail;
	first = XCS_RING_OUT_SIZE - (cons & (XCS_RING_OUT_SIZE - 1));
	if (first > n)
		first = n;
	memcpy(buf, r->out + (cons & (XCS_RING_OUT_SIZE - 1)), first);
	memcpy((char *)buf + first, r->out, n - first);
	/* The copy is complete before the guest may reuse the space. */
	xcs_ring_store(&r->out_cons, cons + (uint32_t)n);
	return (ssize_t)n;
}

ssize_t xcs_ring_put_in(struct xencons_interface *r, const void *buf, size_t len)
{
	uint32_t cons = xcs_ring_load(&r->in_cons);
	uint32_t prod = xcs_ring_load(&r->in_prod);
	size_t used = (uint32_t)(prod - cons), first, n;

	if (used > XCS_RING_IN_SIZE)
		return -EIO;
	n = XCS_RING_IN_SIZE - used;
	if (n > len)
		n = len;
	first = XCS_RING_IN_SIZE - (prod & (XCS_RING_IN_SIZE - 1));
	if (first > n)
		first = n;
	memcpy(r->in + (prod & (XCS_RING_IN_SIZE - 1)), buf, first);
	memcpy(r->in, (const char *)buf + first, n - first);
	/* The bytes are in place before the guest sees the new producer. */
	xcs_ring_store(&r->in_prod, prod + (uint32_t)n);
	return (ssize_t)n;
}

size_t xcs_ring_in_room(const struct xencons_interface *r)
{
	uint32_t used = xcs_ring_load(&r->in_prod) - xcs_ring_load(&r->in_cons);

	return used > XCS_RING_IN_SIZE ? 0 : XCS_RING_IN_SIZE - used;
}
