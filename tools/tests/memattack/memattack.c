/*
 * memattack: dom0-side attacks on memory isolation, each of which the
 * hypervisor must refuse with an error code while it and dom0 carry on.
 *
 *   memattack lapic LAPIC_GFN DOMID GREF
 *     p2m operations at dom0's LAPIC frame: XENMEM_remove_from_physmap,
 *     a foreign map (XENMEM_add_to_physmap_batch), a map of grant GREF of
 *     DOMID (and its unmap, had the map worked) and XENMEM_add_to_physmap
 *     of a grant-table frame there. Any of them working would put a plain
 *     RAM or read-write mapping where the guarded LAPIC page was.
 *   memattack mmio PHYSADDR
 *     hypercall buffers inside an mmap of /dev/mem at PHYSADDR (MMIO, e.g.
 *     above the hypervisor's direct map, or the LAPIC page): XENVER_*
 *     results written there and console_io and get_features input read
 *     from there must all be -EFAULT.
 *   memattack domctl
 *     a new domain gets max_mem values whose frame table would overflow,
 *     populate_physmap extents whose frame numbers wrap or lie past its
 *     limit, and a foreign map whose frame number wraps when shifted; each
 *     must fail, then the domain is destroyed.
 *   memattack tlb DOMID WINDOW_GFN MAILBOX_GFN ROUNDS
 *     the other side of the tlb_shootdown test guest: ROUNDS times, maps
 *     grant-table frame 1 of DOMID over its WINDOW_GFN, waits until the
 *     guest has seen it, removes it, and only then tells the guest the
 *     round is over (in its page MAILBOX_GFN), and waits for the guest to
 *     have looked. The guest counts the reads that still reach the frame
 *     after that; this prints the count.
 *
 * Prints one line per attempt and "memattack: ok" (exit 0) when every
 * attack was refused, else names what worked (exit 1).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <public/grant_table.h>
#include <public/memory.h>

#include "ternctl.h"

#define PAGE 4096u
#define CONSOLEIO_write 0

static int failures;

/* An attack that must fail: rc is its result (negative: refused). */
static void expect_refused(const char *what, long rc)
{
	if (rc < 0) {
		printf("memattack: %s: refused (%ld)\n", what, rc);
		return;
	}
	printf("memattack: FAILED: %s worked (%ld)\n", what, rc);
	failures++;
}

static void expect_efault(const char *what, long rc)
{
	if (rc == -EFAULT) {
		printf("memattack: %s: -EFAULT\n", what);
		return;
	}
	printf("memattack: FAILED: %s returned %ld, not -EFAULT\n", what, rc);
	failures++;
}

static unsigned long long number(const char *s, const char *what)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (*end || !*s) {
		fprintf(stderr, "memattack: %s: not a number: %s\n", what, s);
		exit(2);
	}
	return v;
}

static long memory_op(struct tc_handle *h, unsigned int cmd, void *arg)
{
	return tc_hypercall(h, __HYPERVISOR_memory_op, cmd, (uintptr_t)arg, 0, 0, 0);
}

/* Grant GREF of domid mapped at dom0's LAPIC frame; an unexpected success
 * is undone with an unmap, which on a hypervisor without the guard leaves
 * the LAPIC page mapped read-write. */
static void lapic_grant_map(struct tc_handle *h, uint64_t gfn, uint16_t domid, uint32_t gref)
{
	struct gnttab_map_grant_ref *map = tc_buf_alloc(sizeof(*map));
	struct gnttab_unmap_grant_ref *unmap = tc_buf_alloc(sizeof(*unmap));
	long rc;

	*map = (struct gnttab_map_grant_ref){
		.host_addr = gfn * PAGE, .flags = GNTMAP_host_map, .ref = gref, .dom = domid,
	};
	rc = tc_hypercall(h, __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref,
			  (uintptr_t)map, 1, 0, 0);
	expect_refused("grant map at the LAPIC frame", rc ? rc : map->status);
	if (!rc && map->status == GNTST_okay) {
		*unmap = (struct gnttab_unmap_grant_ref){ .host_addr = map->host_addr,
							  .handle = map->handle };
		tc_hypercall(h, __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref,
			     (uintptr_t)unmap, 1, 0, 0);
	}
	tc_buf_free(map, sizeof(*map));
	tc_buf_free(unmap, sizeof(*unmap));
}

static void lapic_foreign_map(struct tc_handle *h, uint64_t gfn, uint16_t domid)
{
	struct {
		struct xen_add_to_physmap_batch b;
		xen_ulong_t idx;
		xen_pfn_t gpfn;
		int err;
	} *a = tc_buf_alloc(sizeof(*a));
	long rc;

	a->idx = 0x10; /* any RAM frame of the domain */
	a->gpfn = gfn;
	a->b = (struct xen_add_to_physmap_batch){
		.domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = 1,
		.foreign_domid = domid, .idxs = (uintptr_t)&a->idx,
		.gpfns = (uintptr_t)&a->gpfn, .errs = (uintptr_t)&a->err,
	};
	rc = memory_op(h, XENMEM_add_to_physmap_batch, &a->b);
	expect_refused("foreign map at the LAPIC frame", rc ? rc : a->err);
	tc_buf_free(a, sizeof(*a));
}

static int attack_lapic(struct tc_handle *h, char **argv)
{
	uint64_t gfn = number(argv[0], "LAPIC_GFN");
	uint16_t domid = (uint16_t)number(argv[1], "DOMID");
	uint32_t gref = (uint32_t)number(argv[2], "GREF");
	struct xen_remove_from_physmap *rfp = tc_buf_alloc(sizeof(*rfp));
	struct xen_add_to_physmap *atp = tc_buf_alloc(sizeof(*atp));

	*rfp = (struct xen_remove_from_physmap){ .domid = DOMID_SELF, .gpfn = gfn };
	expect_refused("remove_from_physmap at the LAPIC frame",
		       memory_op(h, XENMEM_remove_from_physmap, rfp));
	lapic_foreign_map(h, gfn, domid);
	lapic_grant_map(h, gfn, domid, gref);
	/* Last: on a hypervisor that allows it, dom0's LAPIC is then RAM. */
	*atp = (struct xen_add_to_physmap){ .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
					    .idx = 1, .gpfn = gfn };
	expect_refused("add_to_physmap(grant_table) at the LAPIC frame",
		       memory_op(h, XENMEM_add_to_physmap, atp));
	tc_buf_free(rfp, sizeof(*rfp));
	tc_buf_free(atp, sizeof(*atp));
	return 0;
}

static int attack_mmio(struct tc_handle *h, char **argv)
{
	uint64_t addr = number(argv[0], "PHYSADDR");
	int fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
	uint8_t *page;
	void *inside;

	if (fd < 0 || addr % PAGE) {
		fprintf(stderr, "memattack: /dev/mem at %#llx: %s\n", (unsigned long long)addr,
			fd < 0 ? strerror(errno) : "not page aligned");
		return 2;
	}
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)addr);
	if (page == MAP_FAILED) {
		fprintf(stderr, "memattack: mmap of /dev/mem at %#llx: %s\n",
			(unsigned long long)addr, strerror(errno));
		return 2;
	}
	/* Offset 0x30: the LAPIC's version register (read-only) if this is
	 * the LAPIC page; anywhere else it is just an address inside. */
	inside = page + 0x30;
	expect_efault("XENVER_extraversion written to MMIO",
		      tc_hypercall(h, __HYPERVISOR_xen_version, XENVER_extraversion,
				   (uintptr_t)inside, 0, 0, 0));
	expect_efault("XENVER_get_features read from MMIO",
		      tc_hypercall(h, __HYPERVISOR_xen_version, XENVER_get_features,
				   (uintptr_t)inside, 0, 0, 0));
	expect_efault("console_io text read from MMIO",
		      tc_hypercall(h, __HYPERVISOR_console_io, CONSOLEIO_write, 16,
				   (uintptr_t)inside, 0, 0));
	expect_efault("sysctl read from MMIO",
		      tc_hypercall(h, __HYPERVISOR_sysctl, (uintptr_t)inside, 0, 0, 0, 0));
	munmap(page, PAGE);
	close(fd);
	return 0;
}

static long populate(struct tc_handle *h, uint16_t domid, unsigned int order, uint64_t gfn)
{
	struct {
		struct xen_memory_reservation r;
		xen_pfn_t gfn;
	} *a = tc_buf_alloc(sizeof(*a));
	long rc;

	a->gfn = gfn;
	a->r = (struct xen_memory_reservation){ .extent_start = (uintptr_t)&a->gfn,
						.nr_extents = 1, .extent_order = order,
						.domid = domid };
	rc = memory_op(h, XENMEM_populate_physmap, &a->r);
	tc_buf_free(a, sizeof(*a));
	return rc;
}

static long max_mem(struct tc_handle *h, uint16_t domid, uint64_t kib)
{
	struct tern_domctl op = { .cmd = TERN_DOMCTL_max_mem, .domain = domid };

	op.u.max_mem.max_memkb = kib;
	return tc_domctl(h, &op);
}

/* populate_physmap returns the extents it populated: none, or an error. */
static void expect_no_extent(const char *what, long rc)
{
	if (rc <= 0) {
		printf("memattack: %s: no extent (%ld)\n", what, rc);
		return;
	}
	printf("memattack: FAILED: %s populated %ld extent(s)\n", what, rc);
	failures++;
}

static void domctl_attacks(struct tc_handle *h, uint16_t domid)
{
	const uint64_t pages = 4096; /* 16 MiB */
	uint64_t wrapping_gfn = (1ull << 52) + pages - 1;
	int err = 0;
	void *p;

	/* 2^61 + 1 pages need 2^64 + 8 bytes of frame table. */
	expect_refused("max_mem of 2^61 + 1 pages", max_mem(h, domid, ((1ull << 61) + 1) * 4));
	expect_refused("max_mem of 2^62 pages", max_mem(h, domid, ~0ull));
	if (max_mem(h, domid, pages * 4)) {
		printf("memattack: FAILED: a 16 MiB max_mem was refused\n");
		failures++;
		return;
	}
	expect_no_extent("populate 2 MiB at a gfn that wraps", populate(h, domid, 9, -512ull));
	expect_no_extent("populate 4 KiB at gfn 2^64 - 1", populate(h, domid, 0, ~0ull));
	expect_no_extent("populate 4 KiB just past max_mem", populate(h, domid, 0, pages));
	if (populate(h, domid, 0, pages - 1) != 1) {
		printf("memattack: FAILED: populating the last frame below max_mem failed\n");
		failures++;
	}
	/* (2^52 + gfn) << 12 is gfn's address again, truncated. */
	p = tc_map_foreign(h, domid, PROT_READ, &wrapping_gfn, &err, 1);
	expect_refused("foreign map of a frame number that wraps", p ? err : -errno);
	if (p)
		tc_unmap_foreign(p, 1);
}

/* The tlb_shootdown guest's mailbox (tests/guests/tlb_shootdown). */
struct mailbox {
	volatile uint32_t round, seen, checked, done, stale;
};

#define SEEN_WAIT_US 10000000 /* the guest spins: it answers at once */

static long place_grant_frame(struct tc_handle *h, uint16_t domid, uint64_t gfn)
{
	struct xen_add_to_physmap *atp = tc_buf_alloc(sizeof(*atp));
	long rc;

	*atp = (struct xen_add_to_physmap){ .domid = domid, .space = XENMAPSPACE_grant_table,
					    .idx = 1, .gpfn = gfn };
	rc = memory_op(h, XENMEM_add_to_physmap, atp);
	tc_buf_free(atp, sizeof(*atp));
	return rc;
}

static long remove_frame(struct tc_handle *h, uint16_t domid, uint64_t gfn)
{
	struct xen_remove_from_physmap *rfp = tc_buf_alloc(sizeof(*rfp));
	long rc;

	*rfp = (struct xen_remove_from_physmap){ .domid = domid, .gpfn = gfn };
	rc = memory_op(h, XENMEM_remove_from_physmap, rfp);
	tc_buf_free(rfp, sizeof(*rfp));
	return rc;
}

static int tlb_rounds(struct tc_handle *h, char **argv)
{
	uint16_t domid = (uint16_t)number(argv[0], "DOMID");
	uint64_t window = number(argv[1], "WINDOW_GFN"), mailbox_gfn = number(argv[2], "MAILBOX_GFN");
	uint32_t rounds = (uint32_t)number(argv[3], "ROUNDS");
	int err = 0, rc = 0;
	struct mailbox *mb = tc_map_foreign(h, domid, PROT_READ | PROT_WRITE, &mailbox_gfn, &err, 1);

	if (!mb || err) {
		fprintf(stderr, "memattack: cannot map the mailbox of domain %u\n", domid);
		return 2;
	}
	for (uint32_t r = 1; r <= rounds && !rc; r++) {
		unsigned int waited = 0;

		if (place_grant_frame(h, domid, window)) {
			fprintf(stderr, "memattack: round %u: add_to_physmap failed\n", r);
			rc = 2;
			break;
		}
		while (mb->seen < r && waited++ < SEEN_WAIT_US / 10)
			usleep(10);
		if (mb->seen < r) {
			fprintf(stderr, "memattack: round %u: the guest never saw the frame\n", r);
			rc = 2;
		}
		if (remove_frame(h, domid, window)) {
			fprintf(stderr, "memattack: round %u: remove_from_physmap failed\n", r);
			rc = 2;
		}
		__atomic_store_n(&mb->round, r, __ATOMIC_SEQ_CST);
		/* The next round's mapping must not meet this round's check. */
		waited = 0;
		while (mb->checked < r && waited++ < SEEN_WAIT_US / 10)
			usleep(10);
	}
	mb->done = 1;
	printf("memattack: tlb: %u stale read(s) reported by the guest\n", mb->stale);
	if (mb->stale)
		failures++;
	tc_unmap_foreign((void *)mb, 1);
	return rc;
}

static int attack_domctl(struct tc_handle *h)
{
	struct tern_domctl op = { .cmd = TERN_DOMCTL_createdomain };
	long rc;

	op.u.createdomain.flags = TERN_CDF_hvm;
	op.u.createdomain.max_vcpus = 1;
	rc = tc_domctl(h, &op);
	if (rc) {
		fprintf(stderr, "memattack: createdomain: %s\n", strerror((int)-rc));
		return 2;
	}
	printf("memattack: domain %u created\n", op.domain);
	domctl_attacks(h, op.domain);
	op = (struct tern_domctl){ .cmd = TERN_DOMCTL_destroydomain, .domain = op.domain };
	rc = tc_domctl(h, &op);
	if (rc) {
		printf("memattack: FAILED: destroying the domain: %s\n", strerror((int)-rc));
		failures++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct tc_handle h;
	int rc;

	if (argc < 2 || (!strcmp(argv[1], "lapic") && argc != 5) ||
	    (!strcmp(argv[1], "mmio") && argc != 3) || (!strcmp(argv[1], "domctl") && argc != 2) ||
	    (!strcmp(argv[1], "tlb") && argc != 6)) {
		fprintf(stderr, "usage: memattack lapic LAPIC_GFN DOMID GREF | mmio PHYSADDR | domctl |\n"
				"       memattack tlb DOMID WINDOW_GFN MAILBOX_GFN ROUNDS\n");
		return 2;
	}
	rc = tc_open(&h, NULL);
	if (rc) {
		fprintf(stderr, "memattack: %s: %s\n", TC_PRIVCMD_PATH, strerror(-rc));
		return 2;
	}
	if (!strcmp(argv[1], "lapic"))
		rc = attack_lapic(&h, argv + 2);
	else if (!strcmp(argv[1], "mmio"))
		rc = attack_mmio(&h, argv + 2);
	else if (!strcmp(argv[1], "domctl"))
		rc = attack_domctl(&h);
	else if (!strcmp(argv[1], "tlb"))
		rc = tlb_rounds(&h, argv + 2);
	else
		rc = 2;
	tc_close(&h);
	if (rc)
		return rc;
	if (failures) {
		printf("memattack: %d attack(s) worked\n", failures);
		return 1;
	}
	printf("memattack: ok\n");
	return 0;
}
