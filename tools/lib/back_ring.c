/* The backend's side of a shared ring (back_ring.h). */
#include <errno.h>
#include <string.h>

#include "back_ring.h"

/* The CPU keeps stores in order on x86; the compiler must too. */
#define barrier() __asm__ __volatile__("" ::: "memory")
#define full_barrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)

int back_ring_attach(struct back_ring *r, void *mem, unsigned pages, size_t ent_size)
{
	if (pages == 0 || pages > 16 || (pages & (pages - 1)) || ent_size == 0)
		return -EINVAL;
	r->sring = mem;
	r->ents = (uint8_t *)mem + sizeof(struct xen_sring_hdr);
	r->ent_size = ent_size;
	r->nr_ents = xen_ring_entries((size_t)pages * XEN_RING_PAGE_SIZE, ent_size);
	back_ring_reset(r);
	return 0;
}

void back_ring_reset(struct back_ring *r)
{
	uint32_t rsp = r->sring->rsp_prod;

	r->req_cons = rsp;
	r->rsp_prod_pvt = rsp;
	r->rsp_pushed = rsp;
}

int back_ring_pending(struct back_ring *r)
{
	uint32_t prod = r->sring->req_prod;
	uint32_t n = prod - r->req_cons;

	barrier();
	/* Requests still to take plus those taken and not answered yet can
	 * never be more than the ring holds. */
	if (n > r->nr_ents || prod - r->rsp_prod_pvt > r->nr_ents)
		return -EPROTO;
	return (int)n;
}

void back_ring_peek(const struct back_ring *r, uint32_t k, void *out, size_t len)
{
	uint32_t slot = (r->req_cons + k) & (r->nr_ents - 1);

	memcpy(out, r->ents + (size_t)slot * r->ent_size, len < r->ent_size ? len : r->ent_size);
	barrier();
}

int back_ring_take(struct back_ring *r, void *out, size_t len)
{
	int n = back_ring_pending(r);

	if (n <= 0)
		return n;
	back_ring_peek(r, 0, out, len);
	r->req_cons++;
	return 1;
}

void back_ring_put(struct back_ring *r, const void *rsp, size_t len)
{
	uint32_t slot = r->rsp_prod_pvt & (r->nr_ents - 1);

	memcpy(r->ents + (size_t)slot * r->ent_size, rsp, len < r->ent_size ? len : r->ent_size);
	r->rsp_prod_pvt++;
}

int back_ring_push(struct back_ring *r)
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

int back_ring_final_check(struct back_ring *r)
{
	int n = back_ring_pending(r);

	if (n != 0)
		return n < 0 ? n : 1;
	r->sring->req_event = r->req_cons + 1;
	full_barrier();
	n = back_ring_pending(r);
	return n < 0 ? n : n > 0;
}

int back_ring_await_more(struct back_ring *r)
{
	uint32_t prod = r->sring->req_prod;

	r->sring->req_event = prod + 1;
	full_barrier();
	return r->sring->req_prod != prod;
}
