/*
 * The block backend's pure parts (tools/backends/blk): the ring as a
 * hostile frontend may fill it, request checks, and the journal that lets a
 * restarted daemon pick a ring up.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "blk_journal.h"
#include "blk_req.h"
#include "blk_ring.h"

static uint8_t page[4096] __attribute__((aligned(4096)));
static struct back_ring ring;
static const struct blk_limits lim = { 1000, 0, 1, 256 };
static const struct blk_limits ro = { 1000, 1, 0, 256 };

static struct xen_sring_hdr *hdr(void)
{
	return (struct xen_sring_hdr *)page;
}

static union blkif_sring_entry *ent(unsigned i)
{
	return (union blkif_sring_entry *)(page + 64) + (i % 32);
}

static int setup(void **state)
{
	(void)state;
	memset(page, 0, sizeof(page));
	assert_int_equal(blk_ring_attach(&ring, page, 1, 0), 0);
	assert_int_equal(ring.nr_ents, 32);
	return 0;
}

/* A read of n sectors at sector, in one segment per 8 sectors. */
static void put_rw(unsigned idx, uint8_t op, uint64_t id, uint64_t sector, unsigned nsegs)
{
	struct blkif_request r;

	memset(&r, 0, sizeof(r));
	r.operation = op;
	r.u.rw.nr_segments = (uint8_t)nsegs;
	r.u.rw.id = id;
	r.u.rw.sector_number = sector;
	for (unsigned i = 0; i < nsegs && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
		r.u.rw.seg[i].gref = 100 + i;
		r.u.rw.seg[i].first_sect = 0;
		r.u.rw.seg[i].last_sect = 7;
	}
	memcpy(&ent(idx)->req, &r, sizeof(r));
}

/* ---- ring ---- */

static void test_ring_takes_copies_in_order(void **state)
{
	struct blkif_request r;

	(void)state;
	assert_int_equal(blk_ring_take(&ring, 0, &r), 0);
	put_rw(0, BLKIF_OP_READ, 7, 0, 1);
	put_rw(1, BLKIF_OP_WRITE, 8, 8, 2);
	hdr()->req_prod = 2;
	assert_int_equal(blk_ring_take(&ring, 0, &r), 1);
	assert_int_equal(r.u.rw.id, 7);
	/* The frontend rewriting the slot afterwards changes nothing we hold. */
	ent(0)->req.operation = 99;
	assert_int_equal(r.operation, BLKIF_OP_READ);
	assert_int_equal(blk_ring_take(&ring, 0, &r), 1);
	assert_int_equal(r.u.rw.id, 8);
	assert_int_equal(blk_ring_take(&ring, 0, &r), 0);
}

/* A 32-bit frontend ("x86_32-abi"): 108-byte entries, id and what follows
 * 4 bytes earlier; requests come out in the native layout, responses land
 * where it reads them. Bytes laid out by hand from the i386 ABI. */
static void test_ring_x86_32_frontend(void **state)
{
	uint8_t *slot1 = page + 64 + 108, *slot2 = page + 64 + 2 * 108, *rsp0 = page + 64;
	struct blkif_request r;
	uint64_t id = 0x1122334455667788ull, sector = 0x10000, nr = 64, got_id;
	uint32_t gref = 77, ind_gref = 4242;
	uint16_t nsegs = 600, handle = 0x51;
	int16_t status;

	(void)state;
	assert_int_equal(blk_ring_attach(&ring, page, 1, 1), 0);
	assert_int_equal(ring.nr_ents, 32);
	/* slot 0: a write of one segment */
	page[64] = BLKIF_OP_WRITE;
	page[65] = 1;
	memcpy(page + 66, &handle, 2);
	memcpy(page + 68, &id, 8);
	memcpy(page + 76, &sector, 8);
	memcpy(page + 84, &gref, 4);
	page[88] = 2;
	page[89] = 5;
	/* slot 1: a discard */
	slot1[0] = BLKIF_OP_DISCARD;
	slot1[1] = BLKIF_DISCARD_SECURE;
	memcpy(slot1 + 4, &id, 8);
	memcpy(slot1 + 12, &sector, 8);
	memcpy(slot1 + 20, &nr, 8);
	/* slot 2: an indirect read */
	slot2[0] = BLKIF_OP_INDIRECT;
	slot2[1] = BLKIF_OP_READ;
	memcpy(slot2 + 2, &nsegs, 2);
	memcpy(slot2 + 4, &id, 8);
	memcpy(slot2 + 12, &sector, 8);
	memcpy(slot2 + 20, &handle, 2);
	memcpy(slot2 + 24, &ind_gref, 4);
	hdr()->req_prod = 3;

	assert_int_equal(blk_ring_take(&ring, 1, &r), 1);
	assert_int_equal(r.operation, BLKIF_OP_WRITE);
	assert_int_equal(r.u.rw.nr_segments, 1);
	assert_int_equal(r.u.rw.handle, handle);
	assert_true(r.u.rw.id == id && r.u.rw.sector_number == sector);
	assert_int_equal(r.u.rw.seg[0].gref, gref);
	assert_int_equal(r.u.rw.seg[0].first_sect, 2);
	assert_int_equal(r.u.rw.seg[0].last_sect, 5);
	assert_int_equal(blk_ring_take(&ring, 1, &r), 1);
	assert_int_equal(r.operation, BLKIF_OP_DISCARD);
	assert_int_equal(r.u.discard.flag, BLKIF_DISCARD_SECURE);
	assert_true(r.u.discard.id == id && r.u.discard.sector_number == sector &&
		    r.u.discard.nr_sectors == nr);
	assert_int_equal(blk_ring_take(&ring, 1, &r), 1);
	assert_int_equal(r.operation, BLKIF_OP_INDIRECT);
	assert_int_equal(r.u.indirect.indirect_op, BLKIF_OP_READ);
	assert_int_equal(r.u.indirect.nr_segments, nsegs);
	assert_true(r.u.indirect.id == id && r.u.indirect.sector_number == sector);
	assert_int_equal(r.u.indirect.handle, handle);
	assert_int_equal(r.u.indirect.indirect_grefs[0], ind_gref);
	assert_int_equal(r.u.indirect.indirect_grefs[1], 0);
	assert_int_equal(blk_ring_take(&ring, 1, &r), 0);

	/* The first response goes in slot 0: id at 0, operation at 8, status at 10. */
	blk_ring_put_response(&ring, id, BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
	blk_ring_push(&ring);
	memcpy(&got_id, rsp0, 8);
	memcpy(&status, rsp0 + 10, 2);
	assert_true(got_id == id);
	assert_int_equal(rsp0[8], BLKIF_OP_WRITE);
	assert_int_equal(status, BLKIF_RSP_ERROR);
	/* Slot 1's request bytes past the 12-byte response are not the response's. */
	assert_int_equal(slot1[0], BLKIF_OP_DISCARD);
}

static void test_ring_refuses_impossible_producer(void **state)
{
	struct blkif_request r;

	(void)state;
	hdr()->req_prod = 33; /* more than the ring holds */
	assert_int_equal(blk_ring_take(&ring, 0, &r), -EPROTO);
	assert_int_equal(blk_ring_final_check(&ring), -EPROTO);
	/* Way behind is just as impossible (unsigned wrap). */
	hdr()->req_prod = 0xfffffff0u;
	assert_int_equal(blk_ring_take(&ring, 0, &r), -EPROTO);
}

static void test_ring_counts_unanswered_requests(void **state)
{
	struct blkif_request r;

	(void)state;
	hdr()->req_prod = 32;
	for (int i = 0; i < 32; i++)
		assert_int_equal(blk_ring_take(&ring, 0, &r), 1);
	/* 32 taken, none answered: a producer 1 further is lying. */
	hdr()->req_prod = 33;
	assert_int_equal(blk_ring_take(&ring, 0, &r), -EPROTO);
	blk_ring_put_response(&ring, 1, BLKIF_OP_READ, 0);
	assert_int_equal(blk_ring_take(&ring, 0, &r), 1);
}

static void test_ring_responses_and_notification(void **state)
{
	struct blkif_response rsp;

	(void)state;
	hdr()->rsp_event = 1; /* the frontend wants to hear of response 1 */
	blk_ring_put_response(&ring, 42, BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
	assert_int_equal(hdr()->rsp_prod, 0); /* not yet visible */
	assert_int_equal(blk_ring_push(&ring), 1);
	assert_int_equal(hdr()->rsp_prod, 1);
	memcpy(&rsp, &ent(0)->rsp, sizeof(rsp));
	assert_int_equal(rsp.id, 42);
	assert_int_equal(rsp.operation, BLKIF_OP_WRITE);
	assert_int_equal(rsp.status, BLKIF_RSP_ERROR);
	/* Nothing new: no event. The frontend asked for event 5: not yet. */
	assert_int_equal(blk_ring_push(&ring), 0);
	hdr()->rsp_event = 5;
	blk_ring_put_response(&ring, 43, BLKIF_OP_READ, 0);
	assert_int_equal(blk_ring_push(&ring), 0);
}

static void test_ring_final_check_arms_the_event(void **state)
{
	(void)state;
	assert_int_equal(blk_ring_final_check(&ring), 0);
	assert_int_equal(hdr()->req_event, 1);
	hdr()->req_prod = 1;
	assert_int_equal(blk_ring_final_check(&ring), 1);
}

/* ---- requests ---- */

static int parse(struct blk_req *req, const struct blk_limits *l)
{
	return blk_req_parse(&ent(0)->req, l, req);
}

static void test_req_read_and_write(void **state)
{
	static struct blk_req req;

	(void)state;
	put_rw(0, BLKIF_OP_READ, 5, 16, 3);
	ent(0)->req.u.rw.seg[1].first_sect = 2;
	ent(0)->req.u.rw.seg[1].last_sect = 3;
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_OKAY);
	assert_int_equal(req.id, 5);
	assert_int_equal(req.nsegs, 3);
	assert_int_equal(req.nr_sectors, 8 + 2 + 8);
	assert_int_equal(req.segs[1].offset, 1024);
	assert_int_equal(req.segs[1].len, 1024);
	assert_int_equal(req.write, 0);
	put_rw(0, BLKIF_OP_WRITE, 6, 992, 1);
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_OKAY);
	assert_int_equal(req.write, 1);
	assert_int_equal(req.rsp_op, BLKIF_OP_WRITE);
}

static void test_req_rejects_what_the_frontend_may_not_ask(void **state)
{
	static struct blk_req req;

	(void)state;
	/* Past the end (1000 sectors): 993 + 8 > 1000. */
	put_rw(0, BLKIF_OP_WRITE, 1, 993, 1);
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_ERROR);
	/* A sector number that would wrap. */
	put_rw(0, BLKIF_OP_READ, 1, UINT64_MAX - 3, 1);
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_ERROR);
	/* Too many segments, or none for a read. */
	put_rw(0, BLKIF_OP_READ, 1, 0, 1);
	ent(0)->req.u.rw.nr_segments = 12;
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_ERROR);
	put_rw(0, BLKIF_OP_READ, 1, 0, 0);
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_ERROR);
	/* A segment outside its page, or backwards. */
	put_rw(0, BLKIF_OP_READ, 1, 0, 1);
	ent(0)->req.u.rw.seg[0].last_sect = 8;
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_ERROR);
	put_rw(0, BLKIF_OP_READ, 1, 0, 1);
	ent(0)->req.u.rw.seg[0].first_sect = 5;
	ent(0)->req.u.rw.seg[0].last_sect = 4;
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_ERROR);
	/* Writes to a read-only disk, a flush with data too. */
	put_rw(0, BLKIF_OP_WRITE, 1, 0, 1);
	assert_int_equal(parse(&req, &ro), BLKIF_RSP_ERROR);
	put_rw(0, BLKIF_OP_FLUSH_DISKCACHE, 1, 0, 1);
	assert_int_equal(parse(&req, &ro), BLKIF_RSP_ERROR);
	put_rw(0, BLKIF_OP_READ, 1, 0, 1);
	assert_int_equal(parse(&req, &ro), BLKIF_RSP_OKAY);
	/* Operations we never offered. */
	put_rw(0, BLKIF_OP_RESERVED_1, 9, 0, 1);
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_EOPNOTSUPP);
	assert_int_equal(req.id, 9);
	assert_int_equal(req.rsp_op, BLKIF_OP_RESERVED_1);
	put_rw(0, 200, 9, 0, 1);
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_EOPNOTSUPP);
}

static void test_req_flush_and_discard(void **state)
{
	static struct blk_req req;

	(void)state;
	put_rw(0, BLKIF_OP_FLUSH_DISKCACHE, 3, 0, 0);
	assert_int_equal(parse(&req, &ro), BLKIF_RSP_OKAY);
	assert_int_equal(req.nsegs, 0);
	/* An empty flush's sector number means nothing (blkfront leaves one there). */
	put_rw(0, BLKIF_OP_FLUSH_DISKCACHE, 3, UINT64_MAX, 0);
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_OKAY);
	assert_int_equal(req.write, 0);
	memset(&ent(0)->req, 0, sizeof(ent(0)->req));
	ent(0)->req.operation = BLKIF_OP_DISCARD;
	ent(0)->req.u.discard.id = 4;
	ent(0)->req.u.discard.sector_number = 100;
	ent(0)->req.u.discard.nr_sectors = 900;
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_OKAY);
	assert_int_equal(req.nr_sectors, 900);
	ent(0)->req.u.discard.nr_sectors = 901;
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_ERROR);
	ent(0)->req.u.discard.nr_sectors = 1;
	assert_int_equal(parse(&req, &ro), BLKIF_RSP_EOPNOTSUPP); /* no discard offered */
	ent(0)->req.u.discard.flag = BLKIF_DISCARD_SECURE;
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_EOPNOTSUPP);
}

static void put_indirect(uint8_t op, uint16_t nsegs, uint64_t sector)
{
	struct blkif_request r;

	memset(&r, 0, sizeof(r));
	r.operation = BLKIF_OP_INDIRECT;
	r.u.indirect.indirect_op = op;
	r.u.indirect.nr_segments = nsegs;
	r.u.indirect.id = 11;
	r.u.indirect.sector_number = sector;
	for (int i = 0; i < 8; i++)
		r.u.indirect.indirect_grefs[i] = 500 + i;
	memcpy(&ent(0)->req, &r, sizeof(r));
}

static void test_req_indirect(void **state)
{
	static struct blk_req req;
	static struct blkif_request_segment descs[512];

	(void)state;
	put_indirect(BLKIF_OP_READ, 100, 0);
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_OKAY);
	assert_int_equal(req.rsp_op, BLKIF_OP_READ); /* answers name the inner op */
	assert_int_equal(req.n_indirect, 1);
	assert_int_equal(req.indirect_grefs[0], 500);
	for (int i = 0; i < 100; i++)
		descs[i] = (struct blkif_request_segment){ (uint32_t)i, 0, 7, { 0, 0 } };
	assert_int_equal(blk_req_parse_indirect(&req, descs, &lim), BLKIF_RSP_OKAY);
	assert_int_equal(req.nr_sectors, 800);
	assert_int_equal(req.segs[99].gref, 99);
	/* One bad descriptor fails the request; so do sectors past the end. */
	put_indirect(BLKIF_OP_READ, 100, 0);
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_OKAY);
	descs[50].last_sect = 9;
	assert_int_equal(blk_req_parse_indirect(&req, descs, &lim), BLKIF_RSP_ERROR);
	descs[50].last_sect = 7;
	put_indirect(BLKIF_OP_WRITE, 100, 201);
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_OKAY);
	assert_int_equal(blk_req_parse_indirect(&req, descs, &lim), BLKIF_RSP_ERROR);
	/* More segments than offered, none, a bad inner op, a read-only disk. */
	put_indirect(BLKIF_OP_READ, 257, 0);
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_ERROR);
	put_indirect(BLKIF_OP_READ, 0, 0);
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_ERROR);
	put_indirect(BLKIF_OP_DISCARD, 1, 0);
	assert_int_equal(parse(&req, &lim), BLKIF_RSP_ERROR);
	put_indirect(BLKIF_OP_WRITE, 1, 0);
	assert_int_equal(parse(&req, &ro), BLKIF_RSP_ERROR);
}

/* ---- journal ---- */

static struct blk_journal jn;

static void test_journal_fresh_session(void **state)
{
	(void)state;
	blk_journal_init(&jn, 77, 0);
	assert_true(blk_journal_matches(&jn, 77));
	assert_false(blk_journal_matches(&jn, 78));
	assert_int_equal(blk_journal_free_slot(&jn), 0);
}

/* The daemon takes three requests, answers two (one published), dies. */
static void test_journal_recovery_after_a_death(void **state)
{
	struct blkif_request r;
	unsigned redo[BLK_SLOTS], n;
	struct blkif_response rsp;

	(void)state;
	blk_journal_init(&jn, 77, 0);
	for (unsigned i = 0; i < 4; i++)
		put_rw(i, BLKIF_OP_READ, 10 + i, i * 8, 1);
	hdr()->req_prod = 4;
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(blk_ring_take(&ring, 0, &r), 1);
		blk_journal_take(&jn, i, ring.req_cons - 1, &r);
	}
	/* Request 1 answered and published, request 2 answered only. */
	blk_journal_answer(&jn, 1, ring.rsp_prod_pvt, 11, BLKIF_OP_READ, 0);
	blk_ring_put_response(&ring, 11, BLKIF_OP_READ, 0);
	blk_ring_push(&ring);
	blk_journal_published(&jn, ring.rsp_pushed);
	blk_journal_answer(&jn, 2, ring.rsp_prod_pvt, 12, BLKIF_OP_READ, BLKIF_RSP_ERROR);
	blk_ring_put_response(&ring, 12, BLKIF_OP_READ, BLKIF_RSP_ERROR);
	/* A slot taken into the journal whose req_cons never moved: its
	 * request is still on the ring. */
	assert_int_equal(blk_ring_take(&ring, 0, &r), 1);
	memcpy(&jn.slot[5].req, &r, sizeof(r));
	jn.slot[5].req_idx = 3;
	jn.slot[5].state = BLK_SLOT_INFLIGHT;

	/* The successor. */
	memset(&ring, 0, sizeof(ring));
	assert_int_equal(blk_ring_attach(&ring, page, 1, 0), 0);
	n = blk_journal_recover(&jn, &ring, redo);
	assert_int_equal(n, 1);
	assert_int_equal(redo[0], 0); /* request 0 runs again */
	assert_int_equal(ring.req_cons, 3); /* request 3 is taken anew */
	assert_int_equal(jn.slot[5].state, BLK_SLOT_FREE);
	assert_int_equal(jn.slot[1].state, BLK_SLOT_FREE); /* delivered */
	/* Request 2's answer is written again at the first unpublished index. */
	assert_int_equal(jn.slot[2].state, BLK_SLOT_DONE);
	assert_int_equal(ring.rsp_prod_pvt, 2);
	memcpy(&rsp, &ent(1)->rsp, sizeof(rsp));
	assert_int_equal(rsp.id, 12);
	assert_int_equal(rsp.status, BLKIF_RSP_ERROR);
	assert_int_equal(blk_ring_push(&ring) >= 0, 1);
	blk_journal_published(&jn, ring.rsp_pushed);
	assert_int_equal(jn.slot[2].state, BLK_SLOT_FREE);
	assert_int_equal(blk_ring_take(&ring, 0, &r), 1);
	assert_int_equal(r.u.rw.id, 13);
}

static void test_journal_distrusts_the_rings_rsp_prod(void **state)
{
	unsigned redo[BLK_SLOTS];

	(void)state;
	blk_journal_init(&jn, 77, 0);
	jn.slot[0].state = BLK_SLOT_DONE;
	jn.slot[0].rsp_idx = 0;
	jn.slot[0].id = 5;
	/* A frontend claiming 1000 responses were published. */
	hdr()->rsp_prod = 1000;
	memset(&ring, 0, sizeof(ring));
	assert_int_equal(blk_ring_attach(&ring, page, 1, 0), 0);
	assert_int_equal(blk_journal_recover(&jn, &ring, redo), 0);
	assert_int_equal(ring.rsp_prod_pvt, 1);
	assert_int_equal(ent(0)->rsp.id, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ring_takes_copies_in_order, setup),
		cmocka_unit_test_setup(test_ring_x86_32_frontend, setup),
		cmocka_unit_test_setup(test_ring_refuses_impossible_producer, setup),
		cmocka_unit_test_setup(test_ring_counts_unanswered_requests, setup),
		cmocka_unit_test_setup(test_ring_responses_and_notification, setup),
		cmocka_unit_test_setup(test_ring_final_check_arms_the_event, setup),
		cmocka_unit_test_setup(test_req_read_and_write, setup),
		cmocka_unit_test_setup(test_req_rejects_what_the_frontend_may_not_ask, setup),
		cmocka_unit_test_setup(test_req_flush_and_discard, setup),
		cmocka_unit_test_setup(test_req_indirect, setup),
		cmocka_unit_test_setup(test_journal_fresh_session, setup),
		cmocka_unit_test_setup(test_journal_recovery_after_a_death, setup),
		cmocka_unit_test_setup(test_journal_distrusts_the_rings_rsp_prod, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
