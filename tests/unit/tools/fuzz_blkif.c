/*
 * A hostile frontend against the block backend's ring handling, request
 * checks and journal recovery (tools/backends/blk). The input is the ring
 * page the frontend controls, an indirect page of segment descriptors, the
 * disk's limits and a journal as a dying daemon might have left it. Every
 * request the checks accept must stay within its pages and the disk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blk_journal.h"
#include "blk_req.h"
#include "blk_ring.h"

#define PAGE 4096

static void check_request(const struct blk_req *req, const struct blk_limits *lim)
{
	uint64_t sectors = 0;

	if (req->op == BLKIF_OP_DISCARD) {
		if (!lim->discard || lim->readonly || req->sector + req->nr_sectors > lim->sectors)
			abort();
		return;
	}
	if (req->nsegs > BLK_MAX_INDIRECT_SEGS || (req->write && lim->readonly))
		abort();
	for (unsigned i = 0; i < req->nsegs; i++) {
		if (req->segs[i].len == 0 || req->segs[i].offset + req->segs[i].len > PAGE)
			abort();
		sectors += req->segs[i].len / BLK_SECTOR;
	}
	if (sectors != req->nr_sectors || req->sector > lim->sectors ||
	    req->nr_sectors > lim->sectors - req->sector)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t ring_page[PAGE] __attribute__((aligned(PAGE)));
	static uint8_t indirect[PAGE * BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	static struct blk_journal jn;
	static struct blk_req req;
	struct blk_limits lim;
	struct back_ring ring;
	unsigned redo[BLK_SLOTS];
	size_t n;

	if (size < 4)
		return 0;
	lim.sectors = (uint64_t)data[0] << (data[1] & 31);
	lim.readonly = data[2] & 1;
	lim.discard = (data[2] >> 1) & 1;
	lim.max_segs = 1 + data[3] % BLK_MAX_INDIRECT_SEGS;
	data += 4;
	size -= 4;
	memset(ring_page, 0, sizeof(ring_page));
	n = size < PAGE ? size : PAGE;
	memcpy(ring_page, data, n);
	data += n;
	size -= n;
	memset(indirect, 0, sizeof(indirect));
	n = size < sizeof(indirect) ? size : sizeof(indirect);
	memcpy(indirect, data, n);
	data += n;
	size -= n;

	/* A fresh ring, driven until it is empty or broken. */
	blk_ring_attach(&ring, ring_page, 1, 0);
	for (int i = 0; i < 64; i++) {
		struct blkif_request raw;
		int rc = blk_ring_take(&ring, 0, &raw), st;

		if (rc <= 0)
			break;
		st = blk_req_parse(&raw, &lim, &req);
		if (st == BLKIF_RSP_OKAY && req.n_indirect) {
			if (req.n_indirect > BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST)
				abort();
			st = blk_req_parse_indirect(&req, (const void *)indirect, &lim);
		}
		if (st == BLKIF_RSP_OKAY)
			check_request(&req, &lim);
		blk_ring_put_response(&ring, req.id, req.rsp_op, (int16_t)st);
		blk_ring_push(&ring);
	}
	blk_ring_final_check(&ring);

	/* A journal left by a dead daemon, over the same ring. */
	memset(&jn, 0, sizeof(jn));
	n = size < sizeof(jn) ? size : sizeof(jn);
	memcpy(&jn, data, n);
	blk_ring_attach(&ring, ring_page, 1, 0);
	n = blk_journal_recover(&jn, &ring, redo);
	if (n > BLK_SLOTS)
		abort();
	for (unsigned i = 0; i < n; i++) {
		if (redo[i] >= BLK_SLOTS || jn.slot[redo[i]].state != BLK_SLOT_INFLIGHT)
			abort();
		if (blk_req_parse(&jn.slot[redo[i]].req, &lim, &req) == BLKIF_RSP_OKAY &&
		    !req.n_indirect)
			check_request(&req, &lim);
	}
	blk_ring_push(&ring);
	blk_journal_published(&jn, ring.rsp_pushed);
	return 0;
}
