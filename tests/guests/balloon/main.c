/*
 * balloon: a domU gives RAM back with XENMEM_decrease_reservation and takes
 * it again with XENMEM_populate_physmap, as Linux's balloon driver does.
 *
 * The domain has 64 MiB, all of it populated (maxmem 64: no headroom).
 *  - gfn 0 and pages of this image given back one by one: 1 extent each,
 *    the reservation one page less each time; the same gfn again gives 0
 *    (Xen: a gfn that is not populated ends the call, it is not an error);
 *    a list naming a page twice gives 1.
 *  - a given-back gfn reads all-ones at every width and drops writes, and
 *    the domain lives on (tern's answer for guest-physical memory with
 *    nothing behind it);
 *  - a grant copy by frame from or to a given-back gfn fails (GNTST_bad_page)
 *    and moves nothing, and a hypercall writing its answer there gets
 *    -EFAULT, though the same calls just succeeded (the hypervisor keeps
 *    its translations and RAM checks of a gfn: the release must void them);
 *    once populated again, the copy reads the new page;
 *  - nothing can be populated beyond maxmem while all of it is in use; a
 *    given-back gfn populated again reads zeros and keeps what is written,
 *    and the reservation is back;
 *  - 32 MiB in 2 MiB extents given back in one call (longer than one
 *    hypercall's step: it continues) and populated again;
 *  - frames the hypervisor or dom0 hold are refused (0 extents) and keep
 *    their contents: the shared_info page placed over RAM, a registered
 *    vcpu_info page, the xenstore ring (dom0's xenstored maps it);
 *  - hostile calls, each 0 extents with nothing given back (Xen's answers):
 *    2^40 extents, orders 10 and 63, gfns beyond the guest-physical space
 *    or wrapping past 2^64, a list at an address the guest does not have,
 *    another domain (dom0) named by an unprivileged one.
 * tests/system/test_domu_guests.py then checks that all of the domain's
 * memory is back in the host's pool after `xl destroy`.
 * Cannot tell: whether the host frame given back went back to the heap at
 * once (the system test of `xl mem-set` checks free_memory).
 */
#include "lib.h"

#include <public/grant_table.h>
#include <public/hvm.h>
#include <public/memory.h>
#include <public/version.h>

const char test_title[] = "XENMEM_decrease_reservation: giving RAM back and taking it again";

#define MIB_FRAMES 256ull
#define BIG_FIRST (16 * MIB_FRAMES) /* 16 MiB: past this image */
#define BIG_EXTENTS 16              /* of 2 MiB: 32 MiB */
#define PATTERN 0x5a

static uint8_t pool[4][PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t copied[PAGE_SIZE] __aligned(PAGE_SIZE);

static uint64_t gfn_of(const void *p)
{
	return (uintptr_t)p / PAGE_SIZE;
}

static long reservation_op(int cmd, const uint64_t *gfns, uint64_t n, unsigned int order,
			   domid_t domid)
{
	struct xen_memory_reservation r = {
		.extent_start = (uintptr_t)gfns, .nr_extents = n, .extent_order = order,
		.domid = domid,
	};

	return memory_op(cmd, &r);
}

static long release(uint64_t gfn)
{
	return reservation_op(XENMEM_decrease_reservation, &gfn, 1, 0, DOMID_SELF);
}

static long populate(uint64_t gfn, unsigned int order)
{
	return reservation_op(XENMEM_populate_physmap, &gfn, 1, order, DOMID_SELF);
}

static long pages(void)
{
	domid_t self = DOMID_SELF;

	return memory_op(XENMEM_current_reservation, &self);
}

static void expect(const char *what, long got, long want)
{
	if (got != want)
		test_failure("%s: %ld, expected %ld", what, got, want);
	else
		printf("%-60s %ld\n", what, got);
}

/* Loads and stores by address, whatever it is (gfn 0 included). */
static uint64_t load(uintptr_t addr, unsigned int size)
{
	uint64_t v = 0;

	switch (size) {
	case 1: __asm__ volatile("movzbq (%1), %0" : "=r"(v) : "r"(addr) : "memory"); break;
	case 2: __asm__ volatile("movzwq (%1), %0" : "=r"(v) : "r"(addr) : "memory"); break;
	case 4: __asm__ volatile("movl (%1), %k0" : "=r"(v) : "r"(addr) : "memory"); break;
	default: __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(addr) : "memory"); break;
	}
	return v;
}

static void store(uintptr_t addr, uint64_t v)
{
	__asm__ volatile("movq %0, (%1)" : : "r"(v), "r"(addr) : "memory");
}

/* What a gfn with nothing behind it shows. */
static void check_gone(const char *what, uintptr_t addr)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned int size = sizes[i];
		uint64_t ones = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
		uint64_t got = load(addr + 8, size);

		if (got != ones)
			test_failure("%s: a %u-byte read gave %#lx, not all-ones", what, size,
				     (unsigned long)got);
	}
	store(addr + 16, 0x1122334455667788ull);
	if (load(addr + 16, 8) != ~0ull)
		test_failure("%s: a write was kept", what);
}

static void check_filled(const char *what, const uint8_t *page, uint8_t value)
{
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		if (page[i] != value)
			return test_failure("%s: byte %u is %#x, expected %#x", what, i, page[i],
					    value);
}

/* GNTTABOP_copy of a whole page between two of the domain's own frames:
 * the op's status (the call itself must succeed). */
static int16_t copy_frame(uint64_t from, uint64_t to)
{
	struct gnttab_copy op = {
		.source = { .u.gmfn = from, .domid = DOMID_SELF },
		.dest = { .u.gmfn = to, .domid = DOMID_SELF },
		.len = PAGE_SIZE,
	};
	long rc = grant_table_op(GNTTABOP_copy, &op, 1);

	if (rc)
		test_failure("GNTTABOP_copy returned %ld", rc);
	return op.status;
}

static void give_back_and_take_again(void)
{
	long before = pages();
	uint64_t twice[2] = { gfn_of(pool[2]), gfn_of(pool[2]) };
	uint64_t pair[2] = { gfn_of(pool[0]), gfn_of(pool[1]) };

	expect("xen_version's answer into a page", xen_version(XENVER_extraversion, pool[1]), 0);
	memset(pool, PATTERN, sizeof(pool));
	expect("grant copy from a page", copy_frame(gfn_of(pool[1]), gfn_of(copied)), GNTST_okay);
	check_filled("the grant copy", copied, PATTERN);
	expect("grant copy to a page", copy_frame(gfn_of(copied), gfn_of(pool[1])), GNTST_okay);
	memset(copied, 0, sizeof(copied));
	expect("release gfn 0", release(0), 1);
	expect("release gfn 0 again", release(0), 0);
	expect("reservation after gfn 0", before - pages(), 1);
	check_gone("gfn 0", 0);
	expect("release two pages of the image", reservation_op(XENMEM_decrease_reservation,
							       pair, 2, 0, DOMID_SELF), 2);
	expect("release one page named twice", reservation_op(XENMEM_decrease_reservation,
							       twice, 2, 0, DOMID_SELF), 1);
	expect("release a released page again", release(gfn_of(pool[1])), 0);
	expect("reservation after 4 pages", before - pages(), 4);
	check_gone("a released page", (uintptr_t)pool[1]);
	check_filled("the page next to them", pool[3], PATTERN);
	expect("grant copy from a released page", copy_frame(gfn_of(pool[1]), gfn_of(copied)),
	       GNTST_bad_page);
	expect("grant copy to a released page", copy_frame(gfn_of(copied), gfn_of(pool[1])),
	       GNTST_bad_page);
	check_filled("the destination of a failed grant copy", copied, 0);
	expect("xen_version's answer into a released page",
	       xen_version(XENVER_extraversion, pool[1]), -EFAULT);

	/* All of maxmem is in use but for these four: a fifth has no room. */
	expect("populate a new gfn past the RAM, no room", populate(gfn_of(pool[3]) + 0x10000, 0),
	       0);
	expect("populate gfn 0 again", populate(0, 0), 1);
	expect("populate a released page again", populate(gfn_of(pool[1]), 0), 1);
	expect("populate it once more", populate(gfn_of(pool[1]), 0), 0);
	check_filled("a page populated again", pool[1], 0);
	memset(pool[1], PATTERN, PAGE_SIZE);
	check_filled("a page populated again, written", pool[1], PATTERN);
	expect("grant copy from a page populated again",
	       copy_frame(gfn_of(pool[1]), gfn_of(copied)), GNTST_okay);
	check_filled("the grant copy of a page populated again", copied, PATTERN);
	if (load(0, 8) != 0)
		test_failure("gfn 0 populated again is not zeroed");
	expect("populate the other two", populate(gfn_of(pool[0]), 0) + populate(gfn_of(pool[2]), 0),
	       2);
	expect("reservation back", pages(), before);
}

static void big_extents(void)
{
	static uint64_t gfns[BIG_EXTENTS];
	long before = pages();

	for (unsigned int i = 0; i < BIG_EXTENTS; i++)
		gfns[i] = BIG_FIRST + i * 512;
	store(BIG_FIRST * PAGE_SIZE + 5 * PAGE_SIZE, 0x1234);
	expect("release 16 extents of 2 MiB", reservation_op(XENMEM_decrease_reservation, gfns,
							      BIG_EXTENTS, 9, DOMID_SELF),
	       BIG_EXTENTS);
	expect("reservation after 32 MiB", before - pages(), BIG_EXTENTS * 512);
	check_gone("a page of a released 2 MiB extent", BIG_FIRST * PAGE_SIZE + 5 * PAGE_SIZE);
	check_gone("the last page released",
		   (BIG_FIRST + BIG_EXTENTS * 512 - 1) * PAGE_SIZE);
	expect("populate them again", reservation_op(XENMEM_populate_physmap, gfns, BIG_EXTENTS, 9,
						     DOMID_SELF),
	       BIG_EXTENTS);
	expect("reservation back", pages(), before);
	if (load(BIG_FIRST * PAGE_SIZE + 5 * PAGE_SIZE, 8) != 0)
		test_failure("a 2 MiB extent populated again is not zeroed");
}

/* Pages the hypervisor or dom0 hold stay, whole. */
static void held_frames(void)
{
	struct xen_hvm_param store_pfn = { .domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN };
	long before = pages(), rc;
	uint64_t word;

	rc = events_map_shared_info();
	if (rc)
		return test_error("mapping shared_info: %ld", rc);
	expect("release the gfn shared_info is placed at", release(gfn_of(shared_info)), 0);
	rc = events_register_vcpu_info();
	if (rc)
		return test_error("registering vcpu_info: %ld", rc);
	expect("release the vcpu_info page", release(gfn_of(vcpu_info)), 0);
	rc = hvm_op(HVMOP_get_param, &store_pfn);
	if (rc)
		return test_error("HVM_PARAM_STORE_PFN: %ld", rc);
	word = load(store_pfn.value * PAGE_SIZE, 8);
	expect("release the xenstore ring (xenstored maps it)", release(store_pfn.value), 0);
	if (load(store_pfn.value * PAGE_SIZE, 8) != word)
		test_failure("the xenstore ring changed");
	expect("reservation unchanged", pages(), before);
}

static void hostile(void)
{
	uint64_t victim = gfn_of(pool[3]);
	uint64_t wrap = (1ull << 52) + victim;
	long before = pages();

	expect("2^40 extents", reservation_op(XENMEM_decrease_reservation, &victim, 1ull << 40, 0,
					      DOMID_SELF), 0);
	expect("order 10", reservation_op(XENMEM_decrease_reservation, &victim, 1, 10,
					  DOMID_SELF), 0);
	expect("order 63", reservation_op(XENMEM_decrease_reservation, &victim, 1, 63,
					  DOMID_SELF), 0);
	expect("a gfn beyond the guest-physical space", release(0x140000ull * 16), 0);
	expect("gfn 2^64 - 1", release(~0ull), 0);
	expect("gfn 2^52 + a page's gfn", release(wrap), 0);
	expect("2 MiB at gfn 2^64 - 512", reservation_op(XENMEM_decrease_reservation,
							 &(uint64_t){ -512ull }, 1, 9,
							 DOMID_SELF), 0);
	expect("a list at an address the guest lacks",
	       reservation_op(XENMEM_decrease_reservation, (const uint64_t *)0x7ff0000000000ull, 1,
			      0, DOMID_SELF), 0);
	expect("dom0's page, from a domU", reservation_op(XENMEM_decrease_reservation, &victim, 1,
							  0, 0), 0);
	expect("reservation unchanged", pages(), before);
	check_filled("the page the hostile calls named", pool[3], PATTERN);
}

void test_main(void)
{
	if (pages() <= 0)
		return test_error("XENMEM_current_reservation: %ld", pages());
	give_back_and_take_again();
	big_extents();
	hostile();
	held_frames();
}
