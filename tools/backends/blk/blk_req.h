/*
 * A blkif request checked against the disk (pure): every field the
 * frontend wrote is validated here, once, on the backend's private copy,
 * and turned into a struct blk_req the rest of the daemon can trust:
 * segments within their pages, sectors within the disk, no writes to a
 * read-only disk, only the operations we advertised.
 */
#ifndef TERN_BLK_REQ_H
#define TERN_BLK_REQ_H

#include <stdint.h>

#include <xen/io/blkif.h>

/* feature-max-indirect-segments we offer (Linux's backend offers 256). */
#define BLK_MAX_INDIRECT_SEGS 256
#define BLK_SECTOR 512u

struct blk_limits {
	uint64_t sectors;       /* disk size, in 512-byte sectors */
	int readonly;
	int discard;            /* feature-discard advertised */
	unsigned max_segs;      /* indirect segments advertised (<= BLK_MAX_INDIRECT_SEGS) */
};

/* One segment: len bytes at offset inside granted page gref. */
struct blk_seg {
	uint32_t gref;
	uint16_t offset, len;
};

struct blk_req {
	uint64_t id;
	uint8_t op;             /* READ, WRITE, FLUSH_DISKCACHE, WRITE_BARRIER, DISCARD */
	uint8_t rsp_op;         /* the response's operation */
	uint8_t write;          /* moves data to the disk */
	uint16_t nsegs;
	uint16_t n_indirect;    /* indirect pages still to read (INDIRECT) */
	blkif_gref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	uint64_t sector;        /* first sector */
	uint64_t nr_sectors;    /* data (read/write) or range (discard) */
	struct blk_seg segs[BLK_MAX_INDIRECT_SEGS];
};

/*
 * Parses raw. BLKIF_RSP_OKAY: req is good (if req->n_indirect, fetch those
 * pages and call blk_req_parse_indirect); BLKIF_RSP_ERROR or
 * BLKIF_RSP_EOPNOTSUPP: answer with that (req->id and req->rsp_op are set).
 */
int blk_req_parse(const struct blkif_request *raw, const struct blk_limits *lim,
		  struct blk_req *req);
/* The segments of an indirect request from its pages (n_indirect pages of
 * descriptors, back to back). BLKIF_RSP_OKAY or BLKIF_RSP_ERROR. */
int blk_req_parse_indirect(struct blk_req *req, const struct blkif_request_segment *descs,
			   const struct blk_limits *lim);

#endif
