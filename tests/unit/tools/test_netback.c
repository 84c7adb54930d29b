/*
 * The network backend's pure parts (tools/backends/net): a TX ring as a
 * hostile frontend may fill it, finding the headers of guest frames,
 * virtio-net headers both ways, checksums, and the rate limit.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net_credit.h"
#include "net_pkt.h"
#include "net_rx.h"
#include "net_tx.h"

static uint8_t page[4096] __attribute__((aligned(4096)));
static struct back_ring ring;

static struct xen_sring_hdr *hdr(void)
{
	return (struct xen_sring_hdr *)page;
}

static union netif_tx_sring_entry *ent(unsigned i)
{
	return (union netif_tx_sring_entry *)(page + 64) + (i % NET_TX_RING_SIZE);
}

static int setup(void **state)
{
	(void)state;
	memset(page, 0, sizeof(page));
	assert_int_equal(back_ring_attach(&ring, page, 1, sizeof(union netif_tx_sring_entry)), 0);
	assert_int_equal(ring.nr_ents, NET_TX_RING_SIZE);
	return 0;
}

static void put_req(unsigned i, uint32_t gref, uint16_t off, uint16_t flags, uint16_t id,
		    uint16_t size)
{
	struct netif_tx_request r = { gref, off, flags, id, size };

	memcpy(&ent(i)->req, &r, sizeof(r));
}

static void put_gso(unsigned i, uint8_t type, uint16_t size, uint8_t flags)
{
	struct netif_extra_info x;

	memset(&x, 0, sizeof(x));
	x.type = XEN_NETIF_EXTRA_TYPE_GSO;
	x.flags = flags;
	x.u.gso.type = type;
	x.u.gso.size = size;
	memcpy(&ent(i)->extra, &x, sizeof(x));
}

static struct netif_tx_response rsp(unsigned i)
{
	struct netif_tx_response r;

	memcpy(&r, &ent(i)->rsp, sizeof(r));
	return r;
}

static struct net_tx_pkt pkt;

/* ---- TX ring ---- */

static void test_tx_one_slot_packet(void **state)
{
	enum net_tx_refusal why;

	(void)state;
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 0);
	put_req(0, 77, 100, NETTXF_csum_blank, 5, 60);
	hdr()->req_prod = 1;
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(why, NET_TX_ACCEPTED);
	assert_int_equal(pkt.nslots, 1);
	assert_int_equal(pkt.slot[0].gref, 77);
	assert_int_equal(pkt.slot[0].offset, 100);
	assert_int_equal(pkt.slot[0].len, 60);
	assert_int_equal(pkt.meta.flags, NETTXF_csum_blank);
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 0);
	net_tx_answer(&ring, &pkt, NETIF_RSP_OKAY);
	hdr()->rsp_event = 1;
	assert_int_equal(back_ring_push(&ring), 1);
	assert_int_equal(rsp(0).id, 5);
	assert_int_equal(rsp(0).status, NETIF_RSP_OKAY);
}

/* netfront's GSO packet: header slot, GSO extra, then full pages. */
static void test_tx_gso_packet_of_eighteen_slots(void **state)
{
	enum net_tx_refusal why;
	unsigned total = 200 + 17 * 3800;

	(void)state;
	put_req(0, 10, 3896, NETTXF_csum_blank | NETTXF_extra_info | NETTXF_more_data, 0,
		(uint16_t)total);
	put_gso(1, XEN_NETIF_GSO_TYPE_TCPV4, 1448, 0);
	for (unsigned i = 1; i < 18; i++)
		put_req(i + 1, 10 + i, 0, i < 17 ? NETTXF_more_data : 0, (uint16_t)i, 3800);
	hdr()->req_prod = 19;
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(why, NET_TX_ACCEPTED);
	assert_int_equal(pkt.nslots, 18);
	assert_int_equal(pkt.nextras, 1);
	assert_int_equal(pkt.slot[0].len, 200); /* what the other slots do not hold */
	assert_int_equal(pkt.slot[17].gref, 27);
	assert_int_equal(pkt.meta.gso_type, XEN_NETIF_GSO_TYPE_TCPV4);
	assert_int_equal(pkt.meta.gso_size, 1448);
	assert_int_equal(ring.req_cons, 19);
	/* Answers: the first, NULL for the extra, then the rest. */
	net_tx_answer(&ring, &pkt, NETIF_RSP_OKAY);
	assert_int_equal(rsp(0).id, 0);
	assert_int_equal(rsp(1).status, NETIF_RSP_NULL);
	assert_int_equal(rsp(2).id, 1);
	assert_int_equal(rsp(18).id, 17);
}

static void test_tx_refuses_runts_and_goes_on(void **state)
{
	enum net_tx_refusal why;

	(void)state;
	put_req(0, 1, 0, 0, 1, 0);        /* zero-length */
	put_req(1, 2, 0, 0, 2, 13);       /* shorter than an Ethernet header */
	put_req(2, 3, 0, 0, 3, 60);
	hdr()->req_prod = 3;
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(why, NET_TX_RUNT);
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(why, NET_TX_RUNT);
	assert_int_equal(rsp(0).status, NETIF_RSP_ERROR);
	assert_int_equal(rsp(1).id, 2);
	assert_int_equal(rsp(1).status, NETIF_RSP_ERROR);
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(why, NET_TX_ACCEPTED);
	assert_int_equal(pkt.slot[0].gref, 3);
}

static void test_tx_oversize_only_without_gso(void **state)
{
	enum net_tx_refusal why;

	(void)state;
	put_req(0, 1, 0, NETTXF_more_data, 1, 3000);
	put_req(1, 2, 0, 0, 2, 1000);
	put_req(2, 3, 0, NETTXF_extra_info | NETTXF_more_data | NETTXF_csum_blank, 3, 3000);
	put_gso(3, XEN_NETIF_GSO_TYPE_TCPV6, 1400, 0);
	put_req(4, 4, 0, 0, 4, 1000);
	hdr()->req_prod = 5;
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(why, NET_TX_OVERSIZE);
	assert_int_equal(rsp(0).status, NETIF_RSP_ERROR);
	assert_int_equal(rsp(1).status, NETIF_RSP_ERROR);
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(why, NET_TX_ACCEPTED);
	assert_int_equal(pkt.slot[0].len, 2000);
}

static void test_tx_bad_slots(void **state)
{
	enum net_tx_refusal why;
	unsigned i;

	(void)state;
	/* 33 slots: one more than taken. All answered, none kept. */
	for (i = 0; i < NET_TX_MAX_SLOTS + 1; i++)
		put_req(i, i, 0, i < NET_TX_MAX_SLOTS ? NETTXF_more_data : 0, (uint16_t)i, 60);
	put_req(0, 0, 0, NETTXF_more_data, 0, 60 * (NET_TX_MAX_SLOTS + 1));
	/* A slot past its page; sizes that exceed the whole. */
	put_req(i, 1, 4000, NETTXF_more_data, 100, 200);
	put_req(i + 1, 2, 4000, 0, 101, 100);
	put_req(i + 2, 3, 0, NETTXF_more_data, 102, 60);
	put_req(i + 3, 4, 0, 0, 103, 61);
	hdr()->req_prod = i + 4;
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(why, NET_TX_BAD_SLOTS);
	assert_int_equal(ring.req_cons, NET_TX_MAX_SLOTS + 1);
	assert_int_equal(ring.rsp_prod_pvt, NET_TX_MAX_SLOTS + 1);
	assert_int_equal(rsp(NET_TX_MAX_SLOTS).id, NET_TX_MAX_SLOTS);
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(why, NET_TX_BAD_SLOTS);
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(why, NET_TX_BAD_SLOTS);
	assert_int_equal(ring.req_cons, i + 4);
}

static void test_tx_bad_extras(void **state)
{
	enum net_tx_refusal why;
	struct netif_extra_info x;

	(void)state;
	put_req(0, 1, 0, NETTXF_extra_info, 1, 60);
	memset(&x, 0, sizeof(x));
	x.type = 9;
	memcpy(&ent(1)->extra, &x, sizeof(x));
	put_req(2, 1, 0, NETTXF_extra_info | NETTXF_csum_blank, 2, 60);
	put_gso(3, XEN_NETIF_GSO_TYPE_TCPV4, 0, 0); /* a GSO size of 0 */
	put_req(4, 1, 0, NETTXF_extra_info | NETTXF_csum_blank, 3, 60);
	put_gso(5, 7, 1000, 0);                      /* an unknown GSO type */
	hdr()->req_prod = 6;
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(why, NET_TX_BAD_EXTRA);
	assert_int_equal(rsp(0).status, NETIF_RSP_ERROR);
	assert_int_equal(rsp(1).status, NETIF_RSP_NULL);
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(why, NET_TX_BAD_GSO_INFO);
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(why, NET_TX_BAD_GSO_INFO);
	assert_int_equal(ring.req_cons, 6);
}

static void test_tx_waits_for_the_rest_of_a_packet(void **state)
{
	enum net_tx_refusal why;

	(void)state;
	put_req(0, 1, 0, NETTXF_more_data, 1, 100);
	hdr()->req_prod = 1;
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 0);
	assert_int_equal(ring.req_cons, 0);
	put_req(1, 2, 0, 0, 2, 40);
	hdr()->req_prod = 2;
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), 1);
	assert_int_equal(pkt.nslots, 2);
	assert_int_equal(pkt.slot[0].len, 60);
}

/* Half a packet posted: the backend asks to hear of the producer's next
 * move, not of requests it already has (which would wake it forever). */
static void test_ring_awaits_more(void **state)
{
	(void)state;
	put_req(0, 1, 0, NETTXF_more_data, 1, 100);
	hdr()->req_prod = 1;
	assert_int_equal(back_ring_await_more(&ring), 0);
	assert_int_equal(hdr()->req_event, 2);
	assert_int_equal(back_ring_final_check(&ring), 1); /* what final_check would say */
}

static void test_tx_broken_rings(void **state)
{
	enum net_tx_refusal why;

	(void)state;
	/* A chain as long as the whole ring never ends. */
	for (unsigned i = 0; i < NET_TX_RING_SIZE; i++)
		put_req(i, i, 0, NETTXF_more_data, (uint16_t)i, 10);
	hdr()->req_prod = NET_TX_RING_SIZE;
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), -EPROTO);
	/* A producer beyond what the ring holds. */
	setup(NULL);
	hdr()->req_prod = NET_TX_RING_SIZE + 1;
	assert_int_equal(net_tx_take(&ring, 1518, &pkt, &why), -EPROTO);
}

/* ---- frames ---- */

/* An Ethernet frame: IPv4 (ihl 5) or IPv6, then TCP (data offset 5) or UDP. */
static size_t frame(uint8_t *f, int v6, uint8_t proto, size_t payload)
{
	size_t l3 = v6 ? 40 : 20, l4 = proto == 6 ? 20 : 8, len = 14 + l3 + l4 + payload;

	memset(f, 0, len);
	f[12] = v6 ? 0x86 : 0x08;
	f[13] = v6 ? 0xdd : 0x00;
	if (v6) {
		f[14] = 0x60;
		f[14 + 4] = (uint8_t)((l4 + payload) >> 8);
		f[14 + 5] = (uint8_t)(l4 + payload);
		f[14 + 6] = proto;
	} else {
		f[14] = 0x45;
		f[16] = (uint8_t)((l3 + l4 + payload) >> 8);
		f[17] = (uint8_t)(l3 + l4 + payload);
		f[14 + 9] = proto;
	}
	if (proto == 6)
		f[14 + l3 + 12] = 5 << 4;
	for (size_t i = 0; i < payload; i++)
		f[14 + l3 + l4 + i] = (uint8_t)(i * 7 + 1);
	return len;
}

static uint8_t fr[2048];

static void test_l4_find(void **state)
{
	struct net_l4 l4;
	size_t n;

	(void)state;
	n = frame(fr, 0, 6, 10);
	assert_int_equal(net_l4_find(fr, n, &l4), 0);
	assert_int_equal(l4.family, 4);
	assert_int_equal(l4.l4_off, 34);
	assert_int_equal(l4.l4_len, 20);
	n = frame(fr, 1, 17, 10);
	assert_int_equal(net_l4_find(fr, n, &l4), 0);
	assert_int_equal(l4.family, 6);
	assert_int_equal(l4.l4_off, 54);
	assert_int_equal(l4.proto, 17);
	/* An IPv6 hop-by-hop header (8 bytes) before UDP. */
	memmove(fr + 62, fr + 54, n - 54);
	fr[20] = 0;
	fr[54] = 17;
	fr[55] = 0;
	assert_int_equal(net_l4_find(fr, n + 8, &l4), 0);
	assert_int_equal(l4.l4_off, 62);
	/* A VLAN tag. */
	n = frame(fr + 4, 0, 6, 0);
	memmove(fr, fr + 4, 12);
	fr[12] = 0x81;
	fr[13] = 0x00;
	fr[16] = 0x08;
	fr[17] = 0x00;
	assert_int_equal(net_l4_find(fr, n + 4, &l4), 0);
	assert_int_equal(l4.l4_off, 38);
	/* A fragment, ICMP, ARP, truncated and impossible headers. */
	n = frame(fr, 0, 6, 10);
	fr[20] = 0x20; /* more fragments */
	assert_int_equal(net_l4_find(fr, n, &l4), -EPROTONOSUPPORT);
	n = frame(fr, 0, 1, 10);
	assert_int_equal(net_l4_find(fr, n, &l4), -EPROTONOSUPPORT);
	fr[12] = 0x08;
	fr[13] = 0x06;
	assert_int_equal(net_l4_find(fr, 60, &l4), -EPROTONOSUPPORT);
	n = frame(fr, 0, 6, 0);
	assert_int_equal(net_l4_find(fr, n - 1, &l4), -EINVAL);
	fr[14] = 0x44; /* ihl 4: shorter than an IPv4 header */
	assert_int_equal(net_l4_find(fr, n, &l4), -EINVAL);
	n = frame(fr, 0, 6, 10);
	fr[14 + 20 + 12] = 2 << 4; /* TCP data offset 2 */
	assert_int_equal(net_l4_find(fr, n, &l4), -EINVAL);
}

static void test_tx_vnet_headers(void **state)
{
	struct net_tx_meta m = { NETTXF_csum_blank, 0, 0 };
	struct virtio_net_hdr h;
	size_t n = frame(fr, 0, 6, 1000);

	(void)state;
	assert_int_equal(net_tx_vnet_hdr(fr, n, n, &m, &h), NET_TX_OK);
	assert_int_equal(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(h.csum_start, 34);
	assert_int_equal(h.csum_offset, 16);
	assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	m = (struct net_tx_meta){ NETTXF_data_validated, 0, 0 };
	assert_int_equal(net_tx_vnet_hdr(fr, n, n, &m, &h), NET_TX_OK);
	assert_int_equal(h.flags, VIRTIO_NET_HDR_F_DATA_VALID);
	/* GSO: only what the headers say, with a blank checksum and payload. */
	m = (struct net_tx_meta){ NETTXF_csum_blank, XEN_NETIF_GSO_TYPE_TCPV4, 500 };
	assert_int_equal(net_tx_vnet_hdr(fr, 128, n, &m, &h), NET_TX_OK);
	assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(h.gso_size, 500);
	assert_int_equal(h.hdr_len, 54);
	m.gso_type = XEN_NETIF_GSO_TYPE_TCPV6;
	assert_int_equal(net_tx_vnet_hdr(fr, n, n, &m, &h), NET_TX_BAD_GSO);
	m = (struct net_tx_meta){ 0, XEN_NETIF_GSO_TYPE_TCPV4, 500 };
	assert_int_equal(net_tx_vnet_hdr(fr, n, n, &m, &h), NET_TX_BAD_GSO);
	m = (struct net_tx_meta){ NETTXF_csum_blank, XEN_NETIF_GSO_TYPE_TCPV4, 500 };
	assert_int_equal(net_tx_vnet_hdr(fr, 54, 54, &m, &h), NET_TX_BAD_GSO); /* no payload */
	n = frame(fr, 0, 17, 100);
	assert_int_equal(net_tx_vnet_hdr(fr, n, n, &m, &h), NET_TX_BAD_GSO); /* UDP */
	m = (struct net_tx_meta){ NETTXF_csum_blank, 0, 0 };
	assert_int_equal(net_tx_vnet_hdr(fr, n, n, &m, &h), NET_TX_OK);
	assert_int_equal(h.csum_offset, 6);
	n = frame(fr, 0, 1, 100);
	assert_int_equal(net_tx_vnet_hdr(fr, n, n, &m, &h), NET_TX_BAD_CSUM);
}

/* The one's complement sum of frame[from..to) plus extra, folded. */
static uint16_t ones_sum(const uint8_t *f, size_t from, size_t to, uint32_t extra)
{
	uint32_t s = extra;

	for (size_t i = from; i < to; i += 2)
		s += (uint32_t)f[i] << 8 | (i + 1 < to ? f[i + 1] : 0);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void test_checksum_fill(void **state)
{
	size_t n = frame(fr, 0, 17, 33);
	uint32_t pseudo = 17 + (n - 34); /* zero addresses: protocol + length */
	uint16_t field;

	(void)state;
	/* Linux's partial checksum: the pseudo-header sum in the field. */
	fr[34 + 6] = (uint8_t)(pseudo >> 8);
	fr[34 + 7] = (uint8_t)pseudo;
	assert_int_equal(net_csum_fill(fr, n, 34, 6, 1), 0);
	/* The receiver's check: the whole segment plus the pseudo-header sums to 0xffff. */
	field = (uint16_t)(fr[40] << 8 | fr[41]);
	fr[40] = fr[41] = 0;
	assert_int_equal(ones_sum(fr, 34, n, pseudo + field), 0xffff);
	assert_int_equal(net_csum_fill(fr, n, n - 1, 0, 0), -EINVAL);
	assert_int_equal(net_csum_fill(fr, n, n + 1, 0, 0), -EINVAL);
}

static void test_rx_meta(void **state)
{
	struct net_fe_caps all = { 1, 1, 1, 1 }, no_v6 = { 1, 0, 1, 0 };
	struct virtio_net_hdr h;
	struct net_rx_meta m;
	uint32_t pseudo;
	uint16_t field;
	size_t n;

	(void)state;
	memset(&h, 0, sizeof(h));
	n = frame(fr, 1, 6, 100);
	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h.csum_start = 54;
	h.csum_offset = 16;
	assert_int_equal(net_rx_meta_from_vnet(&h, fr, n, &all, &m), 0);
	assert_int_equal(m.flags, NETRXF_csum_blank | NETRXF_data_validated);
	assert_false(m.has_gso);
	/* A frontend without IPv6 checksum offload gets it filled in, so that
	 * the receiver's check (segment plus pseudo-header: zero addresses,
	 * length, next header) comes to 0xffff. The field starts as Linux
	 * leaves it: the pseudo-header's sum. */
	pseudo = (uint32_t)(n - 54) + 6;
	fr[54 + 16] = (uint8_t)(pseudo >> 8);
	fr[54 + 17] = (uint8_t)pseudo;
	assert_int_equal(net_rx_meta_from_vnet(&h, fr, n, &no_v6, &m), 0);
	assert_int_equal(m.flags, NETRXF_data_validated);
	field = (uint16_t)(fr[54 + 16] << 8 | fr[54 + 17]);
	fr[54 + 16] = fr[54 + 17] = 0;
	assert_int_equal(ones_sum(fr, 54, n, pseudo + field), 0xffff);
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	h.gso_size = 1440;
	assert_int_equal(net_rx_meta_from_vnet(&h, fr, n, &no_v6, &m), -EINVAL);
	assert_int_equal(net_rx_meta_from_vnet(&h, fr, n, &all, &m), 0);
	assert_true(m.has_gso);
	assert_int_equal(m.gso.type, XEN_NETIF_EXTRA_TYPE_GSO);
	assert_int_equal(m.gso.u.gso.type, XEN_NETIF_GSO_TYPE_TCPV6);
	assert_int_equal(m.gso.u.gso.size, 1440);
	h.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	assert_int_equal(net_rx_meta_from_vnet(&h, fr, n, &all, &m), -EINVAL);
	memset(&h, 0, sizeof(h));
	h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	assert_int_equal(net_rx_meta_from_vnet(&h, fr, n, &all, &m), 0);
	assert_int_equal(m.flags, NETRXF_data_validated);
}

/* ---- RX ring ---- */

static uint8_t rxpage[4096] __attribute__((aligned(4096)));
static uint8_t rxdata[NET_RX_FRAME_PAGES * 4096];

static union netif_rx_sring_entry *rxent(unsigned i)
{
	return (union netif_rx_sring_entry *)(rxpage + 64) + (i % NET_RX_RING_SIZE);
}

/* An RX ring with n posted buffers: ids 100+i, grants 500+i. */
static void rx_ring(struct back_ring *r, unsigned n)
{
	memset(rxpage, 0, sizeof(rxpage));
	assert_int_equal(back_ring_attach(r, rxpage, 1, sizeof(union netif_rx_sring_entry)), 0);
	assert_int_equal(r->nr_ents, NET_RX_RING_SIZE);
	for (unsigned i = 0; i < n; i++) {
		struct netif_rx_request q = { (uint16_t)(100 + i), 0, 500 + i };

		memcpy(&rxent(i)->req, &q, sizeof(q));
	}
	((struct xen_sring_hdr *)rxpage)->req_prod = n;
}

static struct netif_rx_response rxrsp(unsigned i)
{
	struct netif_rx_response r;

	memcpy(&r, &rxent(i)->rsp, sizeof(r));
	return r;
}

static void test_rx_responses_take_their_requests_slots(void **state)
{
	struct net_rx_frame f = { .data = rxdata, .len = 6000 };
	struct tc_gcopy g[NET_RX_FRAME_PAGES];
	struct back_ring r;

	(void)state;
	rx_ring(&r, 8);
	/* A first frame of one slot, then one of two placed after it. */
	f.len = 60;
	f.meta.flags = NETRXF_data_validated;
	f.nslots = net_rx_slots(&f);
	assert_int_equal(f.nslots, 1);
	net_rx_place(&r, &f, 0, 7, g);
	net_rx_answer(&r, &f, 1);
	f.len = 6000;
	f.meta.flags = 0;
	f.nslots = net_rx_slots(&f);
	assert_int_equal(f.nslots, 2);
	net_rx_place(&r, &f, 0, 7, g);
	assert_int_equal(f.ncopies, 2);
	assert_int_equal(g[0].ref, 501);
	assert_int_equal(g[0].len, 4096);
	assert_int_equal(g[0].domid, 7);
	assert_true(g[0].to_foreign);
	assert_ptr_equal(g[1].local, rxdata + 4096);
	assert_int_equal(g[1].ref, 502);
	assert_int_equal(g[1].len, 1904);
	net_rx_answer(&r, &f, 1);
	assert_int_equal(r.req_cons, 3);
	assert_int_equal(rxrsp(0).id, 100);
	assert_int_equal(rxrsp(0).status, 60);
	assert_int_equal(rxrsp(0).flags, NETRXF_data_validated);
	assert_int_equal(rxrsp(1).id, 101);
	assert_int_equal(rxrsp(1).flags, NETRXF_more_data);
	assert_int_equal(rxrsp(1).status, 4096);
	assert_int_equal(rxrsp(2).id, 102);
	assert_int_equal(rxrsp(2).flags, 0);
	assert_int_equal(rxrsp(2).status, 1904);
	assert_int_equal(rxrsp(2).offset, 0);
}

static void test_rx_gso_extra_follows_the_first_slot(void **state)
{
	struct net_rx_frame f = { .data = rxdata, .len = 10000 };
	struct tc_gcopy g[NET_RX_FRAME_PAGES];
	struct netif_extra_info x;
	struct back_ring r;

	(void)state;
	rx_ring(&r, 8);
	f.meta.flags = NETRXF_csum_blank | NETRXF_data_validated;
	f.meta.has_gso = 1;
	f.meta.gso.type = XEN_NETIF_EXTRA_TYPE_GSO;
	f.meta.gso.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
	f.meta.gso.u.gso.size = 1448;
	f.nslots = net_rx_slots(&f);
	assert_int_equal(f.nslots, 4);
	net_rx_place(&r, &f, 0, 7, g);
	assert_int_equal(f.ncopies, 3);
	assert_int_equal(g[0].ref, 500); /* the extra's slot's buffer stays empty */
	assert_int_equal(g[1].ref, 502);
	assert_int_equal(g[2].ref, 503);
	assert_int_equal(g[2].len, 10000 - 8192);
	net_rx_answer(&r, &f, 1);
	assert_int_equal(rxrsp(0).flags, NETRXF_csum_blank | NETRXF_data_validated |
					 NETRXF_extra_info | NETRXF_more_data);
	memcpy(&x, &rxent(1)->extra, sizeof(x));
	assert_int_equal(x.type, XEN_NETIF_EXTRA_TYPE_GSO);
	assert_int_equal(x.flags, 0);
	assert_int_equal(x.u.gso.size, 1448);
	assert_int_equal(rxrsp(2).id, 102);
	assert_int_equal(rxrsp(2).flags, NETRXF_more_data);
	assert_int_equal(rxrsp(3).id, 103);
	assert_int_equal(rxrsp(3).flags, 0);
	assert_int_equal(rxrsp(3).status, 10000 - 8192);
}

static void test_rx_failed_copy_answers_errors(void **state)
{
	struct net_rx_frame f = { .data = rxdata, .len = 5000 };
	struct tc_gcopy g[NET_RX_FRAME_PAGES];
	struct back_ring r;

	(void)state;
	rx_ring(&r, 4);
	f.nslots = net_rx_slots(&f);
	net_rx_place(&r, &f, 0, 7, g);
	net_rx_answer(&r, &f, 0);
	assert_int_equal(rxrsp(0).status, NETIF_RSP_ERROR);
	assert_int_equal(rxrsp(0).flags, NETRXF_more_data); /* the chain stays whole */
	assert_int_equal(rxrsp(1).status, NETIF_RSP_ERROR);
	assert_int_equal(r.req_cons, 2);
}

/* ---- rate limit ---- */

/* What tx_round does with a packet it takes: check, then charge. */
static int credit_take(struct net_credit *c, uint64_t len, uint64_t now_us)
{
	if (!net_credit_covers(c, len, now_us))
		return 0;
	net_credit_charge(c, len);
	return 1;
}

static void test_credit(void **state)
{
	struct net_credit c;
	uint64_t bytes, us;

	(void)state;
	assert_int_equal(net_credit_parse("25000,20000", &bytes, &us), 0);
	assert_int_equal(bytes, 25000);
	assert_int_equal(us, 20000);
	assert_int_equal(net_credit_parse("25000", &bytes, &us), -EINVAL);
	assert_int_equal(net_credit_parse("1,0", &bytes, &us), -EINVAL);
	assert_int_equal(net_credit_parse("x,1", &bytes, &us), -EINVAL);
	net_credit_init(&c, 0, 0, 0);
	assert_int_equal(credit_take(&c, 1u << 20, 0), 1); /* no limit */
	net_credit_init(&c, 3000, 20000, 1000);
	/* Looking at a packet (one not wholly posted yet, say) costs nothing. */
	assert_int_equal(net_credit_covers(&c, 3000, 1000), 1);
	assert_int_equal(net_credit_covers(&c, 3000, 1000), 1);
	assert_int_equal(credit_take(&c, 1500, 1000), 1);
	assert_int_equal(credit_take(&c, 1500, 1000), 1);
	assert_int_equal(credit_take(&c, 1500, 1000), 0);
	assert_int_equal(net_credit_next(&c), 21000);
	assert_int_equal(credit_take(&c, 1500, 21000), 1);
	/* A 64 KiB packet passes once enough intervals' credit has built up. */
	assert_int_equal(credit_take(&c, 65536, 21000), 0);
	assert_int_equal(credit_take(&c, 65536, 21000 + 21 * 20000), 0);
	assert_int_equal(credit_take(&c, 65536, 21000 + 22 * 20000), 1);
	/* Idle time banks at most the cap (128 KiB here). */
	assert_int_equal(credit_take(&c, 131072, 10u * 1000 * 1000 * 1000), 1);
	assert_int_equal(credit_take(&c, 1, 10u * 1000 * 1000 * 1000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_tx_one_slot_packet, setup),
		cmocka_unit_test_setup(test_tx_gso_packet_of_eighteen_slots, setup),
		cmocka_unit_test_setup(test_tx_refuses_runts_and_goes_on, setup),
		cmocka_unit_test_setup(test_tx_oversize_only_without_gso, setup),
		cmocka_unit_test_setup(test_tx_bad_slots, setup),
		cmocka_unit_test_setup(test_tx_bad_extras, setup),
		cmocka_unit_test_setup(test_tx_waits_for_the_rest_of_a_packet, setup),
		cmocka_unit_test_setup(test_ring_awaits_more, setup),
		cmocka_unit_test_setup(test_tx_broken_rings, setup),
		cmocka_unit_test(test_rx_responses_take_their_requests_slots),
		cmocka_unit_test(test_rx_gso_extra_follows_the_first_slot),
		cmocka_unit_test(test_rx_failed_copy_answers_errors),
		cmocka_unit_test(test_l4_find),
		cmocka_unit_test(test_tx_vnet_headers),
		cmocka_unit_test(test_checksum_fill),
		cmocka_unit_test(test_rx_meta),
		cmocka_unit_test(test_credit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
