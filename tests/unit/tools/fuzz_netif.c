/*
 * A hostile frontend against the network backend's TX ring parsing and
 * frame handling (tools/backends/net). The input is the TX ring page the
 * frontend controls, the MTU, and a frame with the guest's flags and GSO
 * info, plus a virtio-net header for the receive direction; the same bytes
 * as an RX ring of posted buffers for frames of any size. Every packet
 * taken must stay within its pages and add up; every header produced must
 * point inside the frame; every ring entry taken must be answered once;
 * frames must land whole, a page per buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net_pkt.h"
#include "net_rx.h"
#include "net_tx.h"

#define PAGE 4096

static void check_packet(const struct net_tx_pkt *p, unsigned max_frame)
{
	unsigned sum = 0;

	if (p->nslots == 0 || p->nslots > NET_TX_MAX_SLOTS || p->nextras > NET_TX_MAX_EXTRAS)
		abort();
	for (unsigned i = 0; i < p->nslots; i++) {
		if ((unsigned)p->slot[i].offset + p->slot[i].len > PAGE)
			abort();
		sum += p->slot[i].len;
	}
	if (sum != p->size || p->size < NET_ETH_HLEN)
		abort();
	if (p->meta.gso_type == XEN_NETIF_GSO_TYPE_NONE && p->size > max_frame)
		abort();
}

static void ring_round(const uint8_t *data, size_t size, unsigned max_frame)
{
	static uint8_t ring_page[PAGE] __attribute__((aligned(PAGE)));
	static struct net_tx_pkt pkt;
	struct back_ring ring;
	enum net_tx_refusal why;
	uint32_t taken = 0;

	memset(ring_page, 0, sizeof(ring_page));
	memcpy(ring_page, data, size < PAGE ? size : PAGE);
	/* A consistent start: nothing answered yet, the producer as given. */
	((struct xen_sring_hdr *)ring_page)->rsp_prod = 0;
	if (back_ring_attach(&ring, ring_page, 1, sizeof(union netif_tx_sring_entry)))
		abort();
	for (int i = 0; i < 600; i++) {
		uint32_t before = ring.req_cons;
		int rc = net_tx_take(&ring, max_frame, &pkt, &why);

		if (rc <= 0)
			break;
		if (why == NET_TX_ACCEPTED) {
			check_packet(&pkt, max_frame);
			if (ring.req_cons - before != pkt.nslots + pkt.nextras)
				abort();
			net_tx_answer(&ring, &pkt, NETIF_RSP_OKAY);
		}
		taken += ring.req_cons - before;
		/* Every entry taken has exactly one answer. */
		if (ring.rsp_prod_pvt != ring.req_cons)
			abort();
		back_ring_push(&ring);
	}
	(void)taken;
}

static void frame_round(const uint8_t *data, size_t size)
{
	static uint8_t frame[65536 + 64];
	struct net_tx_meta m;
	struct virtio_net_hdr h;
	struct net_fe_caps caps;
	struct net_rx_meta rx;
	size_t len, avail;

	if (size < 16)
		return;
	m.flags = data[0];
	m.gso_type = data[1] & 3;
	m.gso_size = (uint16_t)(data[2] | data[3] << 8);
	memcpy(&h, data + 4, sizeof(h));
	caps = (struct net_fe_caps){ data[14] & 1, (data[14] >> 1) & 1, (data[14] >> 2) & 1,
				     (data[14] >> 3) & 1 };
	avail = data[15];
	data += 16;
	size -= 16;
	len = size < sizeof(frame) ? size : sizeof(frame);
	memcpy(frame, data, len);
	if (net_tx_vnet_hdr(frame, avail < len ? avail : len, len, &m, &h) == NET_TX_OK) {
		if ((h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
		    (size_t)h.csum_start + h.csum_offset + 2 > len)
			abort();
		if (h.gso_type != VIRTIO_NET_HDR_GSO_NONE &&
		    (h.gso_size == 0 || h.hdr_len >= len || !(h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)))
			abort();
	}
	/* From a tap, the header is the kernel's; still nothing may go astray. */
	memcpy(&h, data - 12, sizeof(h));
	if (net_rx_meta_from_vnet(&h, frame, len, &caps, &rx) == 0 && rx.has_gso &&
	    rx.gso.u.gso.size == 0)
		abort();
}

static void rx_round(const uint8_t *data, size_t size)
{
	static uint8_t ring_page[PAGE] __attribute__((aligned(PAGE)));
	static uint8_t frame[NET_RX_FRAME_PAGES * PAGE];
	static struct tc_gcopy g[NET_RX_FRAME_PAGES];
	static struct net_rx_frame f;
	struct back_ring ring;
	size_t copied = 0;
	int avail;

	if (size < 3)
		return;
	memset(&f, 0, sizeof(f));
	f.data = frame;
	f.len = 1 + ((size_t)(data[0] | data[1] << 8) * 17) % (sizeof(frame) - 1);
	f.meta.has_gso = data[2] & 1;
	f.nslots = net_rx_slots(&f);
	memset(ring_page, 0, sizeof(ring_page));
	memcpy(ring_page, data, size < PAGE ? size : PAGE);
	((struct xen_sring_hdr *)ring_page)->rsp_prod = 0;
	if (back_ring_attach(&ring, ring_page, 1, sizeof(union netif_rx_sring_entry)))
		abort();
	avail = back_ring_pending(&ring);
	if (avail < 0 || (unsigned)avail < f.nslots)
		return;
	net_rx_place(&ring, &f, 0, 1, g);
	if (f.ncopies != f.nslots - (unsigned)f.meta.has_gso || f.nslots > NET_RX_FRAME_PAGES + 1)
		abort();
	for (unsigned i = 0; i < f.ncopies; i++) {
		if (g[i].len == 0 || g[i].len > PAGE || (uint8_t *)g[i].local != frame + copied)
			abort();
		copied += g[i].len;
	}
	if (copied != f.len)
		abort();
	net_rx_answer(&ring, &f, data[2] & 2);
	if (ring.rsp_prod_pvt != ring.req_cons || ring.req_cons != f.nslots)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned max_frame;

	if (size < 2)
		return 0;
	max_frame = 60u + (unsigned)(data[0] | data[1] << 8);
	data += 2;
	size -= 2;
	if (size > PAGE) {
		ring_round(data, PAGE, max_frame);
		frame_round(data + PAGE, size - PAGE);
	} else {
		ring_round(data, size, max_frame);
		frame_round(data, size);
	}
	rx_round(data, size < PAGE ? size : PAGE);
	return 0;
}
