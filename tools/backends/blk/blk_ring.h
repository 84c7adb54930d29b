/*
 * The backend's side of one blkif shared ring (pure: it only touches the
 * ring memory it is given, so the unit tests and the fuzzer run it on
 * plain memory). The frontend owns the request side and can write anything
 * at any time: indices are read once, requests are copied out before they
 * are looked at, and a request producer that claims more requests than the
 * ring could hold breaks the ring (-EPROTO) instead of being believed.
 */
#ifndef TERN_BLK_RING_H
#define TERN_BLK_RING_H

#include <stdint.h>

#include <xen/io/blkif.h>

struct blk_ring {
	volatile struct xen_sring_hdr *sring;
	union blkif_sring_entry *ents;
	unsigned nr_ents;      /* a power of two */
	uint32_t req_cons;     /* next request to take */
	uint32_t rsp_prod_pvt; /* next response slot, not yet published */
	uint32_t rsp_pushed;   /* what we last published as rsp_prod */
};

/* A ring over pages * 4 KiB at mem; 0, or -EINVAL for a bad page count. */
int blk_ring_attach(struct blk_ring *r, void *mem, unsigned pages);
/* Starts afresh on a ring the frontend has just set up: every index is
 * where the frontend left the producer (0 on a new ring). */
void blk_ring_reset(struct blk_ring *r);

/* Copies the next request out. 1: got one; 0: none; -EPROTO: the frontend's
 * req_prod is impossible (the ring is broken from then on). */
int blk_ring_take(struct blk_ring *r, struct blkif_request *out);
/* Writes a response into the next response slot (not yet visible). */
void blk_ring_put_response(struct blk_ring *r, uint64_t id, uint8_t op, int16_t status);
/* Publishes the responses written; 1 if the frontend wants an event. */
int blk_ring_push(struct blk_ring *r);
/* Before going idle: asks for an event on the next request and says
 * whether one arrived meanwhile (1) or not (0); -EPROTO as take. */
int blk_ring_final_check(struct blk_ring *r);

#endif
