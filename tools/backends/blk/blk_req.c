/* Validating blkif requests (blk_req.h). */
#include <string.h>

#include "blk_req.h"

/* Segments into req->segs and the sector count; then the range and access. */
static int take_segments(struct blk_req *req, const void *segs, unsigned n,
			 const struct blk_limits *lim)
{
	uint64_t sectors = 0;

	for (unsigned i = 0; i < n; i++) {
		/* Copied once: the descriptors may live in memory the frontend writes. */
		struct blkif_request_segment s;

		memcpy(&s, (const uint8_t *)segs + i * sizeof(s), sizeof(s));
		if (s.first_sect > s.last_sect || s.last_sect >= XEN_RING_PAGE_SIZE / BLK_SECTOR)
			return BLKIF_RSP_ERROR;
		req->segs[i].gref = s.gref;
		req->segs[i].offset = (uint16_t)(s.first_sect * BLK_SECTOR);
		req->segs[i].len = (uint16_t)((s.last_sect - s.first_sect + 1) * BLK_SECTOR);
		sectors += s.last_sect - s.first_sect + 1u;
	}
	req->nsegs = (uint16_t)n;
	req->nr_sectors = sectors;
	/* A flush without data names no sectors (Linux leaves any number there). */
	if (n == 0)
		req->sector = 0;
	if (req->sector > lim->sectors || sectors > lim->sectors - req->sector)
		return BLKIF_RSP_ERROR;
	if (req->write && lim->readonly)
		return BLKIF_RSP_ERROR;
	return BLKIF_RSP_OKAY;
}

int blk_req_parse(const struct blkif_request *raw, const struct blk_limits *lim,
		  struct blk_req *req)
{
	unsigned n;

	memset(req, 0, offsetof(struct blk_req, segs));
	req->op = raw->operation;
	req->rsp_op = raw->operation;
	/* id sits at the same offset in every request layout. */
	req->id = raw->u.rw.id;
	req->sector = raw->u.rw.sector_number;
	switch (raw->operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
	case BLKIF_OP_FLUSH_DISKCACHE:
	case BLKIF_OP_WRITE_BARRIER:
		n = raw->u.rw.nr_segments;
		req->write = raw->operation != BLKIF_OP_READ && n > 0;
		/* Only a flush may come without data. */
		if (n > BLKIF_MAX_SEGMENTS_PER_REQUEST ||
		    (n == 0 && (raw->operation == BLKIF_OP_READ || raw->operation == BLKIF_OP_WRITE)))
			return BLKIF_RSP_ERROR;
		return take_segments(req, (const uint8_t *)raw +
					     offsetof(struct blkif_request, u.rw.seg), n, lim);
	case BLKIF_OP_INDIRECT:
		req->op = raw->u.indirect.indirect_op;
		req->rsp_op = raw->u.indirect.indirect_op;
		if (req->op != BLKIF_OP_READ && req->op != BLKIF_OP_WRITE)
			return BLKIF_RSP_ERROR;
		req->write = req->op == BLKIF_OP_WRITE;
		req->sector = raw->u.indirect.sector_number;
		n = raw->u.indirect.nr_segments;
		if (n == 0 || n > lim->max_segs)
			return BLKIF_RSP_ERROR;
		if (req->write && lim->readonly)
			return BLKIF_RSP_ERROR;
		req->nsegs = (uint16_t)n;
		req->n_indirect = (uint16_t)((n + BLKIF_SEGS_PER_INDIRECT_PAGE - 1) /
					     BLKIF_SEGS_PER_INDIRECT_PAGE);
		memcpy(req->indirect_grefs, (const uint8_t *)raw +
		       offsetof(struct blkif_request, u.indirect.indirect_grefs),
		       req->n_indirect * sizeof(req->indirect_grefs[0]));
		return BLKIF_RSP_OKAY;
	case BLKIF_OP_DISCARD:
		if (!lim->discard || (raw->u.discard.flag & BLKIF_DISCARD_SECURE))
			return BLKIF_RSP_EOPNOTSUPP;
		req->nr_sectors = raw->u.discard.nr_sectors;
		if (lim->readonly || req->sector > lim->sectors ||
		    req->nr_sectors > lim->sectors - req->sector)
			return BLKIF_RSP_ERROR;
		return BLKIF_RSP_OKAY;
	default:
		return BLKIF_RSP_EOPNOTSUPP;
	}
}

int blk_req_parse_indirect(struct blk_req *req, const struct blkif_request_segment *descs,
			   const struct blk_limits *lim)
{
	unsigned n = req->nsegs;

	if (n == 0 || n > lim->max_segs || n > req->n_indirect * BLKIF_SEGS_PER_INDIRECT_PAGE)
		return BLKIF_RSP_ERROR;
	req->n_indirect = 0;
	return take_segments(req, descs, n, lim);
}
