/*
 * grant_copy: a domain grants one of its pages to itself and copies through
 * the grant. Proves: grant-table frame 0 can be placed with
 * XENMAPSPACE_grant_table, a v1 entry the guest writes there is honoured by
 * GNTTABOP_copy (gref source, gmfn destination), and bad entries fail one
 * by one with GNTST_* codes while the call itself and the good entries
 * succeed, without touching the destination; and that once the granted
 * frame's gfn shows another page (shared_info placed over it) a copy through
 * the grant fails although the same copy just succeeded (the hypervisor
 * keeps its RAM checks of a gfn: the change must void them), and succeeds
 * again with the page's own bytes once shared_info moves on.
 * Cannot tell: copies between two domains, map_grant_ref, or revocation.
 */
#include "lib.h"

#include <public/grant_table.h>
#include <public/hvm.h>
#include <public/memory.h>

const char test_title[] = "grant table v1: self-grant and GNTTABOP_copy";

#define GREF 8 /* refs 0-7 belong to the toolstack */

static struct grant_entry_v1 table[PAGE_SIZE / sizeof(struct grant_entry_v1)]
	__aligned(PAGE_SIZE);
static uint8_t src[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t dst[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t spare[PAGE_SIZE] __aligned(PAGE_SIZE); /* where shared_info goes at last */

static struct gnttab_copy copy_from_gref(grant_ref_t ref, uint16_t src_off, uint16_t dst_off,
					 uint16_t len)
{
	return (struct gnttab_copy){
		.source = { .u.ref = ref, .domid = DOMID_SELF, .offset = src_off },
		.dest = { .u.gmfn = (uintptr_t)dst / PAGE_SIZE, .domid = DOMID_SELF,
			  .offset = dst_off },
		.len = len,
		.flags = GNTCOPY_source_gref,
	};
}

/* One copy of len bytes through GREF to the start of dst: its status. */
static int16_t copy_one(uint16_t len)
{
	struct gnttab_copy op = copy_from_gref(GREF, 0, 0, len);
	long rc = grant_table_op(GNTTABOP_copy, &op, 1);

	if (rc)
		test_failure("GNTTABOP_copy returned %ld", rc);
	return op.status;
}

static long place_shared_info(const void *at)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
		.gpfn = (uintptr_t)at / PAGE_SIZE,
	};

	return memory_op(XENMEM_add_to_physmap, &xatp);
}

/* The granted gfn shows shared_info for a while: no copy reaches its RAM then. */
static void copy_over_moved_frame(void)
{
	int16_t st;
	long rc;

	memset(dst, 0, sizeof(dst));
	st = copy_one(64);
	if (st != GNTST_okay || memcmp(dst, src, 64))
		return test_failure("a copy before the move: status %d", st);
	rc = place_shared_info(src);
	if (rc)
		return test_failure("shared_info over the granted frame: %ld", rc);
	memset(dst, 0x5a, sizeof(dst));
	st = copy_one(64);
	printf("copy while shared_info is over the granted frame: status %d\n", st);
	if (st != GNTST_bad_page)
		test_failure("a copy from a gfn showing shared_info: status %d, expected %d", st,
			     GNTST_bad_page);
	for (unsigned int i = 0; i < 64; i++)
		if (dst[i] != 0x5a)
			return test_failure("the failed copy wrote the destination at offset %u", i);
	rc = place_shared_info(spare);
	if (rc)
		return test_failure("shared_info moved on: %ld", rc);
	st = copy_one(64);
	if (st != GNTST_okay || memcmp(dst, src, 64))
		test_failure("a copy once shared_info moved on: status %d%s", st,
			     st == GNTST_okay ? ", other bytes" : "");
}

void test_main(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
		.gpfn = (uintptr_t)table / PAGE_SIZE,
	};
	long rc = memory_op(XENMEM_add_to_physmap, &xatp);

	if (rc)
		return test_failure("XENMEM_add_to_physmap(grant_table, 0): %ld", rc);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	memset(dst, 0x5a, sizeof(dst));

	/* Frame and domid first, then the flags that make the entry live. */
	table[GREF].domid = guest_domid();
	table[GREF].frame = (uintptr_t)src / PAGE_SIZE;
	barrier();
	table[GREF].flags = GTF_permit_access;
	printf("grant %u: domid %u frame %#x\n", GREF, table[GREF].domid, table[GREF].frame);

	struct gnttab_copy ops[] = {
		copy_from_gref(GREF, 0, 0, 1024),        /* good */
		copy_from_gref(100000, 0, 1024, 16),     /* ref beyond the table */
		copy_from_gref(GREF + 1, 0, 1024, 16),   /* ref never granted */
		copy_from_gref(GREF, 4000, 1024, 200),   /* source beyond the page */
		copy_from_gref(GREF, 0, 4090, 16),       /* destination beyond the page */
		copy_from_gref(GREF, 2048, 2048, 2048),  /* good: second half */
	};
	static const int16_t expected[] = { GNTST_okay, GNTST_bad_gntref, -1, GNTST_bad_copy_arg,
					    GNTST_bad_copy_arg, GNTST_okay };

	for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++)
		ops[i].status = 1;
	rc = grant_table_op(GNTTABOP_copy, ops, ARRAY_SIZE(ops));
	if (rc)
		return test_failure("GNTTABOP_copy returned %ld, expected 0 and per-op status", rc);
	for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++) {
		bool ok = expected[i] == -1 ? ops[i].status < 0 : ops[i].status == expected[i];

		printf("op %u: status %d\n", i, ops[i].status);
		if (!ok)
			test_failure("copy op %u: status %d, expected %d%s", i, ops[i].status,
				     expected[i], expected[i] == -1 ? " or another error" : "");
	}
	if (memcmp(dst, src, 1024) || memcmp(dst + 2048, src + 2048, 2048))
		test_failure("copied bytes differ from the source");
	for (unsigned int i = 1024; i < 2048; i++)
		if (dst[i] != 0x5a)
			return test_failure("failed copies wrote the destination at offset %u", i);
	if (table[GREF].flags & (GTF_reading | GTF_writing))
		test_failure("grant entry left with flags %#x after the copies", table[GREF].flags);
	copy_over_moved_frame();
}
