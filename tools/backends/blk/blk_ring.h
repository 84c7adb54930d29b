/*
 * One blkif shared ring, backend side: the shared backend ring
 * (tools/lib/back_ring.h) with blkif's entries.
 */
#ifndef TERN_BLK_RING_H
#define TERN_BLK_RING_H

#include <stdint.h>

#include <xen/io/blkif.h>

#include "back_ring.h"

/* A ring over pages * 4 KiB at mem, of a 64-bit frontend's entries or
 * (abi32) a 32-bit one's; 0, or -EINVAL for a bad page count. */
static inline int blk_ring_attach(struct back_ring *r, void *mem, unsigned pages, int abi32)
{
	return back_ring_attach(r, mem, pages,
				abi32 ? BLKIF_X86_32_ENTRY_SIZE : sizeof(union blkif_sring_entry));
}

/* A 32-bit frontend's request in the native layout (every byte of out set). */
void blk_req_from_x86_32(const struct blkif_x86_32_request *in, struct blkif_request *out);

/* Copies the next request out, in the native layout. 1: got one; 0: none;
 * -EPROTO: the frontend's req_prod is impossible (the ring is broken from
 * then on). Responses need no translation: their fields sit where a 32-bit
 * frontend reads them. */
int blk_ring_take(struct back_ring *r, int abi32, struct blkif_request *out);

/* Writes a response into the next response slot (not yet visible). */
void blk_ring_put_response(struct back_ring *r, uint64_t id, uint8_t op, int16_t status);

/* Publishes the responses written; 1 if the frontend wants an event. */
static inline int blk_ring_push(struct back_ring *r)
{
	return back_ring_push(r);
}

/* Before going idle: asks for an event on the next request and says
 * whether one arrived meanwhile (1) or not (0); -EPROTO as take. */
static inline int blk_ring_final_check(struct back_ring *r)
{
	return back_ring_final_check(r);
}

#endif
