/* Frames for the guest on an RX ring (net_rx.h). */
#include <string.h>

#include "net_rx.h"

#define PAGE 4096u

unsigned net_rx_slots(const struct net_rx_frame *f)
{
	return (unsigned)((f->len + PAGE - 1) / PAGE) + (f->meta.has_gso ? 1 : 0);
}

/* Bytes of data slot `chunk` of a frame of len bytes. */
static uint16_t chunk_len(size_t len, unsigned chunk)
{
	size_t off = (size_t)chunk * PAGE;

	return (uint16_t)(len - off < PAGE ? len - off : PAGE);
}

void net_rx_place(const struct back_ring *r, struct net_rx_frame *f, unsigned k, uint16_t domid,
		  struct tc_gcopy *g)
{
	unsigned chunk = 0;

	f->ncopies = 0;
	for (unsigned s = 0; s < f->nslots; s++) {
		struct netif_rx_request req;

		back_ring_peek(r, k + s, &req, sizeof(req));
		f->ids[s] = req.id;
		if (f->meta.has_gso && s == 1)
			continue; /* the extra info takes this slot */
		g[f->ncopies++] = (struct tc_gcopy){ f->data + (size_t)chunk * PAGE, req.gref, domid,
						     0, chunk_len(f->len, chunk), 1, -1 };
		chunk++;
	}
}

void net_rx_answer(struct back_ring *r, const struct net_rx_frame *f, int copied)
{
	unsigned chunk = 0, nchunks = f->nslots - (f->meta.has_gso ? 1 : 0);

	for (unsigned s = 0; s < f->nslots; s++) {
		struct netif_rx_response rsp;

		if (f->meta.has_gso && s == 1) {
			back_ring_put(r, &f->meta.gso, sizeof(f->meta.gso));
			continue;
		}
		rsp.id = f->ids[s];
		rsp.offset = 0;
		rsp.flags = chunk == 0 ? f->meta.flags : 0;
		if (chunk == 0 && f->meta.has_gso)
			rsp.flags |= NETRXF_extra_info;
		if (chunk + 1 < nchunks)
			rsp.flags |= NETRXF_more_data;
		rsp.status = copied ? (int16_t)chunk_len(f->len, chunk) : NETIF_RSP_ERROR;
		back_ring_put(r, &rsp, sizeof(rsp));
		chunk++;
	}
	back_ring_consume(r, f->nslots);
}
