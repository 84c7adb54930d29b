/*
 * grant_map: a domain maps its own grant with GNTTABOP_map_grant_ref over a
 * page of its RAM, reads the granted page through it, unmaps it, and then
 * leaves one page granted to domain 0 for dom0 to map.
 * Proves: a v1 grant is mapped at the host_addr given (the granted bytes show
 * there, GTF_reading and GTF_writing set while mapped), unmapping puts the
 * guest's own page back and clears the flags, and a stale handle is refused.
 * The page left granted (ref GREF_DOM0, filled with "TERN-GRANT-PAGE") is
 * for tests/system/test_destroy.py, which runs this guest as a domU and maps
 * that grant from dom0 across the domain's destruction.
 * Cannot tell: mappings between two domains (test_destroy.py does that).
 */
#include "lib.h"

#include <public/grant_table.h>
#include <public/hvm.h>
#include <public/memory.h>

const char test_title[] = "grant table v1: map_grant_ref and unmap_grant_ref of a self-grant";

#define GREF 8        /* refs 0-7 belong to the toolstack */
#define GREF_DOM0 9
#define DOM0_TEXT "TERN-GRANT-PAGE;"

static struct grant_entry_v1 table[PAGE_SIZE / sizeof(struct grant_entry_v1)]
	__aligned(PAGE_SIZE);
static uint8_t granted[PAGE_SIZE] __aligned(PAGE_SIZE);
static volatile uint8_t window[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t for_dom0[PAGE_SIZE] __aligned(PAGE_SIZE);

static void grant(grant_ref_t ref, domid_t to, const void *page)
{
	/* Frame and domid first, then the flags that make the entry live. */
	table[ref].domid = to;
	table[ref].frame = (uint32_t)((uintptr_t)page / PAGE_SIZE);
	barrier();
	table[ref].flags = GTF_permit_access;
}

static bool window_is(uint8_t base)
{
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		if (window[i] != (uint8_t)(base + i * 3))
			return false;
	return true;
}

void test_main(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
		.gpfn = (uintptr_t)table / PAGE_SIZE,
	};
	domid_t self = guest_domid();
	struct gnttab_map_grant_ref map = {
		.host_addr = (uintptr_t)window, .flags = GNTMAP_host_map, .ref = GREF, .dom = self,
	};
	struct gnttab_unmap_grant_ref unmap;
	long rc = memory_op(XENMEM_add_to_physmap, &xatp);

	if (rc)
		return test_failure("XENMEM_add_to_physmap(grant_table, 0): %ld", rc);
	for (unsigned int i = 0; i < PAGE_SIZE; i++) {
		granted[i] = (uint8_t)(0x11 + i * 3);
		window[i] = (uint8_t)(0x77 + i * 3);
	}
	grant(GREF, self, granted);

	rc = grant_table_op(GNTTABOP_map_grant_ref, &map, 1);
	printf("map ref %u of d%u at %p: rc %ld status %d handle %u\n", GREF, self,
	       (void *)window, rc, map.status, map.handle);
	if (rc || map.status != GNTST_okay)
		return test_failure("GNTTABOP_map_grant_ref: rc %ld status %d", rc, map.status);
	if (!window_is(0x11))
		test_failure("the mapped window does not show the granted page");
	if ((table[GREF].flags & (GTF_reading | GTF_writing)) != (GTF_reading | GTF_writing))
		test_failure("grant entry flags %#x while mapped writable", table[GREF].flags);

	unmap = (struct gnttab_unmap_grant_ref){ .host_addr = map.host_addr, .handle = map.handle };
	rc = grant_table_op(GNTTABOP_unmap_grant_ref, &unmap, 1);
	if (rc || unmap.status != GNTST_okay)
		return test_failure("GNTTABOP_unmap_grant_ref: rc %ld status %d", rc, unmap.status);
	if (!window_is(0x77))
		test_failure("after the unmap the window is not the guest's own page again");
	if (table[GREF].flags != GTF_permit_access)
		test_failure("grant entry flags %#x after the unmap", table[GREF].flags);
	rc = grant_table_op(GNTTABOP_unmap_grant_ref, &unmap, 1);
	if (rc || unmap.status != GNTST_bad_handle)
		test_failure("a second unmap: rc %ld status %d, expected GNTST_bad_handle", rc,
			     unmap.status);

	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		for_dom0[i] = (uint8_t)DOM0_TEXT[i % (sizeof(DOM0_TEXT) - 1)];
	grant(GREF_DOM0, 0, for_dom0);
	printf("ref %u grants gfn %#lx to d0\n", GREF_DOM0, (uintptr_t)for_dom0 / PAGE_SIZE);
}
