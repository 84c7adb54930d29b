/* One blkif ring, backend side (blk_ring.h). */
#include <errno.h>
#include <string.h>

#include "blk_ring.h"

/* The CPU keeps stores in order on x86; the compiler must too. */
#define barrier() __asm__ __volatile__("" ::: "memory")
#define full_barrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)

int blk_ring_attach(struct blk_ring *r, void *mem, unsigned pages)
{
	if (pages == 0 || pages > 16 || (pages & (pages - 1)))
		return -EINVAL;
	r->sring = mem;
	r->ents = (union blkif_sring_entry *)((uint8_t *)mem + sizeof(struct xen_sring_hdr));
	r->nr_ents = xen_ring_entries((size_t)pages * XEN_RING_PAGE_SIZE, sizeof(*r->ents));
	blk_ring_reset(r);
	return 0;
}

void blk_ring_reset(struct blk_ring *r)
{
	uint32_t rsp = r->sring->rsp_prod;

	r->req_cons = rsp;
	r->rsp_prod_pvt = rsp;
	r->rsp_pushed = rsp;
}

/* Requests the frontend says are there, or -EPROTO if that cannot be. */
static int64_t available(struct blk_ring *r)
{
	uint32_t prod = r->sring->req_prod;
	uint32_t n = prod - r->req_cons;

	barrier();
	/* Requests still to take plus those taken and not answered yet can
	 * never be more than the ring holds. */
	if (n > r->nr_ents || prod - r->rsp_prod_pvt > r->nr_ents)
		return -EPROTO;
	return n;
}

int blk_ring_take(struct blk_ring *r, struct blkif_request *out)
{
	int64_t n = available(r);

	if (n <= 0)
		return (int)n;
	memcpy(out, (const void *)&r->ents[r->req_cons & (r->nr_ents - 1)].req, sizeof(*out));
	barrier();
	r->req_cons++;
	return 1;
}

void blk_ring_put_response(struct blk_ring *r, uint64_t id, uint8_t op, int16_t status)
{
	struct blkif_response rsp;

	memset(&rsp, 0, sizeof(rsp));
	rsp.id = id;
	rsp.operation = op;
	rsp.status = status;
	memcpy(&r->ents[r->rsp_prod_pvt & (r->nr_ents - 1)].rsp, &rsp, sizeof(rsp));
	r->rsp_prod_pvt++;
}

int blk_ring_push(struct blk_ring *r)
{
	uint32_t old = r->rsp_pushed, new = r->rsp_prod_pvt, event;

	if (old == new)
		return 0;
	barrier(); /* responses before the index */
	r->sring->rsp_prod = new;
	r->rsp_pushed = new;
	full_barrier(); /* the index before reading rsp_event */
	event = r->sring->rsp_event;
	return (uint32_t)(new - event) < (uint32_t)(new - old);
}

int blk_ring_final_check(struct blk_ring *r)
{
	int64_t n = available(r);

	if (n != 0)
		return n < 0 ? (int)n : 1;
	r->sring->req_event = r->req_cons + 1;
	full_barrier();
	n = available(r);
	return n < 0 ? (int)n : n > 0;
}
