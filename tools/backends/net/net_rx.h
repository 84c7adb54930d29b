/*
 * Frames for the guest on an RX ring (pure: unit-tested and fuzzed). A
 * frame takes one posted buffer (a granted page) per 4 KiB, plus one slot
 * for its GSO extra info right after the first; every response goes in the
 * ring slot of the request it answers, because netfront finds a response's
 * page by its slot, not by its id.
 */
#ifndef TERN_NET_RX_H
#define TERN_NET_RX_H

#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_net.h>
#include <xen/io/netif.h>

#include "back_ring.h"
#include "net_pkt.h"
#include "ternctl.h"

/* Pages a frame from the tap may need: 64 KiB of GSO frame and its header. */
#define NET_RX_FRAME_PAGES 17

/* A frame read from the tap, waiting for room on the RX ring. */
struct net_rx_frame {
	struct virtio_net_hdr vh;
	uint8_t *data;              /* NET_RX_FRAME_PAGES pages, page-aligned */
	size_t len;
	struct net_rx_meta meta;
	unsigned nslots;            /* ring slots it needs (net_rx_slots) */
	/* While a round places it: its requests' ids, and its copies. */
	uint16_t ids[NET_RX_FRAME_PAGES + 1];
	unsigned copy0, ncopies;
};

/* The ring slots frame f needs. */
unsigned net_rx_slots(const struct net_rx_frame *f);
/* Adds to g (f->ncopies, from 0) the copies of f into the requests k,
 * k+1, ... after the next one on r (they must be posted), and keeps their
 * ids; nothing is taken yet. */
void net_rx_place(const struct back_ring *r, struct net_rx_frame *f, unsigned k, uint16_t domid,
		  struct tc_gcopy *g);
/* Answers the next f->nslots requests for frame f and takes them: its data
 * (or NETIF_RSP_ERROR in each slot if !copied) with the flags netfront
 * reads, its GSO extra info in the slot after the first. */
void net_rx_answer(struct back_ring *r, const struct net_rx_frame *f, int copied);

#endif
