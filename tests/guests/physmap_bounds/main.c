/*
 * physmap_bounds: a domU tries to make the hypervisor allocate nested
 * page-table pages without limit, and passes frame numbers that overflow.
 *
 * The domain has 32 MiB of RAM and maxmem 64 MiB (domu.cfg), so its
 * guest-physical space ends at 5 GiB (docs/design.md: the larger of its
 * maxmem and 4 GiB, rounded up to a GiB, plus one GiB for grant frames and
 * the like above it).
 *  - shared_info moved with XENMEM_add_to_physmap to a new 2 MiB slot
 *    each time, 8192 times from 4 GiB up: accepted below 5 GiB (it moves,
 *    so only one mapping exists at a time), refused from there on;
 *  - a self-grant mapped and unmapped at 2048 different gfns below the
 *    bound: every one works (page tables freed when empty);
 *  - the grant then held at a new 2 MiB slot each time until refused: the
 *    domain's page-table allowance runs out after a few dozen (fewer than
 *    256 is required), and the mappings stay until the domain is destroyed;
 *  - frame numbers that wrap when shifted to addresses (2^52 + gfn) in
 *    add_to_physmap, remove_from_physmap and register_vcpu_info, a
 *    grant-table index of 2^32, a grant map at the top of the address
 *    space, and populate_physmap extents that wrap past 2^64: all refused,
 *    the pages they would alias unchanged.
 * tests/system/test_domu_guests.py then checks that the host's free memory
 * fell by no more than the domain's size and a small allowance while it
 * holds its mappings, and is back after `xl destroy`.
 * Cannot tell: how many page-table pages the hypervisor really used (the
 * system test's free-memory check does).
 */
#include "lib.h"

#include <public/grant_table.h>
#include <public/memory.h>
#include <public/vcpu.h>

const char test_title[] = "bounded guest-physical space, page tables and frame arithmetic";

#define GREF 8                   /* refs 0-7 belong to the toolstack */
#define GFN_4G 0x100000ull
#define GFN_BOUND 0x140000ull    /* 5 GiB */
#define SLOT 512ull              /* 2 MiB in frames: one page table each */
#define WRAP (1ull << 52)        /* (WRAP + gfn) << 12 == gfn << 12 */
#define HELD_MAX 256             /* more held mappings: page tables unbounded */

static struct grant_entry_v1 table[PAGE_SIZE / sizeof(struct grant_entry_v1)]
	__aligned(PAGE_SIZE);
static uint8_t granted[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t victim[PAGE_SIZE] __aligned(PAGE_SIZE);
static struct gnttab_map_grant_ref held[512];

static uint64_t gfn_of(const void *p)
{
	return (uintptr_t)p / PAGE_SIZE;
}

static long move_shared_info(uint64_t gfn)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0, .gpfn = gfn,
	};

	return memory_op(XENMEM_add_to_physmap, &xatp);
}

static int16_t map_at(uint64_t gfn, struct gnttab_map_grant_ref *map)
{
	long rc;

	*map = (struct gnttab_map_grant_ref){
		.host_addr = gfn * PAGE_SIZE, .flags = GNTMAP_host_map, .ref = GREF,
		.dom = guest_domid(),
	};
	rc = grant_table_op(GNTTABOP_map_grant_ref, map, 1);
	return rc ? GNTST_general_error : map->status;
}

static bool unmap(const struct gnttab_map_grant_ref *map)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = map->host_addr, .handle = map->handle };

	return grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1) == 0 && u.status == GNTST_okay;
}

/* shared_info moves: one mapping at a time, never past the bound. */
static void shared_info_slots(void)
{
	unsigned int accepted = 0, beyond = 0;

	for (uint64_t i = 0; i < 8192; i++) {
		uint64_t gfn = GFN_4G + i * SLOT;
		long rc = move_shared_info(gfn);

		if (!rc && gfn >= GFN_BOUND)
			beyond++;
		else if (!rc)
			accepted++;
		else if (gfn < GFN_BOUND)
			test_failure("shared_info at gfn %#lx refused (%ld)", (unsigned long)gfn, rc);
	}
	printf("shared_info: %u moves below the bound, %u beyond it accepted\n", accepted,
	       beyond);
	if (beyond)
		test_failure("shared_info mapped at %u gfns beyond 5 GiB", beyond);
}

static void grant_bounds(void)
{
	struct gnttab_map_grant_ref map;

	if (map_at(GFN_BOUND - 1, &map) != GNTST_okay)
		test_failure("a grant map just below the bound was refused");
	else if (!unmap(&map))
		test_error("unmapping the grant below the bound failed");
	if (map_at(GFN_BOUND, &map) == GNTST_okay) {
		test_failure("a grant map at the bound (5 GiB) was accepted");
		unmap(&map);
	}
	if (map_at((~0ull << 12) >> 12, &map) == GNTST_okay) {
		test_failure("a grant map at the top of the address space was accepted");
		unmap(&map);
	}
}

/* Map and unmap at ever-new gfns: the tables go when they empty. */
static void grant_map_unmap_loop(void)
{
	for (uint64_t i = 0; i < 2048; i++) {
		uint64_t gfn = GFN_4G + (i % 512) * SLOT + i / 512 + 1;
		struct gnttab_map_grant_ref map;
		int16_t st = map_at(gfn, &map);

		if (st != GNTST_okay)
			return test_failure("map %lu (gfn %#lx) of a map/unmap loop refused (%d): "
					    "page tables not given back", (unsigned long)i,
					    (unsigned long)gfn, st);
		if (!unmap(&map))
			return test_error("unmap %lu of the map/unmap loop failed", (unsigned long)i);
	}
	printf("2048 grant maps and unmaps at new gfns: all worked\n");
}

/* Held mappings in new 2 MiB slots until the allowance is used up. */
static void grant_hold_until_refused(void)
{
	unsigned int n;
	int16_t st = GNTST_okay;

	for (n = 0; n < ARRAY_SIZE(held); n++) {
		st = map_at(GFN_4G + n * SLOT + 8, &held[n]);
		if (st != GNTST_okay)
			break;
	}
	printf("grant maps held in new 2 MiB slots: %u, then status %d\n", n, st);
	if (n > HELD_MAX)
		test_failure("%u grant mappings held in separate 2 MiB slots: page tables unbounded",
			     n);
	if (n == 0)
		test_failure("not even one grant mapping could be held");
}

static long populate(uint64_t gfn, unsigned int order)
{
	struct xen_memory_reservation r = {
		.extent_start = (uintptr_t)&gfn, .nr_extents = 1, .extent_order = order,
		.domid = DOMID_SELF,
	};

	return memory_op(XENMEM_populate_physmap, &r);
}

static void expect_refused(const char *what, long rc)
{
	if (rc == 0)
		test_failure("%s was accepted", what);
	else
		printf("%s: refused (%ld)\n", what, rc);
}

static void wrapping_numbers(void)
{
	struct xen_add_to_physmap gt = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 1ull << 32,
		.gpfn = gfn_of(victim),
	};
	struct xen_remove_from_physmap rfp = { .domid = DOMID_SELF, .gpfn = WRAP + gfn_of(victim) };
	struct vcpu_register_vcpu_info info = { .mfn = WRAP + gfn_of(victim), .offset = 0 };
	long rc;

	memset(victim, 0x6b, sizeof(victim));
	expect_refused("shared_info at 2^52 + gfn", move_shared_info(WRAP + gfn_of(victim)));
	expect_refused("grant-table frame 2^32", memory_op(XENMEM_add_to_physmap, &gt));
	expect_refused("remove_from_physmap at 2^52 + gfn",
		       memory_op(XENMEM_remove_from_physmap, &rfp));
	expect_refused("vcpu_info at 2^52 + gfn", vcpu_op(VCPUOP_register_vcpu_info, 0, &info));
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		if (victim[i] != 0x6b)
			return test_failure("a wrapped frame number changed gfn %#lx",
					    (unsigned long)gfn_of(victim));
	rc = populate(-512ull, 9);
	if (rc != 0)
		test_failure("populate of 2 MiB at gfn 2^64 - 512 gave %ld", rc);
	rc = populate(~0ull, 0);
	if (rc != 0)
		test_failure("populate of gfn 2^64 - 1 gave %ld", rc);
}

void test_main(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
		.gpfn = gfn_of(table),
	};
	long rc = memory_op(XENMEM_add_to_physmap, &xatp);

	if (rc)
		return test_error("XENMEM_add_to_physmap(grant_table, 0): %ld", rc);
	table[GREF].domid = guest_domid();
	table[GREF].frame = (uint32_t)gfn_of(granted);
	barrier();
	table[GREF].flags = GTF_permit_access;

	wrapping_numbers();
	shared_info_slots();
	grant_bounds();
	grant_map_unmap_loop();
	grant_hold_until_refused();
}
