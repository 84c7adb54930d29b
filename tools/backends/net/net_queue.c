/*
 * One queue's data path (netback.h). Guest to tap: every packet the TX
 * ring holds is checked (net_tx.c), its slots copied by one batched grant
 * copy into pages of the queue's own arena, each slot at its page offset
 * so that no copy crosses a page, then written to the tap with its
 * virtio-net header (net_pkt.c). Tap to guest: frames are read into the
 * queue's own page-aligned buffers, placed in the guest's receive buffers
 * by one batched grant copy, and answered in the ring slots of the
 * requests they used. No guest page is ever mapped but the two rings.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <public/grant_table.h>

#include "netback.h"

#define PAGE 4096u
/* Bytes of a guest frame gathered in one place to find its headers. */
#define NET_HDR_PEEK 256

static struct tc_gcopy *gcopy_room(struct net_ctx *ctx, unsigned n)
{
	return tc_gcopy_room(&ctx->gcopy, &ctx->gcopy_cap, n);
}

static void ring_broken(struct net_queue *q, const char *which)
{
	struct net_vif *v = q->vif;

	q->broken = 1;
	v->stats.ring_broken++;
	v->stats_dirty = 1;
	tc_backend_log("%s queue %u: the frontend's %s ring indexes are impossible: ignoring the queue "
		"until it reconnects", v->ifname, q->idx, which);
}

/* ---- guest to tap ---- */

static void count_refusal(struct net_vif *v, enum net_tx_refusal why)
{
	switch (why) {
	case NET_TX_RUNT:
		net_stats_count_drop(v, &v->stats.tx_runt, "dropped a packet shorter than an Ethernet header");
		break;
	case NET_TX_OVERSIZE:
		net_stats_count_drop(v, &v->stats.tx_oversize, "dropped a packet longer than the MTU allows");
		break;
	case NET_TX_BAD_SLOTS:
		net_stats_count_drop(v, &v->stats.tx_bad_slots, "dropped a packet with bad slots "
				     "(too many, outside their page, or sizes that do not add up)");
		break;
	case NET_TX_BAD_EXTRA:
		net_stats_count_drop(v, &v->stats.tx_bad_extra, "dropped a packet with a bad extra-info slot");
		break;
	case NET_TX_BAD_GSO_INFO:
		net_stats_count_drop(v, &v->stats.tx_bad_gso_info, "dropped a packet with bad GSO info");
		break;
	case NET_TX_ACCEPTED:
		break;
	}
}

/* The local copy of slot i of a packet placed from arena page `page` on. */
static uint8_t *slot_local(struct net_queue *q, unsigned page, const struct net_tx_slot *s)
{
	return q->tx_arena + (size_t)page * PAGE + s->offset;
}

/* A copied packet's virtio-net header and the iovec to write it with
 * (vec[0] is the header); NULL, or the counter of why it is dropped. */
static uint64_t *tx_prepare(struct net_queue *q, const struct net_tx_pkt *p, unsigned page,
			    struct virtio_net_hdr *vh, struct iovec *vec, unsigned *nvec,
			    const char **why)
{
	struct net_vif *v = q->vif;
	uint8_t head[NET_HDR_PEEK];
	size_t have = 0;
	unsigned n = 1;

	for (unsigned i = 0; i < p->nslots; i++) {
		const struct net_tx_slot *s = &p->slot[i];
		uint8_t *local = slot_local(q, page + i, s);

		if (s->len == 0)
			continue;
		vec[n].iov_base = local;
		vec[n++].iov_len = s->len;
		if (have < sizeof(head)) {
			size_t k = sizeof(head) - have < s->len ? sizeof(head) - have : s->len;

			memcpy(head + have, local, k);
			have += k;
		}
	}
	switch (net_tx_vnet_hdr(head, have, p->size, &p->meta, vh)) {
	case NET_TX_BAD_CSUM:
		*why = "dropped a packet with a blank checksum but no TCP/UDP header to fill it in";
		return &v->stats.tx_bad_csum;
	case NET_TX_BAD_GSO:
		*why = "dropped a packet whose GSO info does not match its headers";
		return &v->stats.tx_bad_gso;
	case NET_TX_OK:
		break;
	}
	vec[0].iov_base = vh;
	vec[0].iov_len = sizeof(*vh);
	*nvec = n;
	return NULL;
}

/* One round: every packet the ring holds (as far as the arena and the rate
 * limit allow), copied in one call, sent, answered. Returns the number of
 * packets taken, or -1 if the ring broke. */
static int tx_round(struct net_queue *q)
{
	struct net_vif *v = q->vif;
	struct net_tx_pkt *pkts = q->tx_pkts;
	unsigned npk = 0, page = 0, ncopy = 0, pages[NET_TX_RING_SIZE];
	struct tc_gcopy *g = gcopy_room(v->ctx, NET_TX_RING_SIZE);
	int taken = 0, rc = 0;

	if (!g)
		return 0;
	while (npk < NET_TX_RING_SIZE && page + NET_TX_MAX_SLOTS <= NET_TX_ARENA_PAGES) {
		struct net_tx_pkt *p = &pkts[npk];
		enum net_tx_refusal refused;
		struct netif_tx_request first;

		rc = back_ring_pending(&q->tx);
		if (rc <= 0)
			break;
		if (v->credit.per_interval) {
			back_ring_peek(&q->tx, 0, &first, sizeof(first));
			if (!net_credit_covers(&v->credit, first.size, net_now_us())) {
				q->tx_credit_wait = 1;
				v->stats.tx_rate_waits++;
				v->stats_dirty = 1;
				break;
			}
		}
		rc = net_tx_take(&q->tx, v->mtu + NET_ETH_HLEN + NET_VLAN_HLEN, p, &refused);
		if (rc <= 0)
			break;
		/* Charged only now: a packet not wholly posted was not taken. */
		if (v->credit.per_interval)
			net_credit_charge(&v->credit, p->size);
		taken++;
		if (refused != NET_TX_ACCEPTED) {
			count_refusal(v, refused);
			continue;
		}
		pages[npk] = page;
		for (unsigned i = 0; i < p->nslots; i++) {
			const struct net_tx_slot *s = &p->slot[i];

			if (s->len)
				g[ncopy++] = (struct tc_gcopy){ slot_local(q, page + i, s), s->gref,
								v->xd->domid, s->offset, s->len, 0, -1 };
		}
		page += p->nslots;
		npk++;
	}
	if (rc < 0) {
		ring_broken(q, "TX");
		return -1;
	}
	rc = ncopy ? tc_gntdev_copy(&v->gnt, g, ncopy) : 0;
	ncopy = 0;
	for (unsigned k = 0; k < npk; k++) {
		struct net_tx_pkt *p = &pkts[k];
		unsigned n = 0;
		const char *why = NULL;
		uint64_t *dropped;

		for (unsigned i = 0; i < p->nslots; i++)
			n += p->slot[i].len != 0;
		if (rc || !tc_gcopy_all_ok(g + ncopy, n)) {
			dropped = &v->stats.tx_bad_grant;
			why = "dropped a packet whose grants could not be copied (not the guest's, or revoked)";
		} else {
			dropped = tx_prepare(q, p, pages[k], &q->tx_vh[k], q->tx_vec[k], &q->tx_nvec[k],
					     &why);
		}
		ncopy += n;
		if (dropped) {
			net_stats_count_drop(v, dropped, why);
			q->tx_nvec[k] = 0;
		}
		net_tx_answer(&q->tx, p, dropped ? NETIF_RSP_ERROR : NETIF_RSP_OKAY);
	}
	/* The guest may reuse its buffers as soon as the data is here: answer
	 * first, then hand the packets to dom0's stack (whose work the writes
	 * do), so the guest's TCP sees its transmissions complete sooner. */
	if (back_ring_push(&q->tx) && q->tx_port >= 0)
		xbe_notify(&v->ctx->xbe, (uint32_t)q->tx_port);
	for (unsigned k = 0; k < npk; k++) {
		if (!q->tx_nvec[k])
			continue;
		if (writev(q->tap_fd, q->tx_vec[k], (int)q->tx_nvec[k]) < 0) {
			net_stats_count_drop(v, &v->stats.tx_tap_refused, "the tap refused a packet "
					     "(its headers, or the interface is down)");
			continue;
		}
		v->stats.tx_packets++;
		v->stats.tx_bytes += pkts[k].size;
		v->stats_dirty = 1;
	}
	return taken;
}

static void tx_kick(struct net_queue *q)
{
	while (!q->broken && !q->tx_credit_wait) {
		int n = tx_round(q), more;

		if (n < 0)
			return;
		if (n > 0 || q->tx_credit_wait)
			continue;
		if (back_ring_pending(&q->tx) > 0) {
			/* Part of a packet: its event comes with the rest. */
			if (!back_ring_await_more(&q->tx))
				return;
			continue;
		}
		more = back_ring_final_check(&q->tx);
		if (more < 0) {
			ring_broken(q, "TX");
			return;
		}
		if (!more)
			return;
	}
}

/* ---- tap to guest ---- */

/* Reads the next frame from the tap into f: 1, 0 (none), or -1 (dropped). */
static int rx_read(struct net_queue *q, struct net_rx_frame *f)
{
	struct net_vif *v = q->vif;
	struct iovec iov[2] = {
		{ &f->vh, sizeof(f->vh) },
		{ f->data, (size_t)NET_RX_FRAME_PAGES * PAGE },
	};
	ssize_t n = readv(q->tap_fd, iov, 2);

	if (n < 0)
		return 0;
	if ((size_t)n <= sizeof(f->vh))
		return -1;
	f->len = (size_t)n - sizeof(f->vh);
	if (net_rx_meta_from_vnet(&f->vh, f->data, f->len, &v->caps, &f->meta)) {
		net_stats_count_drop(v, &v->stats.rx_unsendable, "dropped a frame for the guest "
				     "that its frontend cannot take (offloads it did not ask for)");
		return -1;
	}
	f->nslots = net_rx_slots(f);
	return 1;
}

/* One round: frames from the tap (or the one held) into the guest's
 * buffers. Returns 1 if another round may find more, 0 if not. */
static int rx_round(struct net_queue *q)
{
	struct net_vif *v = q->vif;
	struct tc_gcopy *g = gcopy_room(v->ctx, NET_RX_BATCH * NET_RX_FRAME_PAGES);
	int avail = back_ring_pending(&q->rx), rc, full = 0;
	unsigned nfr = 0, used = 0, ncopy = 0;

	if (avail < 0) {
		ring_broken(q, "RX");
		return 0;
	}
	if (!g)
		return 0;
	while (nfr < NET_RX_BATCH) {
		struct net_rx_frame *f = &q->rx_frames[nfr];

		if (!(nfr == 0 && q->rx_held)) {
			rc = rx_read(q, f);
			if (rc < 0)
				continue;
			if (rc == 0)
				break;
		}
		if (used + f->nslots > (unsigned)avail) {
			/* No room: it waits for the guest's buffers (moved first
			 * in line once this round's frames are answered). */
			q->rx_held = 1;
			if (!q->rx_stall_since_ms)
				q->rx_stall_since_ms = net_now_ms();
			full = 1;
			break;
		}
		q->rx_held = 0;
		q->rx_stall_since_ms = 0;
		f->copy0 = ncopy;
		net_rx_place(&q->rx, f, used, v->xd->domid, g + ncopy);
		ncopy += f->ncopies;
		used += f->nslots;
		nfr++;
	}
	rc = ncopy ? tc_gntdev_copy(&v->gnt, g, ncopy) : 0;
	for (unsigned k = 0; k < nfr; k++) {
		struct net_rx_frame *f = &q->rx_frames[k];
		int ok = rc == 0 && tc_gcopy_all_ok(g + f->copy0, f->ncopies);

		net_rx_answer(&q->rx, f, ok);
		if (!ok) {
			net_stats_count_drop(v, &v->stats.rx_bad_grant, "lost a frame for the guest: "
					     "a receive buffer's grant could not be copied to");
		} else {
			v->stats.rx_packets++;
			v->stats.rx_bytes += f->len;
			v->stats_dirty = 1;
		}
	}
	if (full && nfr) {
		/* The frame that did not fit is at nfr: first in line now. */
		struct net_rx_frame tmp = q->rx_frames[0];

		q->rx_frames[0] = q->rx_frames[nfr];
		q->rx_frames[nfr] = tmp;
	}
	if (back_ring_push(&q->rx) && q->rx_port >= 0)
		xbe_notify(&v->ctx->xbe, (uint32_t)q->rx_port);
	if (full) {
		/* Hear of the guest's next buffers (there may be some, too few). */
		return back_ring_await_more(&q->rx);
	}
	return nfr == NET_RX_BATCH;
}

static void rx_kick(struct net_queue *q)
{
	while (!q->broken && rx_round(q))
		;
}

/* ---- events and timers ---- */

void net_queue_tx_event(void *arg)
{
	struct net_queue *q = arg;

	if (!q->broken && !q->tx_credit_wait)
		tx_kick(q);
}

void net_queue_rx_event(void *arg)
{
	struct net_queue *q = arg;

	if (q->broken)
		return;
	if (q->rx_stopped && back_ring_pending(&q->rx) > 0) {
		struct net_vif *v = q->vif;

		q->rx_stopped = 0;
		tc_backend_log("%s queue %u: the guest takes frames again", v->ifname, q->idx);
		if (--v->nstopped == 0) {
			net_tap_carrier(q->tap_fd, 1);
			tc_backend_log("%s: carrier on", v->ifname);
		}
	}
	if (q->rx_held)
		rx_kick(q);
}

void net_queue_both_event(void *arg)
{
	net_queue_tx_event(arg);
	net_queue_rx_event(arg);
}

void net_queue_tap_ready(struct net_queue *q)
{
	if (!q->broken)
		rx_kick(q);
}

int net_queue_wants_tap(const struct net_queue *q)
{
	return q->tap_fd >= 0 && !q->broken && !q->rx_held;
}

/* The guest has taken no frame for too long: what waits for it is dropped
 * and the bridge stops sending it more (carrier off) until it posts buffers. */
static void rx_stalled(struct net_queue *q)
{
	struct net_vif *v = q->vif;
	struct net_rx_frame *f = &q->rx_frames[0];
	unsigned dropped = 1;

	q->rx_held = 0;
	q->rx_stall_since_ms = 0;
	while (rx_read(q, f) != 0 && dropped < 100000)
		dropped++;
	for (unsigned i = 0; i < dropped; i++)
		net_stats_count_drop(v, &v->stats.rx_stall_dropped, "dropped frames for a guest that "
				     "posts no receive buffers");
	if (!q->rx_stopped) {
		q->rx_stopped = 1;
		tc_backend_log("%s queue %u: the guest has taken no frame for %d ms: %u dropped",
			v->ifname, q->idx, NET_RX_STALL_MS, dropped);
		if (v->nstopped++ == 0) {
			net_tap_carrier(q->tap_fd, 0);
			tc_backend_log("%s: carrier off", v->ifname);
		}
	}
	/* Its next buffers bring the carrier back. */
	if (back_ring_await_more(&q->rx))
		net_queue_rx_event(q);
}

int net_queue_timers(struct net_queue *q, uint64_t now_ms)
{
	int next = -1;

	if (q->broken)
		return -1;
	if (q->tx_credit_wait) {
		uint64_t due = net_credit_next(&q->vif->credit) / 1000u;

		if (now_ms >= due) {
			q->tx_credit_wait = 0;
			tx_kick(q);
		} else {
			next = (int)(due - now_ms);
		}
	}
	if (q->rx_held && q->rx_stall_since_ms) {
		uint64_t due = q->rx_stall_since_ms + NET_RX_STALL_MS;

		if (now_ms >= due) {
			rx_stalled(q);
		} else if (next < 0 || (int)(due - now_ms) < next) {
			next = (int)(due - now_ms);
		}
	}
	return next;
}

/* ---- a queue's life ---- */

static int bind_ports(struct net_queue *q)
{
	struct xbe_dev *d = q->vif->xd;
	int rc;

	if (q->tx_remote == q->rx_remote) {
		rc = xbe_bind(d, q->tx_remote, net_queue_both_event, q);
		if (rc >= 0)
			q->tx_port = q->rx_port = rc;
		return rc;
	}
	rc = xbe_bind(d, q->tx_remote, net_queue_tx_event, q);
	if (rc < 0)
		return rc;
	q->tx_port = rc;
	rc = xbe_bind(d, q->rx_remote, net_queue_rx_event, q);
	if (rc >= 0)
		q->rx_port = rc;
	return rc;
}

static int map_ring(struct net_queue *q, uint32_t ref, struct tc_grant_map *m, struct back_ring *r,
		    size_t ent_size, const char *which)
{
	struct net_vif *v = q->vif;
	int rc = tc_gntdev_map(&v->gnt, v->xd->domid, &ref, 1, PROT_READ | PROT_WRITE, m);

	if (rc) {
		snprintf(v->xd->error, sizeof(v->xd->error), "queue %u: cannot map the %s ring "
			 "(grant %u): %s", q->idx, which, ref, strerror(-rc));
		return rc;
	}
	return back_ring_attach(r, m->addr, 1, ent_size);
}

int net_queue_start(struct net_queue *q)
{
	struct net_vif *v = q->vif;
	size_t frames = (size_t)NET_RX_BATCH * NET_RX_FRAME_PAGES * PAGE;
	int rc;

	rc = map_ring(q, q->tx_ref, &q->tx_map, &q->tx, sizeof(union netif_tx_sring_entry), "TX");
	if (rc == 0)
		rc = map_ring(q, q->rx_ref, &q->rx_map, &q->rx, sizeof(union netif_rx_sring_entry), "RX");
	if (rc)
		return rc;
	q->tx_pkts = calloc(NET_TX_RING_SIZE, sizeof(*q->tx_pkts));
	q->tx_vec = calloc(NET_TX_RING_SIZE, sizeof(*q->tx_vec));
	/* One mapping for the TX arena and the RX frames; pages are touched as used. */
	q->mem_len = (size_t)NET_TX_ARENA_PAGES * PAGE + frames;
	q->mem = mmap(NULL, q->mem_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (q->mem == MAP_FAILED)
		q->mem = NULL;
	if (!q->mem || !q->tx_pkts || !q->tx_vec) {
		snprintf(v->xd->error, sizeof(v->xd->error), "out of memory for queue %u", q->idx);
		return -ENOMEM;
	}
	q->tx_arena = q->mem;
	for (unsigned i = 0; i < NET_RX_BATCH; i++)
		q->rx_frames[i].data = q->mem + (size_t)NET_TX_ARENA_PAGES * PAGE +
				       (size_t)i * NET_RX_FRAME_PAGES * PAGE;
	rc = net_tap_open_queue(v->ifname, &q->tap_fd);
	/* The interface's settings, once (a stopped worker may have left the
	 * carrier off). */
	if (rc == 0 && q->idx == 0)
		rc = net_tap_set_offload(q->tap_fd, &v->caps);
	if (rc == 0 && q->idx == 0)
		rc = net_tap_carrier(q->tap_fd, 1);
	if (rc) {
		snprintf(v->xd->error, sizeof(v->xd->error), "queue %u: tap %s: %s", q->idx,
			 v->ifname, strerror(-rc));
		return rc;
	}
	rc = bind_ports(q);
	if (rc < 0) {
		snprintf(v->xd->error, sizeof(v->xd->error), "queue %u: cannot bind event channels "
			 "%u/%u: %s", q->idx, q->tx_remote, q->rx_remote, strerror(-rc));
		return rc;
	}
	/* What was posted before we came (or while a predecessor died). */
	tx_kick(q);
	rx_kick(q);
	xbe_notify(&v->ctx->xbe, (uint32_t)q->tx_port);
	if (q->rx_port != q->tx_port)
		xbe_notify(&v->ctx->xbe, (uint32_t)q->rx_port);
	return 0;
}

void net_queue_stop(struct net_queue *q)
{
	struct net_vif *v = q->vif;

	if (q->rx_port >= 0 && q->rx_port != q->tx_port)
		xbe_unbind(&v->ctx->xbe, (uint32_t)q->rx_port);
	if (q->tx_port >= 0)
		xbe_unbind(&v->ctx->xbe, (uint32_t)q->tx_port);
	q->tx_port = q->rx_port = -1;
	if (q->tap_fd >= 0)
		close(q->tap_fd);
	q->tap_fd = -1;
	if (q->mem)
		munmap(q->mem, q->mem_len);
	q->mem = NULL;
	free(q->tx_pkts);
	q->tx_pkts = NULL;
	free(q->tx_vec);
	q->tx_vec = NULL;
	tc_gntdev_unmap(&v->gnt, &q->tx_map);
	tc_gntdev_unmap(&v->gnt, &q->rx_map);
}
