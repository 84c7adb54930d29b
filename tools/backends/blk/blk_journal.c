/* Requests in flight, kept across a daemon's death (blk_journal.h). */
#include <string.h>

#include "blk_journal.h"

/* Stores to the journal happen in program order for the next process. */
#define barrier() __asm__ __volatile__("" ::: "memory")

void blk_journal_init(struct blk_journal *j, uint32_t ring_ref, uint32_t start)
{
	memset(j, 0, sizeof(*j));
	j->magic = BLK_JOURNAL_MAGIC;
	j->version = BLK_JOURNAL_VERSION;
	j->nslots = BLK_SLOTS;
	j->ring_ref = ring_ref;
	j->req_cons = start;
	j->rsp_pushed = start;
}

int blk_journal_matches(const struct blk_journal *j, uint32_t ring_ref)
{
	return j->magic == BLK_JOURNAL_MAGIC && j->version == BLK_JOURNAL_VERSION &&
	       j->nslots == BLK_SLOTS && j->ring_ref == ring_ref;
}

void blk_journal_take(struct blk_journal *j, unsigned slot, uint32_t req_idx,
		      const struct blkif_request *req)
{
	struct blk_journal_slot *s = &j->slot[slot];

	memcpy(&s->req, req, sizeof(*req));
	s->req_idx = req_idx;
	barrier();
	s->state = BLK_SLOT_INFLIGHT;
	barrier();
	j->req_cons = req_idx + 1;
}

void blk_journal_answer(struct blk_journal *j, unsigned slot, uint32_t rsp_idx, uint64_t id,
			uint8_t op, int16_t status)
{
	struct blk_journal_slot *s = &j->slot[slot];

	s->rsp_idx = rsp_idx;
	s->id = id;
	s->rsp_op = op;
	s->status = status;
	barrier();
	s->state = BLK_SLOT_DONE;
}

void blk_journal_published(struct blk_journal *j, uint32_t rsp_prod)
{
	j->rsp_pushed = rsp_prod;
	barrier();
	for (unsigned i = 0; i < BLK_SLOTS; i++)
		if (j->slot[i].state == BLK_SLOT_DONE && (int32_t)(j->slot[i].rsp_idx - rsp_prod) < 0)
			j->slot[i].state = BLK_SLOT_FREE;
}

int blk_journal_free_slot(const struct blk_journal *j)
{
	for (unsigned i = 0; i < BLK_SLOTS; i++)
		if (j->slot[i].state == BLK_SLOT_FREE)
			return (int)i;
	return -1;
}

unsigned blk_journal_recover(struct blk_journal *j, struct back_ring *r, unsigned redo[BLK_SLOTS])
{
	uint32_t shown = r->sring->rsp_prod;
	unsigned order[BLK_SLOTS], n = 0, nredo = 0;

	if ((uint32_t)(shown - j->rsp_pushed) > BLK_SLOTS)
		shown = j->rsp_pushed;
	r->req_cons = j->req_cons;
	r->rsp_prod_pvt = shown;
	r->rsp_pushed = shown;
	for (unsigned i = 0; i < BLK_SLOTS; i++) {
		struct blk_journal_slot *s = &j->slot[i];

		if (s->state == BLK_SLOT_DONE) {
			if ((int32_t)(s->rsp_idx - shown) < 0) {
				s->state = BLK_SLOT_FREE; /* delivered */
				continue;
			}
			/* Undelivered: answered again below, in the order they had. */
			unsigned k = n++;

			while (k > 0 && (int32_t)(j->slot[order[k - 1]].rsp_idx - s->rsp_idx) > 0) {
				order[k] = order[k - 1];
				k--;
			}
			order[k] = i;
		} else if (s->state == BLK_SLOT_INFLIGHT) {
			if ((int32_t)(s->req_idx - j->req_cons) < 0)
				redo[nredo++] = i;
			else
				s->state = BLK_SLOT_FREE; /* its index was never consumed */
		} else {
			s->state = BLK_SLOT_FREE;
		}
	}
	j->rsp_pushed = shown;
	for (unsigned k = 0; k < n; k++) {
		struct blk_journal_slot *s = &j->slot[order[k]];

		s->rsp_idx = r->rsp_prod_pvt;
		blk_ring_put_response(r, s->id, s->rsp_op, s->status);
	}
	return nredo;
}
