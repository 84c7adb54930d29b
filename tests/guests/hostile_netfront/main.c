/*
 * hostile_netfront: a domU that plays xen-netfront badly on its vif (made by
 * tests/system/test_net.py, in dom0's bridge). It connects as netfront does
 * and sends packets a frontend must never send: empty and runt packets, an
 * oversize one, chains of too many slots, a slot past its page, slot sizes
 * that do not add up, an extra-info slot of an unknown type, GSO info of
 * size 0, GSO and a blank checksum on a packet that is not TCP, a grant it
 * does not own; it posts a receive buffer it never granted, then good ones;
 * finally it claims 1000 more transmit requests than its ring holds.
 * Proves: tern-netback answers each bad packet's slots (errors, NULL for
 * extra-info slots) without stopping the ring: good frames before and after
 * go out, an ARP request reaches the network and its answer comes back into
 * a good receive buffer, a frame for a buffer it cannot write is answered
 * with an error, and a broken ring is ignored.
 * Cannot tell: the counters, the worker's survival and other guests'
 * traffic (the system test checks those).
 */
#include "lib.h"

#include <xen/io/netif.h>

const char test_title[] = "tern-netback against a hostile frontend";

enum {
	REF_TX_RING = 8, REF_RX_RING, REF_TX_DATA,
	REF_NEVER,       /* an entry never filled in */
	REF_RX_BUF,      /* RX_BUFS refs from here: the receive buffers */
};
#define RX_BUFS 8
#define ANSWER_NS (20 * NS_PER_SEC)
#define NO_ANSWER 1000 /* not a NETIF_RSP_* */

#define ETH_HLEN 14
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_LOCAL 0x88b5 /* IEEE's local experimental ethertype */
/* An address on QEMU's user network nobody else uses, and its gateway. */
static const uint8_t my_ip[4] = { 10, 0, 2, 200 }, gateway_ip[4] = { 10, 0, 2, 2 };

static uint8_t tx_ring_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t rx_ring_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t tx_data[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t rx_buf[RX_BUFS][PAGE_SIZE] __aligned(PAGE_SIZE);

static struct frontend fe;
static evtchn_port_t port;
static uint8_t mac[6];
static volatile struct xen_sring_hdr *tx_hdr, *rx_hdr;
static volatile union netif_tx_sring_entry *tx_slot;
static volatile union netif_rx_sring_entry *rx_slot;
static unsigned int tx_slots, rx_slots;
static uint32_t tx_prod, tx_cons, rx_prod, rx_cons;

static bool parse_mac(const char *s)
{
	for (unsigned int i = 0; i < 6; i++, s += 3) {
		unsigned int v = 0;

		for (unsigned int j = 0; j < 2; j++) {
			char c = s[j];

			v = v * 16 + (c >= 'a' ? (unsigned)(c - 'a' + 10) :
				      c >= 'A' ? (unsigned)(c - 'A' + 10) : (unsigned)(c - '0'));
		}
		mac[i] = (uint8_t)v;
		if (i < 5 && s[2] != ':')
			return false;
	}
	return true;
}

static bool connect(void)
{
	char value[32];

	if (!frontend_find(&fe, "vif", 0))
		return false;
	if (xs_read("device/vif/0/mac", value, sizeof(value)) < 0 || !parse_mac(value)) {
		test_error("no usable device/vif/0/mac");
		return false;
	}
	tx_hdr = (volatile struct xen_sring_hdr *)tx_ring_page;
	rx_hdr = (volatile struct xen_sring_hdr *)rx_ring_page;
	tx_slot = (volatile union netif_tx_sring_entry *)(tx_ring_page + sizeof(*tx_hdr));
	rx_slot = (volatile union netif_rx_sring_entry *)(rx_ring_page + sizeof(*rx_hdr));
	tx_slots = xen_ring_entries(PAGE_SIZE, sizeof(union netif_tx_sring_entry));
	rx_slots = xen_ring_entries(PAGE_SIZE, sizeof(union netif_rx_sring_entry));
	tx_hdr->req_event = tx_hdr->rsp_event = 1;
	rx_hdr->req_event = rx_hdr->rsp_event = 1;
	grant_access(REF_TX_RING, fe.backend_id, tx_ring_page, false);
	grant_access(REF_RX_RING, fe.backend_id, rx_ring_page, false);
	grant_access(REF_TX_DATA, fe.backend_id, tx_data, true);
	for (unsigned int i = 0; i < RX_BUFS; i++)
		grant_access(REF_RX_BUF + i, fe.backend_id, rx_buf[i], false);
	if (evtchn_alloc_unbound(fe.backend_id, &port)) {
		test_error("EVTCHNOP_alloc_unbound failed");
		return false;
	}
	frontend_write(&fe, "tx-ring-ref", "%u", REF_TX_RING);
	frontend_write(&fe, "rx-ring-ref", "%u", REF_RX_RING);
	frontend_write(&fe, "event-channel", "%u", port);
	frontend_write(&fe, "request-rx-copy", "1");
	frontend_write(&fe, "feature-rx-notify", "1");
	frontend_write(&fe, "feature-sg", "1");
	frontend_write(&fe, "state", "%u", XenbusStateConnected);
	if (!backend_wait_state(&fe, XenbusStateConnected))
		return false;
	printf("vif: connected to %s, mac %02x:%02x:%02x:%02x:%02x:%02x\n", fe.backend, mac[0],
	       mac[1], mac[2], mac[3], mac[4], mac[5]);
	return true;
}

static void tx_put(const struct netif_tx_request *req)
{
	memcpy((void *)&tx_slot[tx_prod++ & (tx_slots - 1)].req, req, sizeof(*req));
}

static void tx_put_extra(const struct netif_extra_info *x)
{
	volatile union netif_tx_sring_entry *e = &tx_slot[tx_prod++ & (tx_slots - 1)];

	memset((void *)e, 0, sizeof(*e));
	memcpy((void *)e, x, sizeof(*x));
}

static struct netif_tx_request slot(uint32_t gref, uint16_t offset, uint16_t size, uint16_t flags)
{
	static uint16_t next_id;

	return (struct netif_tx_request){ .gref = gref, .offset = offset, .flags = flags,
					  .id = next_id++, .size = size };
}

/*
 * Publishes what was put since the last call and collects one response per
 * entry; returns the first entry's status (NO_ANSWER if the responses did
 * not all come). Extra-info entries must be answered NETIF_RSP_NULL.
 */
static int tx_send(unsigned int extras)
{
	uint32_t first = tx_cons;
	uint64_t deadline = xen_system_time() + ANSWER_NS;
	int status = NO_ANSWER;

	barrier();
	tx_hdr->req_prod = tx_prod;
	evtchn_notify(port);
	while (tx_cons != tx_prod) {
		struct netif_tx_response rsp;

		if (tx_hdr->rsp_prod == tx_cons) {
			if (xen_system_time() > deadline)
				return NO_ANSWER;
			continue;
		}
		barrier();
		memcpy(&rsp, (const void *)&tx_slot[tx_cons & (tx_slots - 1)].rsp, sizeof(rsp));
		if (tx_cons == first)
			status = rsp.status;
		else if (tx_cons - first <= extras && rsp.status != NETIF_RSP_NULL)
			test_failure("tx: extra-info slot answered %d, not NULL", rsp.status);
		tx_cons++;
	}
	return status;
}

static void expect_tx(const char *what, unsigned int extras, int want)
{
	int got = tx_send(extras);

	printf("tx: %-40s -> %d\n", what, got);
	if (got != want)
		test_failure("tx: %s: status %d, expected %d", what, got, want);
}

/* For the packets whose fault shows only once their bytes are read:
 * answered, either way. */
static void expect_tx_answered(const char *what, unsigned int extras)
{
	int got = tx_send(extras);

	printf("tx: %-40s -> %d\n", what, got);
	if (got != NETIF_RSP_OKAY && got != NETIF_RSP_ERROR)
		test_failure("tx: %s: status %d", what, got);
}

/* A broadcast frame of the local experimental type at offset off of the
 * TX page, len bytes long. */
static void local_frame(uint16_t off, uint16_t len)
{
	uint8_t *f = tx_data + off;

	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = ETHERTYPE_LOCAL >> 8;
	f[13] = ETHERTYPE_LOCAL & 0xff;
	for (unsigned int i = ETH_HLEN; i < len; i++)
		f[i] = (uint8_t)i;
}

/* An ARP request for the gateway's address at offset off (42 bytes). */
static uint16_t arp_request(uint16_t off)
{
	uint8_t *f = tx_data + off;
	static const uint8_t arp_head[8] = { 0, 1, 8, 0, 6, 4, 0, 1 }; /* Ethernet, IPv4, request */

	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = ETHERTYPE_ARP >> 8;
	f[13] = ETHERTYPE_ARP & 0xff;
	memcpy(f + 14, arp_head, sizeof(arp_head));
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, my_ip, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, gateway_ip, 4);
	return 42;
}

static void bad_packets(void)
{
	struct netif_tx_request s;
	struct netif_extra_info x;

	local_frame(0, 60);
	s = slot(REF_TX_DATA, 0, 0, 0);
	tx_put(&s);
	expect_tx("an empty packet", 0, NETIF_RSP_ERROR);
	s = slot(REF_TX_DATA, 0, 10, 0);
	tx_put(&s);
	expect_tx("a 10-byte packet", 0, NETIF_RSP_ERROR);
	s = slot(REF_TX_DATA, 0, 2000, 0);
	tx_put(&s);
	expect_tx("a 2000-byte packet without GSO", 0, NETIF_RSP_ERROR);

	/* 40 slots of 60 bytes: more than any frontend may use. */
	for (unsigned int i = 0; i < 40; i++) {
		s = slot(REF_TX_DATA, 0, i ? 60 : 40 * 60, i < 39 ? NETTXF_more_data : 0);
		tx_put(&s);
	}
	expect_tx("a packet in 40 slots", 0, NETIF_RSP_ERROR);
	s = slot(REF_TX_DATA, 0, 200, NETTXF_more_data);
	tx_put(&s);
	s = slot(REF_TX_DATA, 4090, 100, 0);
	tx_put(&s);
	expect_tx("a slot running past its page", 0, NETIF_RSP_ERROR);
	s = slot(REF_TX_DATA, 0, 100, NETTXF_more_data);
	tx_put(&s);
	s = slot(REF_TX_DATA, 0, 200, 0);
	tx_put(&s);
	expect_tx("slots larger than the packet", 0, NETIF_RSP_ERROR);

	s = slot(REF_TX_DATA, 0, 60, NETTXF_extra_info);
	tx_put(&s);
	x = (struct netif_extra_info){ .type = 99 };
	tx_put_extra(&x);
	expect_tx("an extra-info slot of type 99", 1, NETIF_RSP_ERROR);
	s = slot(REF_TX_DATA, 0, 60, NETTXF_extra_info);
	tx_put(&s);
	x = (struct netif_extra_info){ .type = XEN_NETIF_EXTRA_TYPE_GSO };
	x.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
	tx_put_extra(&x);
	expect_tx("GSO info of size 0", 1, NETIF_RSP_ERROR);

	/* Well-formed on the ring; what is wrong is in the bytes. */
	s = slot(REF_TX_DATA, 0, 60, NETTXF_extra_info | NETTXF_csum_blank);
	tx_put(&s);
	x.u.gso.size = 1000;
	tx_put_extra(&x);
	expect_tx_answered("GSO on a packet that is not TCP", 1);
	s = slot(REF_TX_DATA, 0, 60, NETTXF_csum_blank);
	tx_put(&s);
	expect_tx_answered("a blank checksum on a packet that is not IP", 0);
	s = slot(REF_NEVER, 0, 60, 0);
	tx_put(&s);
	expect_tx_answered("a packet in a page never granted", 0);
}

static void rx_post(uint32_t gref, uint16_t id)
{
	struct netif_rx_request req = { .id = id, .gref = gref };

	memcpy((void *)&rx_slot[rx_prod++ & (rx_slots - 1)].req, &req, sizeof(req));
	barrier();
	rx_hdr->req_prod = rx_prod;
}

/* The next RX response, or false if none came in time. */
static bool rx_next(struct netif_rx_response *rsp)
{
	uint64_t deadline = xen_system_time() + ANSWER_NS;

	while (rx_hdr->rsp_prod == rx_cons)
		if (xen_system_time() > deadline)
			return false;
	barrier();
	memcpy(rsp, (const void *)&rx_slot[rx_cons++ & (rx_slots - 1)].rsp, sizeof(*rsp));
	return true;
}

static void send_arp_request(void)
{
	struct netif_tx_request s = slot(REF_TX_DATA, 1024, arp_request(1024), 0);

	tx_put(&s);
	expect_tx("an ARP request for the gateway", 0, NETIF_RSP_OKAY);
}

/* A buffer the backend cannot write: the next frame (the gateway's ARP
 * reply, or anything dom0's bridge floods) is answered with an error. One
 * only, so that the frames after it find the good buffers. */
static void rx_into_a_bad_buffer(void)
{
	struct netif_rx_response rsp;

	rx_post(REF_NEVER, RX_BUFS);
	evtchn_notify(port);
	send_arp_request();
	if (!rx_next(&rsp))
		return test_failure("rx: no answer for a frame into a buffer never granted");
	printf("rx: a frame for a buffer never granted -> %d\n", rsp.status);
	if (rsp.id != RX_BUFS || rsp.status >= 0)
		test_failure("rx: id %u status %d for a buffer never granted", rsp.id, rsp.status);
}

/* Good buffers: the gateway's ARP reply comes back into one. */
static void rx_arp_reply(void)
{
	uint64_t deadline = xen_system_time() + 60 * NS_PER_SEC;
	unsigned int frames = 0;

	for (uint16_t i = 0; i < RX_BUFS; i++)
		rx_post(REF_RX_BUF + i, i);
	evtchn_notify(port);
	send_arp_request();
	while (xen_system_time() < deadline) {
		struct netif_rx_response rsp;
		const uint8_t *f;

		if (!rx_next(&rsp))
			break;
		f = rx_buf[rsp.id % RX_BUFS] + rsp.offset;
		frames++;
		if (rsp.status >= 42 && f[12] == ETHERTYPE_ARP >> 8 &&
		    f[13] == (ETHERTYPE_ARP & 0xff) && f[21] == 2 && !memcmp(f + 38, my_ip, 4) &&
		    !memcmp(f + 28, gateway_ip, 4)) {
			printf("rx: the gateway's ARP reply, after %u frame(s)\n", frames);
			return;
		}
		rx_post(REF_RX_BUF + rsp.id % RX_BUFS, rsp.id % RX_BUFS);
		evtchn_notify(port);
	}
	test_failure("rx: no ARP reply from the gateway (%u frames received)", frames);
}

/* req_prod far beyond what the TX ring holds: the backend must drop the ring. */
static void broken_ring(void)
{
	struct netif_tx_request s = slot(REF_TX_DATA, 0, 60, 0);
	uint32_t before;

	local_frame(0, 60);
	tx_put(&s);
	tx_prod += 1000;
	barrier();
	tx_hdr->req_prod = tx_prod;
	evtchn_notify(port);
	before = tx_hdr->rsp_prod;
	for (uint64_t until = xen_system_time() + 3 * NS_PER_SEC; xen_system_time() < until;)
		cpu_relax();
	printf("tx: req_prod %u claims 1000 more than the ring holds: rsp_prod %u -> %u\n",
	       tx_prod, before, tx_hdr->rsp_prod);
	if (tx_hdr->rsp_prod != before)
		test_failure("tx: the backend answered on a ring with an impossible req_prod");
}

void test_main(void)
{
	struct netif_tx_request s;

	if (events_map_shared_info())
		return test_error("cannot map shared_info");
	if (grant_table_setup())
		return test_error("cannot place grant-table frame 0");
	if (!connect())
		return;
	local_frame(0, 60);
	s = slot(REF_TX_DATA, 0, 60, 0);
	tx_put(&s);
	expect_tx("a good 60-byte frame", 0, NETIF_RSP_OKAY);
	bad_packets();
	local_frame(0, 60);
	s = slot(REF_TX_DATA, 0, 60, 0);
	tx_put(&s);
	expect_tx("a good frame after all that", 0, NETIF_RSP_OKAY);
	rx_into_a_bad_buffer();
	rx_arp_reply();
	broken_ring();
	printf("hostile_netfront: done\n");
}
