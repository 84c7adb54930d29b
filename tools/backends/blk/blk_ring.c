/* One blkif ring, backend side (blk_ring.h). */
#include <string.h>

#include "blk_ring.h"

void blk_ring_put_response(struct back_ring *r, uint64_t id, uint8_t op, int16_t status)
{
	struct blkif_response rsp;

	memset(&rsp, 0, sizeof(rsp));
	rsp.id = id;
	rsp.operation = op;
	rsp.status = status;
	back_ring_put(r, &rsp, sizeof(rsp));
}
