/*
 * Guest-physical bounds and frame arithmetic (common/p2m_bounds.c): the
 * domU limit for small and large RAM, the page-table allowance against a
 * count made here page by page, frame numbers whose shift or sum wraps,
 * and max_mem values whose frame table would overflow (the one that once
 * allocated 8 bytes for 2^61 + 1 frames).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <tern/errno.h>
#include <tern/p2m_bounds.h>

#define PAGES(bytes) ((bytes) >> 12)

static void test_domu_limit(void **state)
{
	(void)state;
	/* Small guests: 4 GiB of low space, then one GiB above it. */
	assert_int_equal(p2m_domu_limit(PAGES(MiB(32))), GiB(5));
	assert_int_equal(p2m_domu_limit(PAGES(GiB(4))), GiB(5));
	/* Larger ones: RAM rounded up to a GiB, then one GiB. */
	assert_int_equal(p2m_domu_limit(PAGES(GiB(4)) + 1), GiB(6));
	assert_int_equal(p2m_domu_limit(PAGES(GiB(6) + MiB(128))), GiB(8));
	/* The largest domU still fits a 4-level table. */
	assert_true(p2m_domu_limit(P2M_MAX_PAGES) <= P2M_ADDR_LIMIT);
}

/* Tables for [0, bytes) counted one 4 KiB frame at a time. */
static uint64_t count_tables(uint64_t bytes)
{
	uint64_t n = 1, last_pt = ~0ull, last_pd = ~0ull, last_pdpt = ~0ull;

	for (uint64_t a = 0; a < bytes; a += 4096) {
		n += (a >> 21) != last_pt;
		n += (a >> 30) != last_pd;
		n += (a >> 39) != last_pdpt;
		last_pt = a >> 21;
		last_pd = a >> 30;
		last_pdpt = a >> 39;
	}
	return n;
}

static void test_tables_to_map(void **state)
{
	static const uint64_t sizes[] = { 0, 4096, MiB(2), MiB(2) + 4096, MiB(32), GiB(1),
					  GiB(1) + MiB(2), GiB(3) + 12288 };

	(void)state;
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		assert_int_equal(p2m_tables_to_map(sizes[i]), count_tables(sizes[i]));
	/* 32 MiB: 16 tables, a directory, a directory-pointer table, the root. */
	assert_int_equal(p2m_domu_table_allowance(PAGES(MiB(32))), 19 + P2M_EXTRA_TABLES);
}

static void test_gfn_below(void **state)
{
	(void)state;
	assert_true(p2m_gfn_below(PAGES(GiB(5)) - 1, GiB(5)));
	assert_false(p2m_gfn_below(PAGES(GiB(5)), GiB(5)));
	/* Shifted, these would land on frame 0x10 again. */
	assert_false(p2m_gfn_below((1ull << 52) + 0x10, GiB(5)));
	assert_false(p2m_gfn_below(~0ull, P2M_ADDR_LIMIT));
}

static void test_range_below(void **state)
{
	(void)state;
	assert_true(p2m_range_below(0, 512, 512));
	assert_true(p2m_range_below(512, 0, 512));
	assert_false(p2m_range_below(1, 512, 512));
	assert_false(p2m_range_below(513, 0, 512));
	/* gfn + n wraps to 0: the old check took this for "inside". */
	assert_false(p2m_range_below(-512ull, 512, 8192));
	assert_false(p2m_range_below(~0ull, 1, 8192));
	assert_false(p2m_range_below(4096, ~0ull, 8192));
}

static void test_max_pages(void **state)
{
	const uint64_t host = PAGES(GiB(2));

	(void)state;
	assert_int_equal(p2m_max_pages_check(PAGES(MiB(128)), host), 0);
	assert_int_equal(p2m_max_pages_check(host, host), 0);
	assert_int_equal(p2m_max_pages_check(host + 1, host), -EINVAL);
	/* 2^61 + 1 frames: 8 bytes each overflows 2^64. */
	assert_int_equal(p2m_max_pages_check((1ull << 61) + 1, ~0ull), -EINVAL);
	assert_int_equal(p2m_max_pages_check(~0ull >> 2, ~0ull), -EINVAL);
	assert_int_equal(p2m_max_pages_check(P2M_MAX_PAGES, ~0ull), 0);
	assert_int_equal(p2m_max_pages_check(P2M_MAX_PAGES + 1, ~0ull), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domu_limit),
		cmocka_unit_test(test_tables_to_map),
		cmocka_unit_test(test_gfn_below),
		cmocka_unit_test(test_range_below),
		cmocka_unit_test(test_max_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
