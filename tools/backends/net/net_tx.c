/* The guest's packets on a TX ring (net_tx.h). */
#include <errno.h>
#include <string.h>

#include "net_tx.h"

static void put_rsp(struct back_ring *r, uint16_t id, int16_t st)
{
	struct netif_tx_response rsp = { id, st };

	back_ring_put(r, &rsp, sizeof(rsp));
}

void net_tx_answer(struct back_ring *r, const struct net_tx_pkt *p, int16_t st)
{
	put_rsp(r, p->slot[0].id, st);
	for (unsigned i = 0; i < p->nextras; i++)
		put_rsp(r, 0, NETIF_RSP_NULL);
	for (unsigned i = 1; i < p->nslots; i++)
		put_rsp(r, p->slot[i].id, st);
}

/* Answers the n ring entries from the next one on with errors (NULL for
 * the extras, which follow the first), and takes them. */
static void refuse(struct back_ring *r, unsigned n, unsigned nextras)
{
	for (unsigned k = 0; k < n; k++) {
		struct netif_tx_request req;

		back_ring_peek(r, k, &req, sizeof(req));
		if (k >= 1 && k <= nextras)
			put_rsp(r, 0, NETIF_RSP_NULL);
		else
			put_rsp(r, req.id, NETIF_RSP_ERROR);
	}
	back_ring_consume(r, n);
}

/* The extra-info slots after the first request: how many (>= 0), or -1 if
 * they run past what is posted. Sets *bad for a malformed one. */
static int read_extras(struct back_ring *r, unsigned avail, struct net_tx_pkt *p,
		       enum net_tx_refusal *bad)
{
	unsigned k = 1, more = 1;

	while (more) {
		struct netif_extra_info x;

		if (k >= avail)
			return -1;
		back_ring_peek(r, k, &x, sizeof(x));
		more = x.flags & XEN_NETIF_EXTRA_FLAG_MORE;
		if (k > NET_TX_MAX_EXTRAS || x.type == XEN_NETIF_EXTRA_TYPE_NONE ||
		    x.type >= XEN_NETIF_EXTRA_TYPE_MAX) {
			if (*bad == NET_TX_ACCEPTED)
				*bad = NET_TX_BAD_EXTRA;
		} else if (x.type == XEN_NETIF_EXTRA_TYPE_GSO) {
			/* Linux's TX extras: checked here, used later. */
			p->meta.gso_type = x.u.gso.type;
			p->meta.gso_size = x.u.gso.size;
			if (x.u.gso.size == 0 || (x.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 &&
						  x.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6))
				if (*bad == NET_TX_ACCEPTED)
					*bad = NET_TX_BAD_GSO_INFO;
		}
		/* Multicast and hash extras are not offered: ignored. */
		k++;
	}
	return (int)(k - 1);
}

int net_tx_take(struct back_ring *r, unsigned max_frame, struct net_tx_pkt *p,
		enum net_tx_refusal *refused)
{
	int avail = back_ring_pending(r);
	struct netif_tx_request req;
	unsigned k, nents, rest = 0;
	int nextras = 0;

	*refused = NET_TX_ACCEPTED;
	if (avail <= 0)
		return avail;
	memset(&p->meta, 0, sizeof(p->meta));
	p->nslots = 0;
	back_ring_peek(r, 0, &req, sizeof(req));
	p->meta.flags = req.flags;
	p->size = req.size;
	if (req.flags & NETTXF_extra_info) {
		nextras = read_extras(r, (unsigned)avail, p, refused);
		if (nextras < 0)
			goto incomplete;
	}
	p->nextras = (unsigned)nextras;
	/* The data slots: the first, then the ones after the extras. */
	k = 0;
	for (;;) {
		if (p->nslots < NET_TX_MAX_SLOTS) {
			struct net_tx_slot *s = &p->slot[p->nslots];

			s->gref = req.gref;
			s->offset = req.offset;
			s->len = req.size;
			s->id = req.id;
			if (p->nslots > 0)
				rest += req.size;
			if ((unsigned)req.offset + (p->nslots ? req.size : 0) > XEN_RING_PAGE_SIZE &&
			    *refused == NET_TX_ACCEPTED)
				*refused = NET_TX_BAD_SLOTS;
		} else if (*refused == NET_TX_ACCEPTED) {
			*refused = NET_TX_BAD_SLOTS;
		}
		p->nslots++;
		if (!(req.flags & NETTXF_more_data))
			break;
		k = k == 0 ? (unsigned)nextras + 1 : k + 1;
		if (k >= (unsigned)avail)
			goto incomplete;
		back_ring_peek(r, k, &req, sizeof(req));
	}
	nents = p->nslots + p->nextras;
	if (*refused == NET_TX_ACCEPTED) {
		/* The first slot holds what the others do not. */
		if (rest > p->size ||
		    (unsigned)p->slot[0].offset + (p->size - rest) > XEN_RING_PAGE_SIZE)
			*refused = NET_TX_BAD_SLOTS;
		else if (p->size < NET_ETH_HLEN)
			*refused = NET_TX_RUNT;
		else if (p->meta.gso_type == XEN_NETIF_GSO_TYPE_NONE && p->size > max_frame)
			*refused = NET_TX_OVERSIZE;
	}
	if (*refused != NET_TX_ACCEPTED) {
		refuse(r, nents, p->nextras);
		return 1;
	}
	p->slot[0].len = (uint16_t)(p->size - rest);
	back_ring_consume(r, nents);
	return 1;
incomplete:
	/* A chain as long as the whole ring can never end: the frontend lies. */
	return (unsigned)avail >= r->nr_ents ? -EPROTO : 0;
}
