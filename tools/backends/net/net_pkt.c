/* Ethernet frames: transport headers, virtio-net headers, checksums (net_pkt.h). */
#include <errno.h>
#include <string.h>

#include "net_pkt.h"

#define NET_P_IPV4 0x0800
#define NET_P_IPV6 0x86dd
#define NET_P_8021Q 0x8100
#define NET_PROTO_TCP 6
#define NET_PROTO_UDP 17

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* The transport header at off: its length, or -EINVAL if truncated. */
static int l4_header(const uint8_t *frame, size_t len, unsigned off, uint8_t proto, struct net_l4 *out)
{
	out->proto = proto;
	out->l4_off = off;
	if (proto == NET_PROTO_UDP) {
		if (len < (size_t)off + 8)
			return -EINVAL;
		out->l4_len = 8;
		return 0;
	}
	if (proto != NET_PROTO_TCP)
		return -EPROTONOSUPPORT;
	if (len < (size_t)off + 20)
		return -EINVAL;
	out->l4_len = (unsigned)(frame[off + 12] >> 4) * 4;
	if (out->l4_len < 20 || len < (size_t)off + out->l4_len)
		return -EINVAL;
	return 0;
}

static int ipv4(const uint8_t *frame, size_t len, unsigned off, struct net_l4 *out)
{
	unsigned ihl, total;

	if (len < (size_t)off + 20 || frame[off] >> 4 != 4)
		return -EINVAL;
	ihl = (unsigned)(frame[off] & 15) * 4;
	total = be16(frame + off + 2);
	if (ihl < 20 || total < ihl || len < (size_t)off + ihl)
		return -EINVAL;
	/* A fragment (more fragments, or an offset) has no whole L4 header to fill. */
	if (be16(frame + off + 6) & 0x3fff)
		return -EPROTONOSUPPORT;
	out->family = 4;
	return l4_header(frame, len, off + ihl, frame[off + 9], out);
}

static int ipv6(const uint8_t *frame, size_t len, unsigned off, struct net_l4 *out)
{
	uint8_t next;

	if (len < (size_t)off + 40 || frame[off] >> 4 != 6)
		return -EINVAL;
	out->family = 6;
	next = frame[off + 6];
	off += 40;
	/* Extension headers: hop-by-hop 0, routing 43, destination options 60,
	 * fragment 44, authentication 51. A bounded walk: each is >= 8 bytes. */
	for (int i = 0; i < 16; i++) {
		unsigned hlen;

		switch (next) {
		case 0:
		case 43:
		case 60:
			if (len < (size_t)off + 8)
				return -EINVAL;
			hlen = ((unsigned)frame[off + 1] + 1) * 8;
			break;
		case 44:
			if (len < (size_t)off + 8)
				return -EINVAL;
			if (be16(frame + off + 2) & 0xfff9)
				return -EPROTONOSUPPORT; /* a real fragment */
			hlen = 8;
			break;
		case 51:
			if (len < (size_t)off + 8)
				return -EINVAL;
			hlen = ((unsigned)frame[off + 1] + 2) * 4;
			break;
		default:
			return l4_header(frame, len, off, next, out);
		}
		next = frame[off];
		off += hlen;
	}
	return -EPROTONOSUPPORT;
}

int net_l4_find(const uint8_t *frame, size_t len, struct net_l4 *out)
{
	unsigned off = 12, type;

	memset(out, 0, sizeof(*out));
	if (len < NET_ETH_HLEN)
		return -EINVAL;
	type = be16(frame + off);
	if (type == NET_P_8021Q) {
		if (len < NET_ETH_HLEN + NET_VLAN_HLEN)
			return -EINVAL;
		off += NET_VLAN_HLEN;
		type = be16(frame + off);
	}
	off += 2;
	out->l3_off = off;
	if (type == NET_P_IPV4)
		return ipv4(frame, len, off, out);
	if (type == NET_P_IPV6)
		return ipv6(frame, len, off, out);
	return -EPROTONOSUPPORT;
}

enum net_tx_verdict net_tx_vnet_hdr(const uint8_t *frame, size_t avail, size_t total,
				    const struct net_tx_meta *m, struct virtio_net_hdr *h)
{
	struct net_l4 l4;
	int rc;

	memset(h, 0, sizeof(*h));
	if (m->gso_type != XEN_NETIF_GSO_TYPE_NONE && !(m->flags & NETTXF_csum_blank))
		return NET_TX_BAD_GSO; /* segments need their checksums filled in */
	if (!(m->flags & NETTXF_csum_blank)) {
		if (m->flags & NETTXF_data_validated)
			h->flags = VIRTIO_NET_HDR_F_DATA_VALID;
		return NET_TX_OK;
	}
	rc = net_l4_find(frame, avail < total ? avail : total, &l4);
	if (rc)
		return m->gso_type != XEN_NETIF_GSO_TYPE_NONE ? NET_TX_BAD_GSO : NET_TX_BAD_CSUM;
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->csum_start = (uint16_t)l4.l4_off;
	h->csum_offset = l4.proto == NET_PROTO_TCP ? 16 : 6;
	if (m->gso_type == XEN_NETIF_GSO_TYPE_NONE)
		return NET_TX_OK;
	/* The guest's GSO claim must match the frame and leave payload to cut. */
	if (l4.proto != NET_PROTO_TCP || m->gso_size == 0 ||
	    (m->gso_type == XEN_NETIF_GSO_TYPE_TCPV4 && l4.family != 4) ||
	    (m->gso_type == XEN_NETIF_GSO_TYPE_TCPV6 && l4.family != 6) ||
	    (m->gso_type != XEN_NETIF_GSO_TYPE_TCPV4 && m->gso_type != XEN_NETIF_GSO_TYPE_TCPV6) ||
	    total <= (size_t)l4.l4_off + l4.l4_len)
		return NET_TX_BAD_GSO;
	h->gso_type = m->gso_type == XEN_NETIF_GSO_TYPE_TCPV4 ? VIRTIO_NET_HDR_GSO_TCPV4 :
								  VIRTIO_NET_HDR_GSO_TCPV6;
	h->gso_size = m->gso_size;
	h->hdr_len = (uint16_t)(l4.l4_off + l4.l4_len);
	return NET_TX_OK;
}

int net_csum_fill(uint8_t *frame, size_t len, size_t start, size_t offset, int udp)
{
	uint32_t sum = 0;
	uint16_t folded;
	size_t i;

	if (start > len || offset + 2 > len - start)
		return -EINVAL;
	for (i = start; i + 1 < len; i += 2)
		sum += be16(frame + i);
	if (i < len)
		sum += (uint32_t)frame[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	folded = (uint16_t)~sum;
	if (udp && folded == 0)
		folded = 0xffff;
	frame[start + offset] = (uint8_t)(folded >> 8);
	frame[start + offset + 1] = (uint8_t)folded;
	return 0;
}

int net_rx_meta_from_vnet(const struct virtio_net_hdr *h, uint8_t *frame, size_t len,
			  const struct net_fe_caps *caps, struct net_rx_meta *out)
{
	unsigned gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	struct net_l4 l4;
	int family = 0, blank_ok;

	memset(out, 0, sizeof(*out));
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if (net_l4_find(frame, len, &l4) == 0)
			family = (int)l4.family;
		blank_ok = (family == 4 && caps->csum_v4) || (family == 6 && caps->csum_v6);
		if (blank_ok) {
			out->flags = NETRXF_csum_blank | NETRXF_data_validated;
		} else if (gso != VIRTIO_NET_HDR_GSO_NONE) {
			return -EINVAL; /* segments the frontend would have to checksum */
		} else {
			if (net_csum_fill(frame, len, h->csum_start, h->csum_offset,
					  family && l4.proto == NET_PROTO_UDP))
				return -EINVAL;
			out->flags = NETRXF_data_validated;
		}
	} else if (h->flags & VIRTIO_NET_HDR_F_DATA_VALID) {
		out->flags = NETRXF_data_validated;
	}
	if (gso == VIRTIO_NET_HDR_GSO_NONE)
		return 0;
	if ((gso == VIRTIO_NET_HDR_GSO_TCPV4 && !caps->gso_v4) ||
	    (gso == VIRTIO_NET_HDR_GSO_TCPV6 && !caps->gso_v6) ||
	    (gso != VIRTIO_NET_HDR_GSO_TCPV4 && gso != VIRTIO_NET_HDR_GSO_TCPV6) || h->gso_size == 0)
		return -EINVAL;
	out->has_gso = 1;
	out->gso.type = XEN_NETIF_EXTRA_TYPE_GSO;
	out->gso.u.gso.size = h->gso_size;
	out->gso.u.gso.type = gso == VIRTIO_NET_HDR_GSO_TCPV4 ? XEN_NETIF_GSO_TYPE_TCPV4 :
							      XEN_NETIF_GSO_TYPE_TCPV6;
	return 0;
}
