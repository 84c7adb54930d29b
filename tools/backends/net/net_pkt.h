/*
 * Ethernet frames as the backend sees them (pure: unit-tested and fuzzed).
 * A guest marks a packet "checksum blank" without saying where the
 * checksum is, and tap devices want that place (virtio-net's csum_start
 * and csum_offset) and, for segmentation, the length of the headers: so the
 * backend finds the L4 header itself, in frames whose every byte the guest
 * chose. Going the other way, a tap's virtio-net header becomes netif's RX
 * flags and GSO extra info, or a checksum filled in here when the guest
 * cannot take a blank one.
 */
#ifndef TERN_NET_PKT_H
#define TERN_NET_PKT_H

#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_net.h>
#include <xen/io/netif.h>

#define NET_ETH_HLEN 14
#define NET_VLAN_HLEN 4

/* Where a frame's transport header is. */
struct net_l4 {
	unsigned family;      /* 4 or 6 */
	unsigned l3_off;      /* IP header */
	unsigned l4_off;      /* TCP/UDP header */
	unsigned l4_len;      /* its length (TCP: data offset) */
	uint8_t proto;        /* 6 TCP, 17 UDP */
};

/* Finds the TCP or UDP header of an IPv4/IPv6 frame (one VLAN tag allowed,
 * IPv6 extension headers walked, fragments refused). 0, or -EINVAL for a
 * frame that is malformed or truncated, -EPROTONOSUPPORT for one without a
 * TCP/UDP header to checksum. */
int net_l4_find(const uint8_t *frame, size_t len, struct net_l4 *out);

/* Why a packet from a guest is not passed on (each one is counted). */
enum net_tx_verdict {
	NET_TX_OK,
	NET_TX_BAD_CSUM,      /* checksum blank, but no TCP/UDP header to fill it in */
	NET_TX_BAD_GSO,       /* GSO metadata that does not match the frame */
};

/* What the guest said about a packet: its first slot's flags and its GSO
 * extra info (gso_type NONE if there was none). */
struct net_tx_meta {
	uint16_t flags;       /* NETTXF_* */
	uint8_t gso_type;     /* XEN_NETIF_GSO_TYPE_* */
	uint16_t gso_size;
};

/* The virtio-net header for a guest's frame of total bytes, of which the
 * first avail are in frame (its headers), or why it cannot have one. */
enum net_tx_verdict net_tx_vnet_hdr(const uint8_t *frame, size_t avail, size_t total,
				    const struct net_tx_meta *m, struct virtio_net_hdr *h);

/* What the frontend can take on RX (its xenstore features). */
struct net_fe_caps {
	int csum_v4;          /* blank IPv4 checksums (netfront: always, unless feature-no-csum-offload) */
	int csum_v6;          /* feature-ipv6-csum-offload */
	int gso_v4, gso_v6;   /* feature-gso-tcpv4 / -tcpv6 */
};

/* netif's view of a frame from the tap. */
struct net_rx_meta {
	uint16_t flags;       /* NETRXF_csum_blank, NETRXF_data_validated */
	int has_gso;
	struct netif_extra_info gso;
};

/* Turns a tap frame's virtio-net header into RX flags and GSO info for a
 * frontend with caps, filling the checksum in (in frame) where the frontend
 * cannot take it blank. 0, or -EINVAL for a frame the frontend cannot be
 * given (GSO it did not ask for, a checksum that cannot be placed). */
int net_rx_meta_from_vnet(const struct virtio_net_hdr *h, uint8_t *frame, size_t len,
			  const struct net_fe_caps *caps, struct net_rx_meta *out);

/* Fills in the Internet checksum of frame[start..len) at start + offset,
 * whose field holds the pseudo-header sum (Linux's partial checksum). UDP's
 * zero becomes 0xffff. 0, or -EINVAL if the field is outside the frame. */
int net_csum_fill(uint8_t *frame, size_t len, size_t start, size_t offset, int udp);

#endif
