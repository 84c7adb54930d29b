/*
 * The shared ring of Xen's split drivers: one or more pages granted by the
 * frontend, a 64-byte header of free-running 32-bit indices, then a power
 * of two of fixed-size entries, each a request or (later, in place) a
 * response. Layout and index rules are Xen's public ABI; the helpers are
 * tern's own.
 *
 * The frontend produces requests (req_prod) and consumes responses; the
 * backend the other way round. req_event / rsp_event say at which index the
 * other side wants an event channel notification.
 */
#ifndef TERN_XEN_IO_RING_H
#define TERN_XEN_IO_RING_H

#include <stddef.h>
#include <stdint.h>

#define XEN_RING_PAGE_SIZE 4096u

struct xen_sring_hdr {
	uint32_t req_prod, req_event;
	uint32_t rsp_prod, rsp_event;
	uint8_t private_[4];  /* netif's use; zero for blkif */
	uint8_t pad[44];
};
_Static_assert(sizeof(struct xen_sring_hdr) == 64, "shared ring header");
_Static_assert(offsetof(struct xen_sring_hdr, rsp_prod) == 8, "rsp_prod");
_Static_assert(offsetof(struct xen_sring_hdr, rsp_event) == 12, "rsp_event");

/* Entries in a ring of `bytes` bytes (pages * 4096) with entries of entry_size bytes:
 * the largest power of two that fits after the header. */
static inline unsigned xen_ring_entries(size_t bytes, size_t entry_size)
{
	size_t n = (bytes - sizeof(struct xen_sring_hdr)) / entry_size;
	unsigned p = 1;

	while ((size_t)p * 2 <= n)
		p *= 2;
	return n ? p : 0;
}

#endif
