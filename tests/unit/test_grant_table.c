/*
 * Grant-table state logic over plain memory: three fake domains, each with
 * 16 pages of "RAM" (gfn 0-15) and a fake nested page table that records
 * what map_frame put where. Covers map / unmap / copy with good and bad
 * arguments, GTF_reading / GTF_writing set while in use and cleared after,
 * read-only enforcement, handle reuse, the per-entry limits, the call-level
 * count checks, and that a failed entry leaves everything as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <public/xen.h>
#include <tern/errno.h>
#include <tern/grant_table.h>

#define NDOMS 3
#define RAM_PAGES 16
#define NPT_SLOTS 70000 /* guest-physical pages a test may map at */

struct npt_slot {
	bool used;
	bool readonly;
	int granter;
	uint64_t gfn;
};

static struct grant_table *gts[NDOMS];
static bool privileged[NDOMS];
static uint8_t ram[NDOMS][RAM_PAGES][4096];
static struct npt_slot *npt[NDOMS];
static unsigned int map_calls, unmap_calls;
static bool fail_map, fail_unmap;
static long pages_out;

static int idx(const struct grant_table *gt)
{
	return (int)(uintptr_t)gt->ctx;
}

static struct grant_table *fake_find(domid_t id)
{
	for (unsigned int i = 0; i < NDOMS; i++)
		if (gts[i] && gts[i]->id == id)
			return gts[i];
	return NULL;
}

static bool fake_privileged(const struct grant_table *gt)
{
	return privileged[idx(gt)];
}

static void *fake_alloc_page(paddr_t *pa)
{
	void *p = aligned_alloc(4096, 4096);

	memset(p, 0, 4096);
	*pa = (paddr_t)(uintptr_t)p;
	pages_out++;
	return p;
}

static void fake_free_page(void *p)
{
	pages_out--;
	free(p);
}

static int fake_map(struct grant_table *mapper, uint64_t gpa, struct grant_table *granter,
		    uint64_t gfn, bool readonly)
{
	struct npt_slot *s;

	map_calls++;
	assert_int_equal(gpa & 4095, 0);
	if (fail_map || gpa / 4096 >= NPT_SLOTS || gfn >= RAM_PAGES)
		return -EINVAL;
	s = &npt[idx(mapper)][gpa / 4096];
	*s = (struct npt_slot){ true, readonly, idx(granter), gfn };
	return 0;
}

static int fake_unmap(struct grant_table *mapper, uint64_t gpa, struct grant_table *granter,
		      uint64_t gfn)
{
	struct npt_slot *s = &npt[idx(mapper)][gpa / 4096];

	unmap_calls++;
	if (fail_unmap)
		return -EINVAL;
	assert_true(s->used);
	if (granter) {
		assert_int_equal(s->granter, idx(granter));
		assert_int_equal(s->gfn, gfn);
	}
	s->used = false;
	return 0;
}

static void *fake_frame_ptr(struct grant_table *gt, uint64_t gfn, bool writable)
{
	(void)writable;
	return gfn < RAM_PAGES ? ram[idx(gt)][gfn] : NULL;
}

static const struct gnttab_ops ops = {
	.find_domain = fake_find,
	.is_privileged = fake_privileged,
	.alloc_page = fake_alloc_page,
	.free_page = fake_free_page,
	.map_frame = fake_map,
	.unmap_frame = fake_unmap,
	.frame_ptr = fake_frame_ptr,
};

static int setup(void **state)
{
	(void)state;
	map_calls = unmap_calls = 0;
	fail_map = fail_unmap = false;
	pages_out = 0;
	for (unsigned int i = 0; i < NDOMS; i++) {
		gts[i] = malloc(sizeof(*gts[i]));
		gnttab_setup(gts[i], (void *)(uintptr_t)i, (domid_t)i);
		assert_int_equal(gnttab_grow(&ops, gts[i], 1), 0);
		npt[i] = calloc(NPT_SLOTS, sizeof(struct npt_slot));
		privileged[i] = i == 0;
		for (unsigned int p = 0; p < RAM_PAGES; p++)
			memset(ram[i][p], (int)(i * 16 + p), 4096);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < NDOMS; i++)
		if (gts[i])
			gnttab_teardown(&ops, gts[i]);
	assert_int_equal(pages_out, 0);
	for (unsigned int i = 0; i < NDOMS; i++) {
		free(gts[i]);
		gts[i] = NULL;
		free(npt[i]);
	}
	return 0;
}

static struct grant_entry_v1 *entry(unsigned int d, grant_ref_t ref)
{
	return &gts[d]->shared[ref / 512][ref % 512];
}

static int16_t map(unsigned int mapper, domid_t dom, grant_ref_t ref, uint64_t gpa, uint32_t flags,
		   grant_handle_t *handle)
{
	struct gnttab_map_grant_ref op = { .host_addr = gpa, .flags = flags, .ref = ref, .dom = dom,
					   .handle = 0xdead };

	gnttab_map_one(&ops, gts[mapper], &op);
	if (handle)
		*handle = op.handle;
	if (op.status != GNTST_okay)
		assert_int_equal(op.handle, 0xdead);
	return op.status;
}

/* The granter ends a grant the way a guest does: only if nobody uses it. */
static bool revoke(unsigned int d, grant_ref_t ref)
{
	uint16_t expected = GTF_permit_access;

	return __atomic_compare_exchange_n(&entry(d, ref)->flags, &expected, 0, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static int16_t unmap(unsigned int mapper, grant_handle_t handle, uint64_t gpa)
{
	struct gnttab_unmap_grant_ref op = { .host_addr = gpa, .handle = handle };

	return gnttab_unmap_one(&ops, gts[mapper], &op);
}

/* State that a failed entry must not change. */
static struct {
	struct grant_entry_v1 e[NDOMS][512];
	struct grant_active a[NDOMS][512];
	uint32_t free[NDOMS];
	unsigned int used[NDOMS];
	unsigned int maps, unmaps;
	uint8_t ram[NDOMS][RAM_PAGES][4096];
} snap;

static void snapshot(void)
{
	for (unsigned int i = 0; i < NDOMS; i++) {
		memcpy(snap.e[i], gts[i]->shared[0], 4096);
		memcpy(snap.a[i], gts[i]->active[0], 4096);
		snap.free[i] = gts[i]->maptrack_free;
		snap.used[i] = gts[i]->maptrack_used;
	}
	snap.maps = map_calls;
	snap.unmaps = unmap_calls;
	memcpy(snap.ram, ram, sizeof(ram));
}

static void assert_unchanged(void)
{
	for (unsigned int i = 0; i < NDOMS; i++) {
		assert_memory_equal(snap.e[i], gts[i]->shared[0], 4096);
		assert_memory_equal(snap.a[i], gts[i]->active[0], 4096);
		/* A first page of free handles may appear; none is handed out. */
		if (snap.free[i] != GNTTAB_NO_HANDLE)
			assert_int_equal(snap.free[i], gts[i]->maptrack_free);
		assert_int_equal(snap.used[i], gts[i]->maptrack_used);
	}
	assert_int_equal(snap.unmaps, unmap_calls);
	assert_memory_equal(snap.ram, ram, sizeof(ram));
}

static void test_frames_and_query_size(void **state)
{
	struct gnttab_query_size qs = { .dom = DOMID_SELF };
	paddr_t pa;

	(void)state;
	gnttab_query_size(&ops, gts[1], &qs);
	assert_int_equal(qs.status, GNTST_okay);
	assert_int_equal(qs.nr_frames, 1);
	assert_int_equal(qs.max_nr_frames, GNTTAB_MAX_FRAMES);
	assert_int_equal(gnttab_frame(&ops, gts[1], 0, &pa), 0);
	assert_int_equal(pa, (uintptr_t)gts[1]->shared[0]);
	/* Linux maps the highest frame first: the table grows to it. */
	assert_int_equal(gnttab_frame(&ops, gts[1], GNTTAB_MAX_FRAMES - 1, &pa), 0);
	assert_int_equal(gts[1]->nr_frames, GNTTAB_MAX_FRAMES);
	assert_int_equal(pa, (uintptr_t)gts[1]->shared[GNTTAB_MAX_FRAMES - 1]);
	assert_int_equal(gnttab_frame(&ops, gts[1], GNTTAB_MAX_FRAMES, &pa), -EINVAL);
	assert_int_equal(gnttab_grow(&ops, gts[1], GNTTAB_MAX_FRAMES + 1), -EINVAL);

	qs = (struct gnttab_query_size){ .dom = 0 };
	gnttab_query_size(&ops, gts[1], &qs);
	assert_int_equal(qs.status, GNTST_permission_denied);
	qs = (struct gnttab_query_size){ .dom = 1 };
	gnttab_query_size(&ops, gts[0], &qs);
	assert_int_equal(qs.status, GNTST_okay);
	assert_int_equal(qs.nr_frames, GNTTAB_MAX_FRAMES);
	qs = (struct gnttab_query_size){ .dom = 9 };
	gnttab_query_size(&ops, gts[0], &qs);
	assert_int_equal(qs.status, GNTST_bad_domain);
	/* An unprivileged caller learns nothing of which domains exist. */
	gnttab_query_size(&ops, gts[1], &qs);
	assert_int_equal(qs.status, GNTST_permission_denied);
}

static void test_versions_and_setup_table(void **state)
{
	struct gnttab_set_version sv = { .version = 1 };
	struct gnttab_get_version gv = { .dom = DOMID_SELF };
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };

	(void)state;
	assert_int_equal(gnttab_set_version(gts[1], &sv), 0);
	assert_int_equal(sv.version, 1);
	sv.version = 2;
	assert_int_equal(gnttab_set_version(gts[1], &sv), -EINVAL);
	assert_int_equal(sv.version, 1);
	sv.version = 0;
	assert_int_equal(gnttab_set_version(gts[1], &sv), -EINVAL);
	assert_int_equal(gnttab_get_version(&ops, gts[1], &gv), 0);
	assert_int_equal(gv.version, 1);
	gv = (struct gnttab_get_version){ .dom = 2 };
	assert_int_equal(gnttab_get_version(&ops, gts[1], &gv), -EPERM);
	gv = (struct gnttab_get_version){ .dom = 9 };
	assert_int_equal(gnttab_get_version(&ops, gts[0], &gv), -ESRCH);

	gnttab_setup_table(&ops, gts[1], &st);
	assert_int_equal(st.status, GNTST_general_error);
	st = (struct gnttab_setup_table){ .dom = 2, .nr_frames = 1 };
	gnttab_setup_table(&ops, gts[1], &st);
	assert_int_equal(st.status, GNTST_permission_denied);
	st = (struct gnttab_setup_table){ .dom = 9, .nr_frames = 1 };
	gnttab_setup_table(&ops, gts[0], &st);
	assert_int_equal(st.status, GNTST_bad_domain);
	assert_int_equal(gts[1]->nr_frames, 1);
}

static void test_op_check(void **state)
{
	bool batch;

	(void)state;
	assert_int_equal(gnttab_op_check(GNTTABOP_map_grant_ref, 0, &batch), 32);
	assert_true(batch);
	assert_int_equal(gnttab_op_check(GNTTABOP_map_grant_ref, GNTTAB_MAX_COUNT, &batch), 32);
	assert_int_equal(gnttab_op_check(GNTTABOP_map_grant_ref, GNTTAB_MAX_COUNT + 1, &batch),
			 -EINVAL);
	assert_int_equal(gnttab_op_check(GNTTABOP_unmap_grant_ref, 1, &batch), 24);
	assert_int_equal(gnttab_op_check(GNTTABOP_copy, 1, &batch), 40);
	assert_int_equal(gnttab_op_check(GNTTABOP_copy, ~0ull, &batch), -EINVAL);
	assert_int_equal(gnttab_op_check(GNTTABOP_query_size, 1, &batch), 16);
	assert_false(batch);
	assert_int_equal(gnttab_op_check(GNTTABOP_query_size, 2, &batch), -EINVAL);
	assert_int_equal(gnttab_op_check(GNTTABOP_set_version, 0, &batch), -EINVAL);
	assert_int_equal(gnttab_op_check(GNTTABOP_setup_table, 1, &batch), 24);
	assert_int_equal(gnttab_op_check(GNTTABOP_get_version, 1, &batch), 8);
	assert_int_equal(gnttab_op_check(GNTTABOP_transfer, 1, &batch), -ENOSYS);
	assert_int_equal(gnttab_op_check(GNTTABOP_unmap_and_replace, 1, &batch), -ENOSYS);
	assert_int_equal(gnttab_op_check(99, 1, &batch), -ENOSYS);
}

static void test_map_unmap(void **state)
{
	grant_handle_t h;

	(void)state;
	assert_int_equal(gnttab_grant(gts[1], 8, 0, 3, false), 0);
	assert_int_equal(map(0, 1, 8, 0x100000, GNTMAP_host_map, &h), GNTST_okay);
	assert_int_equal(h, 0);
	assert_int_equal(entry(1, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	assert_true(npt[0][0x100].used);
	assert_false(npt[0][0x100].readonly);
	assert_int_equal(npt[0][0x100].granter, 1);
	assert_int_equal(npt[0][0x100].gfn, 3);
	/* The granter's revocation, as Linux does it (cmpxchg of the flags from
	 * permit_access to 0), fails while the page is mapped: nothing changes. */
	assert_false(revoke(1, 8));
	assert_int_equal(entry(1, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(entry(1, 8)->domid, 0);

	assert_int_equal(unmap(0, h, 0x100000), GNTST_okay);
	assert_int_equal(entry(1, 8)->flags, GTF_permit_access);
	assert_false(npt[0][0x100].used);
	assert_int_equal(gts[0]->maptrack_used, 0);
	/* Unmapped twice: the handle is gone. */
	assert_int_equal(unmap(0, h, 0x100000), GNTST_bad_handle);
	/* Now the revocation succeeds, and the grant cannot be mapped again. */
	assert_true(revoke(1, 8));
	assert_int_equal(entry(1, 8)->flags, 0);
	assert_int_equal(map(0, 1, 8, 0x100000, GNTMAP_host_map, NULL), GNTST_general_error);
	assert_int_equal(entry(1, 8)->flags, 0);
	assert_false(npt[0][0x100].used);
}

static void test_readonly(void **state)
{
	grant_handle_t ro, rw;

	(void)state;
	gnttab_grant(gts[1], 9, 0, 4, true);
	gnttab_grant(gts[1], 10, 0, 5, false);
	snapshot();
	/* A read-only grant cannot be mapped writable. */
	assert_int_equal(map(0, 1, 9, 0x1000, GNTMAP_host_map, NULL), GNTST_general_error);
	assert_unchanged();
	assert_int_equal(map(0, 1, 9, 0x1000, GNTMAP_host_map | GNTMAP_readonly, &ro), GNTST_okay);
	assert_int_equal(entry(1, 9)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	assert_true(npt[0][1].readonly);

	/* Read-only and writable pins of one entry: the last writer clears
	 * GTF_writing, the last user GTF_reading. */
	assert_int_equal(map(0, 1, 10, 0x2000, GNTMAP_host_map | GNTMAP_readonly, &ro), GNTST_okay);
	assert_int_equal(entry(1, 10)->flags, GTF_permit_access | GTF_reading);
	assert_int_equal(map(0, 1, 10, 0x3000, GNTMAP_host_map, &rw), GNTST_okay);
	assert_int_equal(entry(1, 10)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(unmap(0, rw, 0x3000), GNTST_okay);
	assert_int_equal(entry(1, 10)->flags, GTF_permit_access | GTF_reading);
	assert_int_equal(unmap(0, ro, 0x2000), GNTST_okay);
	assert_int_equal(entry(1, 10)->flags, GTF_permit_access);
}

static void test_map_bad_arguments(void **state)
{
	(void)state;
	gnttab_grant(gts[1], 8, 0, 3, false);
	gnttab_grant(gts[1], 11, 2, 3, false); /* for dom2, not dom0 */
	entry(1, 12)->domid = 0;
	entry(1, 12)->frame = 3;
	entry(1, 12)->flags = GTF_accept_transfer;
	snapshot();
	assert_int_equal(map(0, 1, 11, 0x1000, GNTMAP_host_map, NULL), GNTST_general_error);
	assert_int_equal(map(0, 1, 12, 0x1000, GNTMAP_host_map, NULL), GNTST_general_error);
	assert_int_equal(map(0, 1, 13, 0x1000, GNTMAP_host_map, NULL), GNTST_general_error);
	assert_int_equal(map(0, 1, 512, 0x1000, GNTMAP_host_map, NULL), GNTST_bad_gntref);
	assert_int_equal(map(0, 1, 0xffffffffu, 0x1000, GNTMAP_host_map, NULL), GNTST_bad_gntref);
	assert_int_equal(map(0, 9, 8, 0x1000, GNTMAP_host_map, NULL), GNTST_bad_domain);
	assert_int_equal(map(0, DOMID_SELF, 8, 0x1000, GNTMAP_host_map, NULL), GNTST_bad_domain);
	assert_int_equal(map(0, 1, 8, 0x1000, 0, NULL), GNTST_bad_gntref);
	assert_int_equal(map(0, 1, 8, 0x1000, GNTMAP_readonly, NULL), GNTST_bad_gntref);
	assert_int_equal(map(0, 1, 8, 0x1000, GNTMAP_device_map, NULL), GNTST_general_error);
	assert_int_equal(map(0, 1, 8, 0x1000, GNTMAP_host_map | GNTMAP_contains_pte, NULL),
			 GNTST_general_error);
	/* The mapper's side failing undoes the pin. */
	fail_map = true;
	assert_int_equal(map(0, 1, 8, 0x1000, GNTMAP_host_map, NULL), GNTST_general_error);
	fail_map = false;
	assert_unchanged();
	/* dom2 may map the grant that names it; dom0's handles start at 0. */
	assert_int_equal(map(2, 1, 11, 0x1000, GNTMAP_host_map, NULL), GNTST_okay);
	{
		grant_handle_t h;

		assert_int_equal(map(0, 1, 8, 0x1000, GNTMAP_host_map, &h), GNTST_okay);
		assert_int_equal(h, 0);
	}
}

static void test_unmap_bad_arguments_and_handle_reuse(void **state)
{
	grant_handle_t h[3], again;

	(void)state;
	gnttab_grant(gts[1], 8, 0, 3, false);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(map(0, 1, 8, 0x10000 + i * 0x1000, GNTMAP_host_map, &h[i]),
				 GNTST_okay);
		assert_int_equal(h[i], i);
	}
	snapshot();
	assert_int_equal(unmap(0, 3, 0x10000), GNTST_bad_handle);       /* never used */
	assert_int_equal(unmap(0, 100000, 0x10000), GNTST_bad_handle);  /* beyond maptrack */
	assert_int_equal(unmap(0, 0xffffffffu, 0x10000), GNTST_bad_handle);
	assert_int_equal(unmap(0, h[1], 0x10000), GNTST_general_error); /* wrong address */
	assert_int_equal(unmap(2, h[1], 0x11000), GNTST_bad_handle);    /* not dom2's */
	fail_unmap = true;
	assert_int_equal(unmap(0, h[1], 0x11000), GNTST_general_error);
	fail_unmap = false;
	snap.unmaps++; /* the failed unmap_frame call */
	assert_unchanged();

	/* The address may carry an offset within the page. */
	assert_int_equal(unmap(0, h[1], 0x11234), GNTST_okay);
	assert_int_equal(map(0, 1, 8, 0x20000, GNTMAP_host_map, &again), GNTST_okay);
	assert_int_equal(again, h[1]);
	assert_int_equal(map(0, 1, 8, 0x21000, GNTMAP_host_map, &again), GNTST_okay);
	assert_int_equal(again, 3);
}

static void test_frame_latched(void **state)
{
	grant_handle_t h1, h2;

	(void)state;
	gnttab_grant(gts[1], 8, 0, 3, false);
	assert_int_equal(map(0, 1, 8, 0x1000, GNTMAP_host_map, &h1), GNTST_okay);
	entry(1, 8)->frame = 7; /* the granter changes it while mapped */
	assert_int_equal(map(0, 1, 8, 0x2000, GNTMAP_host_map, &h2), GNTST_okay);
	assert_int_equal(npt[0][2].gfn, 3);
	assert_int_equal(unmap(0, h1, 0x1000), GNTST_okay);
	assert_int_equal(unmap(0, h2, 0x2000), GNTST_okay);
	/* No pins left: the next map reads the entry again. */
	assert_int_equal(map(0, 1, 8, 0x3000, GNTMAP_host_map, &h1), GNTST_okay);
	assert_int_equal(npt[0][3].gfn, 7);
}

static void test_pin_and_maptrack_limits(void **state)
{
	unsigned int handles = GNTTAB_MAPTRACK_MAX_PAGES * GNTTAB_MAPTRACK_PER_PAGE;

	(void)state;
	gnttab_grant(gts[1], 8, 0, 3, true);
	gnttab_grant(gts[1], 9, 0, 3, true);
	for (unsigned int i = 0; i < UINT16_MAX; i++)
		assert_int_equal(map(0, 1, 8, (uint64_t)i << 12, GNTMAP_host_map | GNTMAP_readonly,
				     NULL),
				 GNTST_okay);
	snapshot();
	assert_int_equal(map(0, 1, 8, 0, GNTMAP_host_map | GNTMAP_readonly, NULL),
			 GNTST_general_error);
	assert_unchanged();
	for (unsigned int i = UINT16_MAX; i < handles; i++)
		assert_int_equal(map(0, 1, 9, (uint64_t)i << 12, GNTMAP_host_map | GNTMAP_readonly,
				     NULL),
				 GNTST_okay);
	snapshot();
	assert_int_equal(map(0, 1, 9, 0, GNTMAP_host_map | GNTMAP_readonly, NULL), GNTST_no_space);
	assert_unchanged();
	/* Teardown (in teardown()) gives every grant back. */
	gnttab_teardown(&ops, gts[0]);
	assert_int_equal(entry(1, 8)->flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(entry(1, 9)->flags, GTF_permit_access | GTF_readonly);
}

static void test_teardown_releases_mappings(void **state)
{
	grant_handle_t h;

	(void)state;
	gnttab_grant(gts[1], 8, 0, 3, false);
	gnttab_grant(gts[0], 8, 1, 2, false);
	assert_int_equal(map(0, 1, 8, 0x1000, GNTMAP_host_map, &h), GNTST_okay);
	assert_int_equal(map(1, 0, 8, 0x1000, GNTMAP_host_map, &h), GNTST_okay);
	gnttab_teardown(&ops, gts[0]);
	assert_int_equal(entry(1, 8)->flags, GTF_permit_access);
	assert_false(npt[0][1].used);
	free(gts[0]);
	gts[0] = NULL;
	/* dom1 still holds a mapping of the dead dom0's grant: unmapping works. */
	assert_int_equal(unmap(1, h, 0x1000), GNTST_okay);
	assert_false(npt[1][1].used);
}

/* The granter is destroyed and a new domain gets its id: the old mapping's
 * unmap still succeeds, touches only the mapper, and leaves the new domain's
 * grants (same ref, pinned by someone else) alone. */
static void test_granter_gone_and_id_reused(void **state)
{
	grant_handle_t old, h;

	(void)state;
	gnttab_grant(gts[2], 8, 1, 3, false);
	assert_int_equal(map(1, 2, 8, 0x5000, GNTMAP_host_map, &old), GNTST_okay);
	gnttab_teardown(&ops, gts[2]);
	gnttab_forget_granter(gts[1], 2);
	gnttab_forget_granter(gts[0], 2); /* holds nothing of it: no change */

	/* dom2 again: its ref 8 granted to dom1 and mapped read-only by dom1. */
	gnttab_setup(gts[2], (void *)(uintptr_t)2, 2);
	assert_int_equal(gnttab_grow(&ops, gts[2], 1), 0);
	gnttab_grant(gts[2], 8, 1, 4, true);
	assert_int_equal(map(1, 2, 8, 0x6000, GNTMAP_host_map | GNTMAP_readonly, &h), GNTST_okay);
	assert_int_not_equal(h, old);
	snapshot();

	assert_int_equal(unmap(1, old, 0x5000), GNTST_okay);
	assert_false(npt[1][5].used);
	assert_true(npt[1][6].used);
	assert_int_equal(entry(2, 8)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	assert_int_equal(gts[2]->active[0][8].readers, 1);
	assert_int_equal(gts[2]->active[0][8].writers, 0);
	assert_memory_equal(snap.a[2], gts[2]->active[0], 4096);
	assert_int_equal(unmap(1, old, 0x5000), GNTST_bad_handle);

	/* The new grant's own mapping comes back as usual. */
	assert_int_equal(unmap(1, h, 0x6000), GNTST_okay);
	assert_int_equal(entry(2, 8)->flags, GTF_permit_access | GTF_readonly);
}

static int16_t copy(unsigned int d, struct gnttab_copy *op)
{
	return gnttab_copy_one(&ops, gts[d], op);
}

static void test_copy(void **state)
{
	struct gnttab_copy op;

	(void)state;
	gnttab_grant(gts[1], 8, 0, 3, false);
	gnttab_grant(gts[1], 9, 0, 4, true);
	/* dom0's gfn 2 -> dom1's granted page. */
	op = (struct gnttab_copy){
		.source = { .u.gmfn = 2, .domid = DOMID_SELF, .offset = 100 },
		.dest = { .u.ref = 8, .domid = 1, .offset = 200 },
		.len = 300, .flags = GNTCOPY_dest_gref,
	};
	assert_int_equal(copy(0, &op), GNTST_okay);
	assert_int_equal(ram[1][3][199], 1 * 16 + 3);
	assert_int_equal(ram[1][3][200], 0 * 16 + 2);
	assert_int_equal(ram[1][3][499], 0 * 16 + 2);
	assert_int_equal(ram[1][3][500], 1 * 16 + 3);
	assert_int_equal(entry(1, 8)->flags, GTF_permit_access);

	/* From a read-only grant into dom0's own page; a whole page; both grefs. */
	op = (struct gnttab_copy){
		.source = { .u.ref = 9, .domid = 1 },
		.dest = { .u.gmfn = 5, .domid = DOMID_SELF },
		.len = 4096, .flags = GNTCOPY_source_gref,
	};
	assert_int_equal(copy(0, &op), GNTST_okay);
	assert_int_equal(ram[0][5][0], 1 * 16 + 4);
	assert_int_equal(ram[0][5][4095], 1 * 16 + 4);
	assert_int_equal(entry(1, 9)->flags, GTF_permit_access | GTF_readonly);
	op = (struct gnttab_copy){
		.source = { .u.ref = 9, .domid = 1, .offset = 4095 },
		.dest = { .u.ref = 8, .domid = 1 },
		.len = 1, .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref,
	};
	assert_int_equal(copy(0, &op), GNTST_okay);
	assert_int_equal(ram[1][3][0], 1 * 16 + 4);
	op.len = 0;
	assert_int_equal(copy(0, &op), GNTST_okay);
}

static void test_copy_bad_arguments(void **state)
{
	struct gnttab_copy good = {
		.source = { .u.gmfn = 2, .domid = DOMID_SELF },
		.dest = { .u.ref = 8, .domid = 1 },
		.len = 16, .flags = GNTCOPY_dest_gref,
	};
	struct gnttab_copy op;
	grant_handle_t h;

	(void)state;
	gnttab_grant(gts[1], 8, 0, 3, false);
	gnttab_grant(gts[1], 9, 0, 4, true);
	gnttab_grant(gts[1], 10, 2, 4, false);
	gnttab_grant(gts[1], 11, 0, 15 + 100, false); /* not RAM */
	/* One mapping held, so pins that must not move are visible. */
	assert_int_equal(map(0, 1, 8, 0x1000, GNTMAP_host_map, &h), GNTST_okay);
	snapshot();

	op = good, op.dest.offset = 4090;
	assert_int_equal(copy(0, &op), GNTST_bad_copy_arg);
	op = good, op.source.offset = 4081;
	assert_int_equal(copy(0, &op), GNTST_bad_copy_arg);
	op = good, op.len = 4097;
	assert_int_equal(copy(0, &op), GNTST_bad_copy_arg);
	op = good, op.flags |= 4;
	assert_int_equal(copy(0, &op), GNTST_bad_copy_arg);
	op = good, op.source.domid = 1; /* by frame, another domain's page */
	assert_int_equal(copy(0, &op), GNTST_permission_denied);
	op = good, op.source.domid = 0; /* even its own id: DOMID_SELF only */
	assert_int_equal(copy(0, &op), GNTST_permission_denied);
	op = good, op.dest.domid = 9;
	assert_int_equal(copy(0, &op), GNTST_bad_domain);
	op = good, op.dest.u.ref = 512;
	assert_int_equal(copy(0, &op), GNTST_bad_gntref);
	op = good, op.dest.u.ref = 9; /* write into a read-only grant */
	assert_int_equal(copy(0, &op), GNTST_general_error);
	op = good, op.dest.u.ref = 10; /* granted to dom2 */
	assert_int_equal(copy(0, &op), GNTST_general_error);
	op = good, op.dest.u.ref = 11;
	assert_int_equal(copy(0, &op), GNTST_bad_page);
	op = good, op.source.u.gmfn = RAM_PAGES;
	assert_int_equal(copy(0, &op), GNTST_bad_page);
	op = good, op.source.u.gmfn = ~0ull;
	assert_int_equal(copy(0, &op), GNTST_bad_page);
	assert_int_equal(copy(2, &good), GNTST_general_error); /* dom2 is not the grantee */
	assert_unchanged();

	/* The held mapping keeps both bits; the copy's own pin went away. */
	op = good;
	assert_int_equal(copy(0, &op), GNTST_okay);
	assert_int_equal(entry(1, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(unmap(0, h, 0x1000), GNTST_okay);
	assert_int_equal(entry(1, 8)->flags, GTF_permit_access);
}

static void test_grant_helper(void **state)
{
	(void)state;
	assert_int_equal(gnttab_grant(gts[1], 511, 0, 3, false), 0);
	assert_int_equal(gnttab_grant(gts[1], 512, 0, 3, false), -EINVAL);
	assert_int_equal(entry(1, 511)->domid, 0);
	assert_int_equal(entry(1, 511)->frame, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frames_and_query_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_versions_and_setup_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_op_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_bad_arguments_and_handle_reuse, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_frame_latched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_and_maptrack_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_teardown_releases_mappings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_granter_gone_and_id_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grant_helper, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
