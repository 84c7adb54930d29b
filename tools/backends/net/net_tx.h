/*
 * The guest's packets on a TX ring (pure: unit-tested and fuzzed). A packet
 * is a first request (its size is the whole packet), extra-info slots if
 * it says so, and more data slots while each says more_data. Everything is
 * checked before a byte is copied; a packet that breaks a rule is answered
 * at once with errors in every slot it used and counted, and the ring goes
 * on with the next one.
 */
#ifndef TERN_NET_TX_H
#define TERN_NET_TX_H

#include <stdint.h>

#include <xen/io/netif.h>

#include "back_ring.h"
#include "net_pkt.h"

/* Data slots one packet may use: netfront uses at most 18 (64 KiB in pages,
 * plus a header crossing a page); more than Xen's minimum costs nothing. */
#define NET_TX_MAX_SLOTS 32
/* Extra-info slots one packet may carry (one of each type at most). */
#define NET_TX_MAX_EXTRAS (XEN_NETIF_EXTRA_TYPE_MAX - 1)

/* Why a packet was refused before any copy (each has its own counter). */
enum net_tx_refusal {
	NET_TX_ACCEPTED,
	NET_TX_RUNT,          /* shorter than an Ethernet header (zero-length included) */
	NET_TX_OVERSIZE,      /* longer than the interface's MTU allows, without GSO */
	NET_TX_BAD_SLOTS,     /* too many slots, a slot outside its page, sizes that do not add up */
	NET_TX_BAD_EXTRA,     /* an extra-info slot of no known type, or too many */
	NET_TX_BAD_GSO_INFO,  /* GSO info of an unknown type or size 0 */
};

struct net_tx_slot {
	uint32_t gref;
	uint16_t offset, len, id;
};

/* One packet taken off the ring, checked and ready to copy. */
struct net_tx_pkt {
	unsigned nslots, nextras;
	uint16_t size;                  /* bytes in all */
	struct net_tx_meta meta;        /* flags and GSO, for the virtio-net header */
	struct net_tx_slot slot[NET_TX_MAX_SLOTS];
};

/*
 * Takes the next packet off r. 1: one whose requests are all there, in *p
 * if accepted (*refused = NET_TX_ACCEPTED), else already answered with
 * NETIF_RSP_ERROR (and NULL for extras) and *refused says why; 0: none, or
 * one not wholly posted yet (nothing taken); -EPROTO: the ring is broken.
 * max_frame: the longest frame without GSO (MTU + Ethernet and VLAN header).
 */
int net_tx_take(struct back_ring *r, unsigned max_frame, struct net_tx_pkt *p,
		enum net_tx_refusal *refused);

/* Answers every slot of a packet taken: st for its data slots
 * (NETIF_RSP_OKAY or _ERROR), NULL for its extra-info slots. */
void net_tx_answer(struct back_ring *r, const struct net_tx_pkt *p, int16_t st);

#endif
