/*
 * The backend's side of one shared ring (xen/io/ring.h), for any split
 * device: blkif's one ring, netif's TX and RX rings. Pure: it only touches
 * the ring memory it is given, so unit tests and fuzzers run it on plain
 * memory.
 *
 * The frontend owns the request side and can write anything at any time:
 * its producer index is read once per look, requests are copied out before
 * they are looked at, and a producer that claims more requests than the
 * ring could hold (counting those taken and not yet answered) breaks the
 * ring (-EPROTO) instead of being believed.
 */
#ifndef TERN_TOOLS_BACK_RING_H
#define TERN_TOOLS_BACK_RING_H

#include <stddef.h>
#include <stdint.h>

#include <xen/io/ring.h>

struct back_ring {
	volatile struct xen_sring_hdr *sring;
	uint8_t *ents;
	size_t ent_size;
	unsigned nr_ents;      /* a power of two */
	uint32_t req_cons;     /* next request to take */
	uint32_t rsp_prod_pvt; /* next response slot, not yet published */
	uint32_t rsp_pushed;   /* what we last published as rsp_prod */
};

/* A ring over pages * 4 KiB at mem with entries of ent_size bytes; 0, or
 * -EINVAL for a page count that is not a power of two up to 16. */
int back_ring_attach(struct back_ring *r, void *mem, unsigned pages, size_t ent_size);
/* Starts afresh where the frontend's responses end (0 on a new ring): what
 * was taken and not answered is taken again. */
void back_ring_reset(struct back_ring *r);

/* Requests posted and not taken yet (>= 0), or -EPROTO. */
int back_ring_pending(struct back_ring *r);
/* Copies the request k places after the next one out (k < pending). */
void back_ring_peek(const struct back_ring *r, uint32_t k, void *out, size_t len);
/* Takes n requests (after peeking at them). */
static inline void back_ring_consume(struct back_ring *r, unsigned n)
{
	r->req_cons += n;
}
/* Copies the next request out and takes it: 1, 0 (none) or -EPROTO. */
int back_ring_take(struct back_ring *r, void *out, size_t len);

/* Writes the next response (len <= ent_size; not visible until pushed).
 * Responses go in order, so each takes the ring slot of the request taken
 * the same number of places before. */
void back_ring_put(struct back_ring *r, const void *rsp, size_t len);
/* Publishes the responses written; 1 if the frontend wants an event. */
int back_ring_push(struct back_ring *r);
/* Before going idle: asks for an event on the next request and says
 * whether one arrived meanwhile (1) or not (0); -EPROTO as pending. */
int back_ring_final_check(struct back_ring *r);

/* For requests posted that cannot be used yet (half a packet, too few
 * buffers): asks for an event when the producer moves on from where it is
 * now, and says whether it already has (1) or not (0). */
int back_ring_await_more(struct back_ring *r);

#endif
