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

void blk_req_from_x86_32(const struct blkif_x86_32_request *in, struct blkif_request *out)
{
	memset(out, 0, sizeof(*out));
	out->operation = in->operation;
	switch (in->operation) {
	case BLKIF_OP_DISCARD:
		out->u.discard.flag = in->u.discard.flag;
		out->u.discard.handle = in->u.discard.handle;
		out->u.discard.id = in->u.discard.id;
		out->u.discard.sector_number = in->u.discard.sector_number;
		out->u.discard.nr_sectors = in->u.discard.nr_sectors;
		break;
	case BLKIF_OP_INDIRECT:
		out->u.indirect.indirect_op = in->u.indirect.indirect_op;
		out->u.indirect.nr_segments = in->u.indirect.nr_segments;
		out->u.indirect.id = in->u.indirect.id;
		out->u.indirect.sector_number = in->u.indirect.sector_number;
		out->u.indirect.handle = in->u.indirect.handle;
		memcpy(out->u.indirect.indirect_grefs, in->u.indirect.indirect_grefs,
		       sizeof(out->u.indirect.indirect_grefs));
		break;
	default: /* read, write, flush, barrier and unknown ones: the rw layout */
		out->u.rw.nr_segments = in->u.rw.nr_segments;
		out->u.rw.handle = in->u.rw.handle;
		out->u.rw.id = in->u.rw.id;
		out->u.rw.sector_number = in->u.rw.sector_number;
		memcpy(out->u.rw.seg, in->u.rw.seg, sizeof(out->u.rw.seg));
		break;
	}
}

int blk_ring_take(struct back_ring *r, int abi32, struct blkif_request *out)
{
	struct blkif_x86_32_request in;
	int rc;

	if (!abi32)
		return back_ring_take(r, out, sizeof(*out));
	rc = back_ring_take(r, &in, sizeof(in));
	if (rc == 1)
		blk_req_from_x86_32(&in, out);
	return rc;
}
