/*
 * netif: the network device protocol between a frontend (Linux's
 * xen-netfront) and a backend, as Xen's public io/netif.h defines it.
 * Numbers and layouts are Xen's; the definitions are written for tern.
 *
 * Two rings per queue, each one page: TX carries the guest's packets to the
 * backend (a packet is one or more request slots, each a granted page, an
 * offset and a length, plus optional extra-info slots), RX carries granted
 * empty pages the backend fills with packets for the guest. A response
 * takes the ring slot of its request; on RX the frontend finds the page of
 * a response by that slot, not by the id.
 */
#ifndef TERN_XEN_IO_NETIF_H
#define TERN_XEN_IO_NETIF_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"

/* TX request flags. */
#define NETTXF_csum_blank     (1u << 0)  /* the L4 checksum is to be filled in */
#define NETTXF_data_validated (1u << 1)  /* the guest already checked it */
#define NETTXF_more_data      (1u << 2)  /* another data slot of this packet follows */
#define NETTXF_extra_info     (1u << 3)  /* extra-info slots follow this (first) slot */

/* RX response flags. */
#define NETRXF_data_validated (1u << 0)
#define NETRXF_csum_blank     (1u << 1)
#define NETRXF_more_data      (1u << 2)
#define NETRXF_extra_info     (1u << 3)  /* extra-info slots follow this (first) response */
#define NETRXF_gso_prefix     (1u << 4)

/* Response status: >= 0 on RX is the byte count of the slot. */
#define NETIF_RSP_DROPPED (-2)
#define NETIF_RSP_ERROR   (-1)
#define NETIF_RSP_OKAY    0
#define NETIF_RSP_NULL    1              /* the response of an extra-info slot */

/* Extra info: types and flags. */
#define XEN_NETIF_EXTRA_TYPE_NONE      0
#define XEN_NETIF_EXTRA_TYPE_GSO       1
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD 2
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL 3
#define XEN_NETIF_EXTRA_TYPE_HASH      4
#define XEN_NETIF_EXTRA_TYPE_MAX       5
#define XEN_NETIF_EXTRA_FLAG_MORE      (1u << 0)  /* another extra slot follows */

#define XEN_NETIF_GSO_TYPE_NONE  0
#define XEN_NETIF_GSO_TYPE_TCPV4 1
#define XEN_NETIF_GSO_TYPE_TCPV6 2

/* A backend must take packets of at least this many slots. */
#define XEN_NETIF_NR_SLOTS_MIN 18
/* The largest packet the protocol can describe (TX size is 16 bits). */
#define XEN_NETIF_MAX_TX_SIZE 0xffff

struct netif_tx_request {
	uint32_t gref;
	uint16_t offset;   /* of the data within the granted page */
	uint16_t flags;    /* NETTXF_* */
	uint16_t id;       /* echoed in the response */
	uint16_t size;     /* first slot: the whole packet; others: this slot */
};
_Static_assert(sizeof(struct netif_tx_request) == 12, "netif_tx_request");
_Static_assert(offsetof(struct netif_tx_request, offset) == 4, "tx offset");
_Static_assert(offsetof(struct netif_tx_request, flags) == 6, "tx flags");
_Static_assert(offsetof(struct netif_tx_request, id) == 8, "tx id");
_Static_assert(offsetof(struct netif_tx_request, size) == 10, "tx size");

/* Occupies a request slot (TX) or a response slot (RX). */
struct netif_extra_info {
	uint8_t type;      /* XEN_NETIF_EXTRA_TYPE_* */
	uint8_t flags;     /* XEN_NETIF_EXTRA_FLAG_* */
	union {
		struct {
			uint16_t size;      /* MSS: payload bytes of each segment */
			uint8_t type;       /* XEN_NETIF_GSO_TYPE_* */
			uint8_t pad;
			uint16_t features;
		} gso;
		struct {
			uint8_t addr[6];
		} mcast;
		struct {
			uint8_t type;
			uint8_t algorithm;
			uint8_t value[4];
		} hash;
		uint16_t pad[3];
	} u;
};
_Static_assert(sizeof(struct netif_extra_info) == 8, "netif_extra_info");
_Static_assert(offsetof(struct netif_extra_info, u.gso.size) == 2, "gso size");
_Static_assert(offsetof(struct netif_extra_info, u.gso.type) == 4, "gso type");
_Static_assert(offsetof(struct netif_extra_info, u.gso.features) == 6, "gso features");

struct netif_tx_response {
	uint16_t id;
	int16_t status;    /* NETIF_RSP_* */
};
_Static_assert(sizeof(struct netif_tx_response) == 4, "netif_tx_response");

struct netif_rx_request {
	uint16_t id;       /* echoed in the response */
	uint16_t pad;
	uint32_t gref;     /* an empty page for the backend to fill */
};
_Static_assert(sizeof(struct netif_rx_request) == 8, "netif_rx_request");
_Static_assert(offsetof(struct netif_rx_request, gref) == 4, "rx gref");

struct netif_rx_response {
	uint16_t id;
	uint16_t offset;   /* of the data within the page */
	uint16_t flags;    /* NETRXF_* */
	int16_t status;    /* bytes in this slot, or NETIF_RSP_* < 0 */
};
_Static_assert(sizeof(struct netif_rx_response) == 8, "netif_rx_response");
_Static_assert(offsetof(struct netif_rx_response, flags) == 4, "rx flags");
_Static_assert(offsetof(struct netif_rx_response, status) == 6, "rx status");

union netif_tx_sring_entry {
	struct netif_tx_request req;
	struct netif_tx_response rsp;
	struct netif_extra_info extra;
};
_Static_assert(sizeof(union netif_tx_sring_entry) == 12, "tx ring entry");

union netif_rx_sring_entry {
	struct netif_rx_request req;
	struct netif_rx_response rsp;
	struct netif_extra_info extra;
};
_Static_assert(sizeof(union netif_rx_sring_entry) == 8, "rx ring entry");

/* One page per ring: 256 entries each (the header is 64 bytes). */
#define NET_TX_RING_SIZE 256u
#define NET_RX_RING_SIZE 256u

#endif
