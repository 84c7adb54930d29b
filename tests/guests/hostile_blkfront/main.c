/*
 * hostile_blkfront: a domU that plays xen-blkfront badly. It connects to its
 * two disks as blkfront does (xvda read-write, xvdb read-only, made by
 * tests/system/test_blk.py) and then sends what a frontend must never send:
 * grant references it does not own or granted read-only, too many or no
 * segments, sectors outside their page or past the end of the disk,
 * unknown operations, lying indirect requests, writes to the read-only
 * disk, a ring full of random bytes, and finally a req_prod that claims more
 * requests than the ring holds.
 * Proves: tern-blkback answers every bad request (each with its own id)
 * with BLKIF_RSP_ERROR or EOPNOTSUPP, good requests on the same ring still
 * work (read and write, direct and indirect), a ring whose producer index is
 * impossible is ignored, and the other disk is served after that.
 * Cannot tell: whether the daemon survived without a restart, or what
 * reached the image (the system test checks the worker's pid, its log and
 * the bytes of the image).
 */
#include "lib.h"

#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <xen/io/blkif.h>

const char test_title[] = "tern-blkback against a hostile frontend";

/* Grant references (0-7 belong to the toolstack). */
enum {
	REF_RING_A = 8, REF_RING_B, REF_DATA, REF_INDIRECT,
	REF_OTHER_DOMAIN, /* the data page, granted to a domain that is not the backend */
	REF_DATA_RO,      /* the data page, read-only */
	REF_NEVER,        /* an entry never filled in */
};
#define NOBODY 0x7ff0 /* a domid no backend has */

/* What the system test wrote at the start of xvda. */
#define DISK_MAGIC "tern hostile blkfront disk"
/* What this guest writes at sector WRITE_SECTOR of xvda (the test reads it). */
#define WRITTEN "written by hostile_blkfront"
#define WRITE_SECTOR 16

#define ANSWER_NS (20 * NS_PER_SEC) /* a response slower than this counts as none */
#define NO_ANSWER 1000              /* not a BLKIF_RSP_* */

static struct grant_entry_v1 grants[PAGE_SIZE / sizeof(struct grant_entry_v1)]
	__aligned(PAGE_SIZE);
static uint8_t ring_pages[2][PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t data[PAGE_SIZE] __aligned(PAGE_SIZE);
static struct blkif_request_segment indirect[BLKIF_SEGS_PER_INDIRECT_PAGE] __aligned(PAGE_SIZE);

struct vbd {
	const char *name;
	unsigned int devid;
	grant_ref_t ring_ref;
	char backend[128];
	domid_t backend_id;
	uint64_t sectors;
	bool discard;
	volatile struct xen_sring_hdr *hdr;
	volatile union blkif_sring_entry *slot;
	unsigned int slots;
	uint32_t req_prod, rsp_cons;
	evtchn_port_t port;
	uint64_t next_id;
};

static void grant(grant_ref_t ref, domid_t domid, const void *page, bool readonly)
{
	grants[ref].domid = domid;
	grants[ref].frame = (uint32_t)((uintptr_t)page / PAGE_SIZE);
	barrier();
	grants[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
}

static bool read_node(const struct vbd *v, const char *dir, const char *key, char *buf,
		      size_t size)
{
	char path[192];
	long rc;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	rc = xs_read(path, buf, size);
	if (rc < 0)
		test_error("%s: reading %s: %ld", v->name, path, rc);
	return rc >= 0;
}

static uint64_t parse_u64(const char *s)
{
	uint64_t n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10 + (uint64_t)(*s++ - '0');
	return n;
}

/* blkfront's handshake: one single-page ring, one event channel. */
static bool vbd_connect(struct vbd *v, void *ring_page)
{
	char front[64], path[192], value[32];
	struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF };

	snprintf(front, sizeof(front), "device/vbd/%u", v->devid);
	if (!read_node(v, front, "backend", v->backend, sizeof(v->backend)) ||
	    !read_node(v, front, "backend-id", value, sizeof(value)))
		return false;
	v->backend_id = (domid_t)parse_u64(value);
	snprintf(path, sizeof(path), "%s/state", v->backend);
	if (!xs_wait_value(path, "2", 60 * NS_PER_SEC)) {
		test_error("%s: backend %s never reached InitWait", v->name, v->backend);
		return false;
	}

	v->hdr = ring_page;
	v->slot = (volatile union blkif_sring_entry *)((uint8_t *)ring_page + sizeof(*v->hdr));
	v->slots = xen_ring_entries(PAGE_SIZE, sizeof(union blkif_sring_entry));
	v->hdr->req_event = v->hdr->rsp_event = 1;
	grant(v->ring_ref, v->backend_id, ring_page, false);
	alloc.remote_dom = v->backend_id;
	if (event_channel_op(EVTCHNOP_alloc_unbound, &alloc)) {
		test_error("%s: EVTCHNOP_alloc_unbound failed", v->name);
		return false;
	}
	v->port = alloc.port;

	snprintf(path, sizeof(path), "%s/ring-ref", front);
	snprintf(value, sizeof(value), "%u", v->ring_ref);
	xs_write(path, value);
	snprintf(path, sizeof(path), "%s/event-channel", front);
	snprintf(value, sizeof(value), "%u", v->port);
	xs_write(path, value);
	snprintf(path, sizeof(path), "%s/protocol", front);
	xs_write(path, "x86_64-abi");
	snprintf(path, sizeof(path), "%s/state", front);
	xs_write(path, "3");

	snprintf(path, sizeof(path), "%s/state", v->backend);
	if (!xs_wait_value(path, "4", 60 * NS_PER_SEC)) {
		test_error("%s: backend never reached Connected", v->name);
		return false;
	}
	snprintf(path, sizeof(path), "%s/state", front);
	xs_write(path, "4");
	if (!read_node(v, v->backend, "sectors", value, sizeof(value)))
		return false;
	v->sectors = parse_u64(value);
	snprintf(path, sizeof(path), "%s/feature-discard", v->backend);
	v->discard = xs_read(path, value, sizeof(value)) >= 0 && !strcmp(value, "1");
	printf("%s: connected to %s, %lu sectors, discard %d\n", v->name, v->backend,
	       (unsigned long)v->sectors, v->discard);
	return true;
}

static void kick(const struct vbd *v)
{
	struct evtchn_send send = { .port = v->port };

	event_channel_op(EVTCHNOP_send, &send);
}

/* Puts a request in the next free slot (its id set here) without publishing it. */
static uint64_t queue(struct vbd *v, const struct blkif_request *req)
{
	volatile union blkif_sring_entry *e = &v->slot[v->req_prod++ & (v->slots - 1)];
	uint64_t id = 0x7e570000ull + v->next_id++;

	memcpy((void *)&e->req, req, sizeof(*req));
	e->req.u.rw.id = id; /* the same offset in every request layout */
	return id;
}

static void publish(struct vbd *v)
{
	barrier();
	v->hdr->req_prod = v->req_prod;
	kick(v);
}

/* The next response, or false if none came in time. */
static bool next_response(struct vbd *v, struct blkif_response *rsp)
{
	uint64_t deadline = xen_system_time() + ANSWER_NS;

	while (v->hdr->rsp_prod == v->rsp_cons)
		if (xen_system_time() > deadline)
			return false;
	barrier();
	memcpy(rsp, (const void *)&v->slot[v->rsp_cons++ & (v->slots - 1)].rsp, sizeof(*rsp));
	return true;
}

/* Sends one request and returns its response's status (NO_ANSWER if none). */
static int send(struct vbd *v, const struct blkif_request *req)
{
	struct blkif_response rsp;
	uint64_t id = queue(v, req);

	publish(v);
	if (!next_response(v, &rsp))
		return NO_ANSWER;
	if (rsp.id != id) {
		test_failure("%s: response id %#lx for request %#lx", v->name,
			     (unsigned long)rsp.id, (unsigned long)id);
		return NO_ANSWER;
	}
	return rsp.status;
}

static void expect(struct vbd *v, const char *what, const struct blkif_request *req, int want)
{
	int got = send(v, req);

	printf("%s: %-44s -> %d\n", v->name, what, got);
	if (got != want)
		test_failure("%s: %s: status %d, expected %d", v->name, what, got, want);
}

static struct blkif_request rw(uint8_t op, uint64_t sector, grant_ref_t ref, uint8_t first,
			       uint8_t last)
{
	struct blkif_request r = { .operation = op };

	r.u.rw.nr_segments = 1;
	r.u.rw.sector_number = sector;
	r.u.rw.seg[0] = (struct blkif_request_segment){ .gref = ref, .first_sect = first,
							.last_sect = last };
	return r;
}

static struct blkif_request indirect_read(uint16_t segments, grant_ref_t page_ref, uint8_t op)
{
	struct blkif_request r = { .operation = BLKIF_OP_INDIRECT };

	r.u.indirect.indirect_op = op;
	r.u.indirect.nr_segments = segments;
	r.u.indirect.sector_number = 0;
	r.u.indirect.indirect_grefs[0] = page_ref;
	return r;
}

static void good_requests(struct vbd *a)
{
	struct blkif_request r;

	memset(data, 0, sizeof(data));
	expect(a, "READ sectors 0-7", (r = rw(BLKIF_OP_READ, 0, REF_DATA, 0, 7), &r), 0);
	if (memcmp(data, DISK_MAGIC, sizeof(DISK_MAGIC) - 1))
		test_failure("xvda: sector 0 does not hold what the test wrote");

	memset(data, 0, sizeof(data));
	memcpy(data, WRITTEN, sizeof(WRITTEN));
	expect(a, "WRITE sectors 16-23",
	       (r = rw(BLKIF_OP_WRITE, WRITE_SECTOR, REF_DATA, 0, 7), &r), 0);

	/* Two segments through the indirect page: sectors 16-17 into the data page. */
	memset(data, 0, sizeof(data));
	r = indirect_read(2, REF_INDIRECT, BLKIF_OP_READ);
	r.u.indirect.sector_number = WRITE_SECTOR;
	expect(a, "INDIRECT READ, 2 segments", &r, 0);
	if (memcmp(data, WRITTEN, sizeof(WRITTEN)))
		test_failure("xvda: the indirect read did not return what was written");
}

static void bad_requests(struct vbd *a)
{
	struct blkif_request r;

	expect(a, "READ into a never-granted ref", (r = rw(0, 0, REF_NEVER, 0, 7), &r), -1);
	expect(a, "READ into a ref granted to another domain",
	       (r = rw(0, 0, REF_OTHER_DOMAIN, 0, 7), &r), -1);
	expect(a, "READ into a read-only grant", (r = rw(0, 0, REF_DATA_RO, 0, 7), &r), -1);
	expect(a, "READ into ref 100000", (r = rw(0, 0, 100000, 0, 7), &r), -1);
	expect(a, "READ first_sect 5 > last_sect 2", (r = rw(0, 0, REF_DATA, 5, 2), &r), -1);
	expect(a, "READ last_sect 8", (r = rw(0, 0, REF_DATA, 0, 8), &r), -1);
	expect(a, "READ the last 4 sectors and 4 past the end",
	       (r = rw(0, a->sectors - 4, REF_DATA, 0, 7), &r), -1);
	expect(a, "READ at sector 2^64 - 4 (wraps)", (r = rw(0, ~0ull - 3, REF_DATA, 0, 7), &r), -1);

	r = rw(BLKIF_OP_READ, 0, REF_DATA, 0, 7);
	r.u.rw.nr_segments = 0;
	expect(a, "READ with no segments", &r, -1);
	for (unsigned int i = 0; i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
		r.u.rw.seg[i] = indirect[i];
	r.u.rw.nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST;
	expect(a, "READ with 11 good segments", &r, 0);
	r.u.rw.nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST + 1;
	expect(a, "READ with 12 segments", &r, -1);
	r.u.rw.nr_segments = 255;
	expect(a, "READ with 255 segments", &r, -1);

	r = rw(BLKIF_OP_READ, 0, REF_DATA, 0, 7);
	r.operation = 99;
	expect(a, "operation 99", &r, BLKIF_RSP_EOPNOTSUPP);
	r.operation = BLKIF_OP_RESERVED_1;
	expect(a, "operation RESERVED_1", &r, BLKIF_RSP_EOPNOTSUPP);

	expect(a, "INDIRECT with 257 segments",
	       (r = indirect_read(257, REF_INDIRECT, BLKIF_OP_READ), &r), -1);
	expect(a, "INDIRECT with 0 segments",
	       (r = indirect_read(0, REF_INDIRECT, BLKIF_OP_READ), &r), -1);
	expect(a, "INDIRECT through a never-granted page",
	       (r = indirect_read(2, REF_NEVER, BLKIF_OP_READ), &r), -1);
	expect(a, "INDIRECT whose inner operation is DISCARD",
	       (r = indirect_read(2, REF_INDIRECT, BLKIF_OP_DISCARD), &r), -1);
	indirect[1].gref = REF_NEVER;
	expect(a, "INDIRECT naming a never-granted data page",
	       (r = indirect_read(2, REF_INDIRECT, BLKIF_OP_READ), &r), -1);
	indirect[1].gref = REF_DATA;

	r = (struct blkif_request){ .operation = BLKIF_OP_DISCARD };
	r.u.discard.sector_number = a->sectors - 1;
	r.u.discard.nr_sectors = 2;
	expect(a, "DISCARD past the end", &r, a->discard ? -1 : BLKIF_RSP_EOPNOTSUPP);
	r.u.discard.sector_number = 8;
	r.u.discard.nr_sectors = ~0ull;
	expect(a, "DISCARD of 2^64 - 1 sectors", &r, a->discard ? -1 : BLKIF_RSP_EOPNOTSUPP);
}

/* A whole ring of random bytes (ids kept apart): every slot answered once,
 * with a status a backend may give. */
static void random_ring(struct vbd *a)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull, ids[64];
	unsigned int n = a->slots, answered = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct blkif_request r;
		uint8_t *b = (uint8_t *)&r;

		for (size_t j = 0; j < sizeof(r); j++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			b[j] = (uint8_t)(seed >> 56);
		}
		r.operation %= 8; /* mostly real operations, so the checks behind them run */
		ids[i] = queue(a, &r);
	}
	publish(a);
	for (unsigned int i = 0; i < n; i++) {
		struct blkif_response rsp;
		bool known = false;

		if (!next_response(a, &rsp)) {
			test_failure("xvda: %u of %u random requests answered", answered, n);
			return;
		}
		for (unsigned int j = 0; j < n; j++)
			if (ids[j] == rsp.id) {
				known = true;
				ids[j] = 0; /* answered once only */
			}
		if (!known || (rsp.status != BLKIF_RSP_OKAY && rsp.status != BLKIF_RSP_ERROR &&
			       rsp.status != BLKIF_RSP_EOPNOTSUPP))
			test_failure("xvda: response id %#lx status %d to random requests",
				     (unsigned long)rsp.id, rsp.status);
		answered++;
	}
	printf("xvda: %u random requests, %u answered\n", n, answered);
}

/* req_prod far beyond what the ring holds: the backend must drop the ring. */
static void broken_ring(struct vbd *a)
{
	struct blkif_request r = rw(BLKIF_OP_READ, 0, REF_DATA, 0, 7);
	uint32_t before;

	queue(a, &r);
	a->req_prod += 1000;
	publish(a);
	before = a->hdr->rsp_prod;
	for (uint64_t until = xen_system_time() + 3 * NS_PER_SEC; xen_system_time() < until;)
		cpu_relax();
	printf("xvda: req_prod %u claims 1000 more than the ring holds: rsp_prod %u -> %u\n",
	       a->req_prod, before, a->hdr->rsp_prod);
	if (a->hdr->rsp_prod != before)
		test_failure("xvda: the backend answered on a ring with an impossible req_prod");
}

void test_main(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
		.gpfn = (uintptr_t)grants / PAGE_SIZE,
	};
	struct vbd a = { .name = "xvda", .devid = 51712, .ring_ref = REF_RING_A };
	struct vbd b = { .name = "xvdb", .devid = 51728, .ring_ref = REF_RING_B };
	struct blkif_request r;

	if (events_map_shared_info())
		return test_error("cannot map shared_info");
	if (memory_op(XENMEM_add_to_physmap, &xatp))
		return test_error("cannot place grant-table frame 0");
	if (!vbd_connect(&a, ring_pages[0]) || !vbd_connect(&b, ring_pages[1]))
		return;
	/* Every descriptor of the indirect page is good (sector i % 8 of the
	 * data page), so only what a test changes makes a request bad. */
	for (unsigned int i = 0; i < ARRAY_SIZE(indirect); i++)
		indirect[i] = (struct blkif_request_segment){ .gref = REF_DATA,
							      .first_sect = (uint8_t)(i % 8),
							      .last_sect = (uint8_t)(i % 8) };
	grant(REF_DATA, a.backend_id, data, false);
	grant(REF_INDIRECT, a.backend_id, indirect, true);
	grant(REF_OTHER_DOMAIN, NOBODY, data, false);
	grant(REF_DATA_RO, a.backend_id, data, true);

	good_requests(&a);
	bad_requests(&a);
	random_ring(&a);
	/* Good requests still work after all that. */
	good_requests(&a);

	expect(&b, "WRITE to the read-only disk", (r = rw(BLKIF_OP_WRITE, 0, REF_DATA, 0, 7), &r),
	       -1);
	expect(&b, "READ from the read-only disk", (r = rw(BLKIF_OP_READ, 0, REF_DATA, 0, 7), &r),
	       0);

	broken_ring(&a);
	expect(&b, "READ after xvda's ring broke", (r = rw(BLKIF_OP_READ, 0, REF_DATA, 0, 7), &r),
	       0);
	printf("hostile_blkfront: done\n");
}
