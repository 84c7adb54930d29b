/*
 * Buddy allocator over pretend frames (only the metadata is real memory):
 * splitting, merging back to maximal blocks, exhaustion, rejection of bad
 * frees without any change of state, and a seeded random alloc/free stress
 * that checks no two live blocks ever overlap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <tern/errno.h>
#include <tern/page_alloc.h>

static struct page_alloc pa;
static void *meta;

static void start(uint64_t base, uint64_t end)
{
	free(meta);
	meta = malloc(page_alloc_meta_size(base, end) + 1);
	assert_non_null(meta);
	page_alloc_init(&pa, base, end, meta);
}

static int teardown(void **state)
{
	(void)state;
	free(meta);
	meta = NULL;
	return 0;
}

/* Frees are checked as a whole: a rejected free must leave pa untouched. */
static void free_rejected(uint64_t pfn, unsigned int order)
{
	struct page_alloc before = pa;
	size_t size = page_alloc_meta_size(pa.base_pfn, pa.base_pfn + pa.nr_pfns);
	void *copy = malloc(size + 1);

	memcpy(copy, meta, size);
	assert_int_equal(page_alloc_free(&pa, pfn, order), -EINVAL);
	assert_memory_equal(&before, &pa, sizeof(pa));
	assert_memory_equal(copy, meta, size);
	free(copy);
}

/* Orders that have a free block; a bit per order. */
static unsigned int free_orders(void)
{
	unsigned int o, mask = 0;

	for (o = 0; o <= PAGE_ALLOC_MAX_ORDER; o++)
		if (pa.free_head[o] != PAGE_ALLOC_NONE)
			mask |= 1u << o;
	return mask;
}

static void test_meta_size(void **state)
{
	(void)state;
	assert_int_equal(page_alloc_meta_size(10, 10), 0);
	assert_int_equal(page_alloc_meta_size(10, 5), 0);
	assert_true(page_alloc_meta_size(0, 1) <= 16);
	assert_int_equal(page_alloc_meta_size(0, 1000), 1000 * page_alloc_meta_size(0, 1));
}

static void test_init_is_all_used(void **state)
{
	(void)state;
	start(0x100, 0x200);
	assert_int_equal(pa.nr_pfns, 0x100);
	assert_int_equal(pa.free_pfns, 0);
	assert_int_equal(free_orders(), 0);
	assert_int_equal(page_alloc_alloc(&pa, 0), PAGE_ALLOC_NONE);
	/* Reserved frames were never allocated: freeing one is refused. */
	free_rejected(0x100, 0);
}

static void test_split_and_merge(void **state)
{
	uint64_t a, b, c;

	(void)state;
	start(0, 16);
	page_alloc_add_free(&pa, 0, 16);
	assert_int_equal(pa.free_pfns, 16);
	assert_int_equal(free_orders(), 1u << 4);

	/* One frame splits 16 into 8 + 4 + 2 + 1 + the frame. */
	a = page_alloc_alloc(&pa, 0);
	assert_int_equal(a, 0);
	assert_int_equal(free_orders(), (1u << 3) | (1u << 2) | (1u << 1) | (1u << 0));
	assert_int_equal(pa.free_pfns, 15);
	assert_int_equal(page_alloc_block_order(&pa, 0), 0);

	/* The next frame is a's buddy; then an order-1 block from the free pair. */
	b = page_alloc_alloc(&pa, 0);
	assert_int_equal(b, 1);
	c = page_alloc_alloc(&pa, 1);
	assert_int_equal(c, 2);
	assert_int_equal(page_alloc_block_order(&pa, 2), 1);
	assert_int_equal(page_alloc_block_order(&pa, 3), -EINVAL);
	assert_int_equal(pa.free_pfns, 12);

	/* Freeing everything merges back into one block of 16. */
	assert_int_equal(page_alloc_free(&pa, a, 0), 0);
	assert_int_equal(free_orders(), (1u << 3) | (1u << 2) | (1u << 0));
	assert_int_equal(page_alloc_free(&pa, c, 1), 0);
	assert_int_equal(page_alloc_free(&pa, b, 0), 0);
	assert_int_equal(free_orders(), 1u << 4);
	assert_int_equal(pa.free_head[4], 0);
	assert_int_equal(pa.free_pfns, 16);
	assert_int_equal(page_alloc_alloc(&pa, 4), 0);
	assert_int_equal(page_alloc_alloc(&pa, 0), PAGE_ALLOC_NONE);
}

static void test_bad_frees(void **state)
{
	uint64_t a, b;

	(void)state;
	start(0x1000, 0x1040);
	page_alloc_add_free(&pa, 0x1000, 0x40);
	a = page_alloc_alloc(&pa, 2);
	b = page_alloc_alloc(&pa, 0);
	assert_int_equal(a & 3, 0);

	free_rejected(a, 1);                      /* wrong order, smaller */
	free_rejected(a, 3);                      /* wrong order, larger */
	free_rejected(a + 1, 0);                  /* inside the block */
	free_rejected(a + 2, 1);                  /* inside, aligned for its order */
	free_rejected(a + 1, 2);                  /* misaligned */
	free_rejected(0xfff, 0);                  /* below the span */
	free_rejected(0x1040, 0);                 /* above the span */
	free_rejected(UINT64_MAX, 0);
	free_rejected(a, PAGE_ALLOC_MAX_ORDER + 1);
	free_rejected(a, 63);
	free_rejected(0x1030, 0);                 /* free, never allocated */

	/* Double free: the first succeeds, the second changes nothing. */
	assert_int_equal(page_alloc_free(&pa, b, 0), 0);
	free_rejected(b, 0);
	assert_int_equal(page_alloc_free(&pa, a, 2), 0);
	free_rejected(a, 2);
	assert_int_equal(pa.free_pfns, 0x40);
	assert_int_equal(free_orders(), 1u << 6);
	assert_int_equal(page_alloc_alloc(&pa, PAGE_ALLOC_MAX_ORDER + 1), PAGE_ALLOC_NONE);
}

/* Every frame of order 0, then all freed: back to maximal blocks. */
static void test_exhaustion_and_full_merge(void **state)
{
	enum { BASE = 3, NR = 1000 };
	static uint64_t got[NR];
	static bool seen[NR];
	unsigned int orders_before;
	uint64_t i, pfn;

	(void)state;
	start(BASE, BASE + NR);
	page_alloc_add_free(&pa, BASE, NR);
	assert_int_equal(pa.free_pfns, NR);
	orders_before = free_orders();
	/* [3, 1003) as aligned blocks: 3, 4-7, 8-15, ..., 512-767, 768-895, ... */
	assert_int_equal(pa.free_head[0] != PAGE_ALLOC_NONE, 1);
	assert_int_equal(pa.free_head[9], PAGE_ALLOC_NONE);

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < NR; i++) {
		pfn = page_alloc_alloc(&pa, 0);
		assert_true(pfn >= BASE && pfn < BASE + NR);
		assert_false(seen[pfn - BASE]);
		seen[pfn - BASE] = true;
		got[i] = pfn;
	}
	assert_int_equal(pa.free_pfns, 0);
	assert_int_equal(page_alloc_alloc(&pa, 0), PAGE_ALLOC_NONE);
	assert_int_equal(free_orders(), 0);

	/* Free in an order unlike the allocation order. */
	for (i = 0; i < NR; i++)
		assert_int_equal(page_alloc_free(&pa, got[(i * 7) % NR], 0), 0);
	assert_int_equal(pa.free_pfns, NR);
	assert_int_equal(free_orders(), orders_before);
	/* Order 8 blocks: 256-511 and 512-767 are not buddies of each other's size. */
	assert_int_equal(page_alloc_alloc(&pa, 8) % 256, 0);
	assert_int_equal(page_alloc_alloc(&pa, 8) % 256, 0);
	assert_int_equal(page_alloc_alloc(&pa, 8), PAGE_ALLOC_NONE);
}

static void test_add_free(void **state)
{
	(void)state;
	start(0, 64);
	/* Neighbours added one at a time merge. */
	page_alloc_add_free(&pa, 0, 1);
	page_alloc_add_free(&pa, 1, 1);
	assert_int_equal(free_orders(), 1u << 1);
	page_alloc_add_free(&pa, 2, 2);
	assert_int_equal(free_orders(), 1u << 2);
	/* Adding again is harmless. */
	page_alloc_add_free(&pa, 0, 4);
	assert_int_equal(pa.free_pfns, 4);
	assert_int_equal(free_orders(), 1u << 2);
	/* Clipped to the span, even when pfn + nr overflows. */
	page_alloc_add_free(&pa, 60, UINT64_MAX);
	assert_int_equal(pa.free_pfns, 8);
	page_alloc_add_free(&pa, 1000, 10);
	page_alloc_add_free(&pa, 32, 0);
	assert_int_equal(pa.free_pfns, 8);
	/* A range with a frame in use in the middle: the used frame stays used. */
	page_alloc_add_free(&pa, 16, 1);
	assert_int_equal(page_alloc_alloc(&pa, 0), 16);
	page_alloc_add_free(&pa, 4, 28);
	assert_int_equal(pa.free_pfns, 8 + 27);
	assert_int_equal(page_alloc_block_order(&pa, 16), 0);
	assert_int_equal(page_alloc_free(&pa, 16, 0), 0);
	/* Now 0-31 is one block (plus 60-63). */
	assert_int_equal(free_orders(), (1u << 5) | (1u << 2));
}

static void test_max_order(void **state)
{
	const uint64_t nr = 3ULL << PAGE_ALLOC_MAX_ORDER;

	(void)state;
	/* Blocks never grow past the maximum order. */
	start(0, nr);
	page_alloc_add_free(&pa, 0, nr);
	assert_int_equal(free_orders(), 1u << PAGE_ALLOC_MAX_ORDER);
	assert_int_equal(page_alloc_alloc(&pa, PAGE_ALLOC_MAX_ORDER), 2ULL << PAGE_ALLOC_MAX_ORDER);
	assert_true(page_alloc_alloc(&pa, PAGE_ALLOC_MAX_ORDER) != PAGE_ALLOC_NONE);
	assert_true(page_alloc_alloc(&pa, PAGE_ALLOC_MAX_ORDER) != PAGE_ALLOC_NONE);
	assert_int_equal(page_alloc_alloc(&pa, PAGE_ALLOC_MAX_ORDER), PAGE_ALLOC_NONE);
	assert_int_equal(page_alloc_free(&pa, 0, PAGE_ALLOC_MAX_ORDER), 0);
	assert_int_equal(page_alloc_free(&pa, 1ULL << PAGE_ALLOC_MAX_ORDER,
					 PAGE_ALLOC_MAX_ORDER), 0);
	assert_int_equal(pa.free_pfns, 2ULL << PAGE_ALLOC_MAX_ORDER);
	assert_int_equal(free_orders(), 1u << PAGE_ALLOC_MAX_ORDER);
}

/* A random walk of allocs and frees; returns a checksum of every result. */
static uint64_t stress(unsigned int seed, uint64_t base, uint64_t nr)
{
	enum { MAX_LIVE = 512 };
	static struct { uint64_t pfn; unsigned int order; } live[MAX_LIVE];
	static uint8_t owner[4096];
	unsigned int nlive = 0, step;
	uint64_t used = 0, sum = 0, i;

	assert_true(nr <= sizeof(owner));
	memset(owner, 0, sizeof(owner));
	srandom(seed);
	start(base, base + nr);
	page_alloc_add_free(&pa, base, nr);

	for (step = 0; step < 40000; step++) {
		bool do_alloc = nlive == 0 || (nlive < MAX_LIVE && random() % 100 < 55);

		if (do_alloc) {
			/* Mostly small blocks, sometimes up to order 6. */
			unsigned int order = (unsigned int)(random() % 10 < 7 ? random() % 2
									     : random() % 7);
			uint64_t pfn = page_alloc_alloc(&pa, order);

			sum = sum * 31 + pfn;
			if (pfn == PAGE_ALLOC_NONE) {
				assert_int_equal(free_orders() >> order, 0);
				continue;
			}
			assert_int_equal(pfn & ((1ULL << order) - 1), 0);
			assert_true(pfn >= base && pfn + (1ULL << order) <= base + nr);
			for (i = 0; i < (1ULL << order); i++) {
				assert_int_equal(owner[pfn - base + i], 0);
				owner[pfn - base + i] = 1;
			}
			live[nlive].pfn = pfn;
			live[nlive].order = order;
			nlive++;
			used += 1ULL << order;
		} else {
			unsigned int k = (unsigned int)(random() % nlive);

			if (random() % 50 == 0)
				free_rejected(live[k].pfn, live[k].order + 1);
			assert_int_equal(page_alloc_free(&pa, live[k].pfn, live[k].order), 0);
			for (i = 0; i < (1ULL << live[k].order); i++)
				owner[live[k].pfn - base + i] = 0;
			used -= 1ULL << live[k].order;
			if (random() % 50 == 0)
				free_rejected(live[k].pfn, live[k].order);
			live[k] = live[--nlive];
		}
		assert_int_equal(pa.free_pfns + used, nr);
	}
	while (nlive) {
		nlive--;
		assert_int_equal(page_alloc_free(&pa, live[nlive].pfn, live[nlive].order), 0);
	}
	assert_int_equal(pa.free_pfns, nr);
	return sum;
}

/* A guest gives back single frames of a block it got whole. */
static void test_split_allocated(void **state)
{
	uint64_t a;

	(void)state;
	start(0, 16);
	page_alloc_add_free(&pa, 0, 16);
	a = page_alloc_alloc(&pa, 3);
	assert_int_equal(a, 0);
	/* Only an allocated block of exactly that order splits. */
	assert_int_equal(page_alloc_split(&pa, a, 2), -EINVAL);
	assert_int_equal(page_alloc_split(&pa, a + 4, 2), -EINVAL);
	assert_int_equal(page_alloc_split(&pa, 8, 3), -EINVAL); /* free */
	assert_int_equal(page_alloc_split(&pa, a, 3), 0);
	assert_int_equal(page_alloc_block_order(&pa, 0), 2);
	assert_int_equal(page_alloc_block_order(&pa, 4), 2);
	/* The old order no longer frees; the halves do, one frame at a time. */
	free_rejected(a, 3);
	assert_int_equal(page_alloc_split(&pa, 4, 2), 0);
	assert_int_equal(page_alloc_split(&pa, 6, 1), 0);
	assert_int_equal(page_alloc_split(&pa, 6, 0), -EINVAL);
	assert_int_equal(page_alloc_free(&pa, 7, 0), 0);
	assert_int_equal(pa.free_pfns, 9);
	assert_int_equal(page_alloc_free(&pa, 6, 0), 0);
	assert_int_equal(page_alloc_free(&pa, 4, 1), 0);
	assert_int_equal(page_alloc_free(&pa, 0, 2), 0);
	/* All of it merged back. */
	assert_int_equal(pa.free_pfns, 16);
	assert_int_equal(free_orders(), 1u << 4);
}

static void test_stress(void **state)
{
	uint64_t first;

	(void)state;
	/* A span that is not aligned at either end. */
	first = stress(1234, 5, 1500);
	assert_int_equal(free_orders() & (1u << 9), 1u << 9); /* 512-1023 is back whole */
	/* Same seed, same results: the allocator is deterministic. */
	assert_int_equal(stress(1234, 5, 1500), first);
	stress(99, 0, 4096);
	assert_int_equal(free_orders(), 1u << 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_meta_size, teardown),
		cmocka_unit_test_teardown(test_init_is_all_used, teardown),
		cmocka_unit_test_teardown(test_split_and_merge, teardown),
		cmocka_unit_test_teardown(test_bad_frees, teardown),
		cmocka_unit_test_teardown(test_exhaustion_and_full_merge, teardown),
		cmocka_unit_test_teardown(test_add_free, teardown),
		cmocka_unit_test_teardown(test_max_order, teardown),
		cmocka_unit_test_teardown(test_split_allocated, teardown),
		cmocka_unit_test_teardown(test_stress, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
