/* Shared-ring copy in and out, with the barriers the other side relies on. */
#include "ring.h"

#include <errno.h>
#include <string.h>

/* The other side may change the page at any time: read each index once. */
static XENSTORE_RING_IDX xs_ring_load(const XENSTORE_RING_IDX *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void xs_ring_store(XENSTORE_RING_IDX *p, XENSTORE_RING_IDX v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

ssize_t xs_ring_read(struct xenstore_domain_interface *intf, void *buf, size_t len)
{
	XENSTORE_RING_IDX cons = xs_ring_load(&intf->req_cons);
	XENSTORE_RING_IDX prod = xs_ring_load(&intf->req_prod);
	size_t avail = (XENSTORE_RING_IDX)(prod - cons), first, n;

	if (avail > XENSTORE_RING_SIZE)
		return -EIO;
	n = len < avail ? len : avail;
	first = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons);
	if (first > n)
		first = n;
	memcpy(buf, intf->req + MASK_XENSTORE_IDX(cons), first);
	memcpy((char *)buf + first, intf->req, n - first);
	xs_ring_store(&intf->req_cons, cons + (XENSTORE_RING_IDX)n);
	return (ssize_t)n;
}

ssize_t xs_ring_write(struct xenstore_domain_interface *intf, const void *buf, size_t len)
{
	XENSTORE_RING_IDX cons = xs_ring_load(&intf->rsp_cons);
	XENSTORE_RING_IDX prod = xs_ring_load(&intf->rsp_prod);
	size_t used = (XENSTORE_RING_IDX)(prod - cons), first, n;

	if (used > XENSTORE_RING_SIZE)
		return -EIO;
	n = XENSTORE_RING_SIZE - used;
	if (n > len)
		n = len;
	first = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod);
	if (first > n)
		first = n;
	memcpy(intf->rsp + MASK_XENSTORE_IDX(prod), buf, first);
	memcpy(intf->rsp, (const char *)buf + first, n - first);
	xs_ring_store(&intf->rsp_prod, prod + (XENSTORE_RING_IDX)n);
	return (ssize_t)n;
}

bool xs_ring_has_input(const struct xenstore_domain_interface *intf)
{
	return xs_ring_load(&intf->req_prod) != xs_ring_load(&intf->req_cons);
}

bool xs_ring_reconnect_requested(const struct xenstore_domain_interface *intf)
{
	return xs_ring_load(&intf->connection) == XENSTORE_RECONNECT;
}

void xs_ring_reset(struct xenstore_domain_interface *intf)
{
	intf->req_cons = intf->req_prod = 0;
	intf->rsp_cons = intf->rsp_prod = 0;
	intf->error = XENSTORE_ERROR_NONE;
	xs_ring_store(&intf->connection, XENSTORE_CONNECTED);
}
