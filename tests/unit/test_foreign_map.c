/*
 * The per-owner lists of others' mappings (common/foreign_map.c) over a
 * fake world: mapper domains with a table of guest frame -> host frame that
 * the tests edit as map and unmap would. Covers: revoke takes back exactly
 * the mappings still in place (not those unmapped, remapped elsewhere, or
 * of a mapper that is gone), each once; the list closes; stale entries are
 * dropped instead of growing the list; allocation failures leave the list
 * usable and lose nothing live; nothing leaks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <tern/errno.h>
#include <tern/foreign_map.h>

#define NDOMS 4
#define NGFNS 4096
#define SCRATCH 0xdead000ull
#define OWNER_FRAME(n) (0x40000000ull + (uint64_t)(n) * 4096)

static paddr_t npt[NDOMS][NGFNS]; /* what each mapper shows at each gfn (0: nothing) */
static bool alive[NDOMS];
static unsigned int revokes[NDOMS][NGFNS];
static long allocs_out;
static bool fail_alloc;
static struct foreign_maps fm;

static bool fake_maps(void *ctx, domid_t mapper, uint64_t gfn, paddr_t hpa)
{
	assert_ptr_equal(ctx, &fm);
	return mapper < NDOMS && alive[mapper] && gfn < NGFNS && npt[mapper][gfn] == hpa;
}

static void fake_revoke(void *ctx, domid_t mapper, uint64_t gfn)
{
	assert_ptr_equal(ctx, &fm);
	assert_true(mapper < NDOMS && gfn < NGFNS);
	npt[mapper][gfn] = SCRATCH;
	revokes[mapper][gfn]++;
}

static void *fake_alloc(size_t size)
{
	void *p;

	if (fail_alloc)
		return NULL;
	p = malloc(size);
	if (p)
		allocs_out++;
	return p;
}

static void fake_free(void *p)
{
	assert_non_null(p);
	allocs_out--;
	free(p);
}

static const struct foreign_map_ops ops = {
	.ctx = &fm,
	.maps = fake_maps,
	.revoke = fake_revoke,
	.alloc = fake_alloc,
	.free = fake_free,
};

static int setup(void **state)
{
	(void)state;
	memset(npt, 0, sizeof(npt));
	memset(revokes, 0, sizeof(revokes));
	memset(&fm, 0, sizeof(fm));
	for (unsigned int i = 0; i < NDOMS; i++)
		alive[i] = true;
	allocs_out = 0;
	fail_alloc = false;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (!fm.closed)
		foreign_map_revoke_all(&ops, &fm);
	assert_int_equal(allocs_out, 0);
	return 0;
}

/* What the hypervisor does for one foreign map: record, then map. */
static int map(domid_t mapper, uint64_t gfn, unsigned int owner_frame)
{
	int rc = foreign_map_add(&ops, &fm, mapper, gfn, OWNER_FRAME(owner_frame));

	if (!rc)
		npt[mapper][gfn] = OWNER_FRAME(owner_frame);
	return rc;
}

static void test_revoke_takes_back_what_is_mapped(void **state)
{
	(void)state;
	assert_int_equal(map(0, 0x100, 1), 0);
	assert_int_equal(map(0, 0x101, 2), 0);
	assert_int_equal(map(2, 0x100, 1), 0); /* two mappers of one frame */
	assert_int_equal(map(0, 0x102, 3), 0);
	assert_int_equal(map(3, 0x7, 4), 0);
	/* Unmapped (its default back), remapped to another owner's frame, mapper gone. */
	npt[0][0x101] = 0x101000;
	npt[0][0x102] = 0x77777000;
	alive[3] = false;

	assert_int_equal(foreign_map_revoke_all(&ops, &fm), 2);
	assert_int_equal(npt[0][0x100], SCRATCH);
	assert_int_equal(npt[2][0x100], SCRATCH);
	assert_int_equal(revokes[0][0x100], 1);
	assert_int_equal(revokes[2][0x100], 1);
	assert_int_equal(npt[0][0x101], 0x101000);
	assert_int_equal(npt[0][0x102], 0x77777000);
	assert_int_equal(revokes[0][0x101] + revokes[0][0x102] + revokes[3][0x7], 0);
	/* Closed and empty: the owner is going away, nothing more is recorded. */
	assert_true(fm.closed);
	assert_int_equal(fm.nr, 0);
	assert_null(fm.map);
	assert_int_equal(foreign_map_add(&ops, &fm, 0, 0x200, OWNER_FRAME(5)), -ESRCH);
	assert_int_equal(foreign_map_revoke_all(&ops, &fm), 0);
}

static void test_recorded_twice_revoked_once(void **state)
{
	(void)state;
	assert_int_equal(map(1, 0x10, 6), 0);
	assert_int_equal(map(1, 0x10, 6), 0);
	assert_int_equal(foreign_map_revoke_all(&ops, &fm), 1);
	assert_int_equal(revokes[1][0x10], 1);
}

/* A frame may leave its owner only when no mapping of it is in place. */
static void test_live_only_while_mapped(void **state)
{
	(void)state;
	assert_false(foreign_map_live(&ops, &fm, OWNER_FRAME(1)));
	assert_int_equal(map(0, 0x100, 1), 0);
	assert_int_equal(map(2, 0x300, 1), 0);
	assert_int_equal(map(0, 0x101, 2), 0);
	assert_true(foreign_map_live(&ops, &fm, OWNER_FRAME(1)));
	assert_true(foreign_map_live(&ops, &fm, OWNER_FRAME(2)));
	assert_false(foreign_map_live(&ops, &fm, OWNER_FRAME(3)));
	/* One mapper unmaps; the other still maps it. */
	npt[0][0x100] = 0;
	assert_true(foreign_map_live(&ops, &fm, OWNER_FRAME(1)));
	/* The other is gone. */
	alive[2] = false;
	assert_false(foreign_map_live(&ops, &fm, OWNER_FRAME(1)));
	/* Remapped to something else at the same gfn. */
	npt[0][0x101] = 0x77777000;
	assert_false(foreign_map_live(&ops, &fm, OWNER_FRAME(2)));
}

static void test_empty_list(void **state)
{
	(void)state;
	assert_int_equal(foreign_map_revoke_all(&ops, &fm), 0);
	assert_true(fm.closed);
}

/* Map and unmap one frame over and over (a daemon reconnecting): the list
 * stays at its first size. */
static void test_stale_entries_dropped_not_kept(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 10000; i++) {
		assert_int_equal(map(0, 0x300 + i % 8, i % 8), 0);
		npt[0][0x300 + i % 8] = 0; /* unmapped */
	}
	assert_int_equal(fm.cap, FOREIGN_MAP_MIN);
	assert_int_equal(foreign_map_revoke_all(&ops, &fm), 0);
}

/* Many live mappings: the list grows and keeps every one. */
static void test_grows_for_live_mappings(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 3000; i++)
		assert_int_equal(map((domid_t)(i % 3), i, i), 0);
	/* Half of them unmapped, then as many new ones: room is found among
	 * the stale entries or by growing, nothing live is lost. */
	for (unsigned int i = 0; i < 3000; i += 2)
		npt[i % 3][i] = 0;
	for (unsigned int i = 3000; i < 4000; i++)
		assert_int_equal(map(0, i, i), 0);
	assert_true(fm.cap >= 2500 && fm.cap <= 8192);
	assert_int_equal(foreign_map_revoke_all(&ops, &fm), 1500 + 1000);
	for (unsigned int i = 0; i < 4000; i++)
		assert_int_equal(revokes[i < 3000 ? i % 3 : 0][i], i < 3000 ? i % 2 : 1);
}

static void test_allocation_failures(void **state)
{
	(void)state;
	/* No list yet and no memory: refused, nothing recorded (and the
	 * caller does not map). */
	fail_alloc = true;
	assert_int_equal(map(0, 0x1, 1), -ENOMEM);
	assert_int_equal(fm.nr, 0);
	assert_int_equal(npt[0][0x1], 0);
	fail_alloc = false;

	/* A full list of live entries that cannot grow: refused, entries kept. */
	for (unsigned int i = 0; i < FOREIGN_MAP_MIN; i++)
		assert_int_equal(map(0, 0x10 + i, i), 0);
	fail_alloc = true;
	assert_int_equal(map(0, 0x80, 0x80), -ENOMEM);
	assert_int_equal(fm.nr, FOREIGN_MAP_MIN);

	/* Some stale: they make the room even without memory. */
	npt[0][0x10] = 0;
	assert_int_equal(map(0, 0x80, 0x80), 0);
	assert_int_equal(fm.nr, FOREIGN_MAP_MIN);
	fail_alloc = false;

	assert_int_equal(foreign_map_revoke_all(&ops, &fm), FOREIGN_MAP_MIN);
	assert_int_equal(revokes[0][0x80], 1);
	assert_int_equal(revokes[0][0x10], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_revoke_takes_back_what_is_mapped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_recorded_twice_revoked_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_only_while_mapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_entries_dropped_not_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grows_for_live_mappings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allocation_failures, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
