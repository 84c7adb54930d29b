/*
 * What a queue has taken from its ring and not yet answered, kept in a
 * file on dom0's tmpfs (/run) that the daemon maps: if the daemon dies,
 * its successor finds there the requests in flight and the responses
 * written but perhaps not published, and picks the ring up where it was
 * (blk_journal_recover). Stores are ordered so that a death between any two
 * of them leaves a state recovery understands:
 *
 *   take:    slot = request, INFLIGHT; then req_cons = its index + 1
 *   answer:  slot = status, id, response index, DONE; then the response in the ring
 *   publish: the ring's rsp_prod; then rsp_pushed; then DONE slots below it FREE
 *
 * Pure (memory in, memory out), so it is unit-tested and fuzzed.
 */
#ifndef TERN_BLK_JOURNAL_H
#define TERN_BLK_JOURNAL_H

#include <stdint.h>

#include <xen/io/blkif.h>

#include "blk_ring.h"

/* Requests in flight per queue. */
#define BLK_SLOTS 32
#define BLK_JOURNAL_MAGIC 0x4b4c4274u /* "tBLK" */
#define BLK_JOURNAL_VERSION 1

enum blk_slot_state {
	BLK_SLOT_FREE = 0,
	BLK_SLOT_INFLIGHT = 1,  /* taken, being worked on */
	BLK_SLOT_DONE = 2,      /* answered at rsp_idx, maybe not yet published */
};

struct blk_journal_slot {
	uint32_t state;
	uint32_t req_idx;
	uint32_t rsp_idx;
	int16_t status;
	uint8_t rsp_op;
	uint8_t pad;
	uint64_t id;
	struct blkif_request req;
};

struct blk_journal {
	uint32_t magic, version;
	uint32_t nslots;
	uint32_t ring_ref;     /* the ring's first grant: a new ring is a new session */
	uint32_t req_cons;
	uint32_t rsp_pushed;
	uint32_t pad[2];
	struct blk_journal_slot slot[BLK_SLOTS];
};

_Static_assert(sizeof(struct blk_journal_slot) == 136, "journal slot");
_Static_assert(sizeof(struct blk_journal) == 32 + BLK_SLOTS * 136, "journal");

/* A fresh journal for a ring whose first grant is ring_ref and whose
 * frontend starts at index start. */
void blk_journal_init(struct blk_journal *j, uint32_t ring_ref, uint32_t start);
/* Whether j is a journal of this ring. */
int blk_journal_matches(const struct blk_journal *j, uint32_t ring_ref);

void blk_journal_take(struct blk_journal *j, unsigned slot, uint32_t req_idx,
		      const struct blkif_request *req);
void blk_journal_answer(struct blk_journal *j, unsigned slot, uint32_t rsp_idx, uint64_t id,
			uint8_t op, int16_t status);
void blk_journal_published(struct blk_journal *j, uint32_t rsp_prod);
/* A free slot, or -1. */
int blk_journal_free_slot(const struct blk_journal *j);

/*
 * After a restart: puts the ring back where the dead daemon left it,
 * writes again the responses it had not published (the ring's rsp_prod is
 * the frontend's to scribble on, so it is believed only within what could
 * have been published), frees what was delivered, and lists in redo[] the
 * slots whose requests must be carried out again. Returns how many.
 */
unsigned blk_journal_recover(struct blk_journal *j, struct back_ring *r, unsigned redo[BLK_SLOTS]);

#endif
