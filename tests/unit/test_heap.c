/*
 * The heap over a fake arena: the page allocator manages pretend frames at
 * ARENA_BASE whose memory is a page-aligned malloc'ed block, and map/unmap
 * translate between the two. Checks size classes, alignment, zeroing, that
 * live objects never overlap, exhaustion, and refusal of bad and double frees.
 * ASan does not see overruns inside the arena; the pattern checks do.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <tern/errno.h>
#include <tern/heap.h>

#define ARENA_BASE 0x40000000ULL
#define ARENA_PAGES 512

static uint8_t *arena;
static void *meta;
static struct page_alloc pa;
static struct heap heap;

static void *arena_map(paddr_t paddr)
{
	assert_true(paddr >= ARENA_BASE && paddr < ARENA_BASE + ARENA_PAGES * PAGE_SIZE);
	return arena + (paddr - ARENA_BASE);
}

static paddr_t arena_unmap(const void *ptr)
{
	return (paddr_t)((uintptr_t)ptr - (uintptr_t)arena) + ARENA_BASE;
}

/* A heap over `pages` free frames (the arena's first frame stays in use). */
static void start(uint64_t pages)
{
	uint64_t base = ARENA_BASE >> PAGE_SHIFT;

	memset(arena, 0xaa, ARENA_PAGES * PAGE_SIZE);
	page_alloc_init(&pa, base, base + ARENA_PAGES, meta);
	page_alloc_add_free(&pa, base + 1, pages);
	heap_init(&heap, &pa, arena_map, arena_unmap);
}

static int setup(void **state)
{
	(void)state;
	arena = aligned_alloc(PAGE_SIZE, ARENA_PAGES * PAGE_SIZE);
	meta = malloc(page_alloc_meta_size(0, ARENA_PAGES));
	assert_non_null(arena);
	assert_non_null(meta);
	start(ARENA_PAGES - 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(arena);
	free(meta);
	return 0;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

static void test_classes(void **state)
{
	static const size_t sizes[] = { 0, 1, 15, 16, 17, 31, 32, 100, 128, 129, 1000, 1024,
					2000, 2047, 2048 };
	void *p[ARRAY_SIZE(sizes)];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = heap_alloc(&heap, sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		/* Small objects are never page aligned: that marks whole-page blocks. */
		assert_int_not_equal((uintptr_t)p[i] % PAGE_SIZE, 0);
		assert_true(all_zero(p[i], sizes[i]));
		memset(p[i], 0x11, sizes[i]);
	}
	/* 0..16 share the 16-byte class; 2048 is the largest class. */
	assert_int_equal(heap.bytes_in_use, 16 * 4 + 32 * 3 + 128 * 2 + 256 + 1024 * 2 + 2048 * 3);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		assert_int_equal(heap_free(&heap, p[i]), 0);
	assert_int_equal(heap.bytes_in_use, 0);
	assert_int_equal(heap_free(&heap, NULL), 0);
}

static void test_reuse_is_zeroed(void **state)
{
	uint8_t *a, *b;

	(void)state;
	a = heap_alloc(&heap, 64);
	memset(a, 0xff, 64);
	assert_int_equal(heap_free(&heap, a), 0);
	b = heap_alloc(&heap, 64);
	assert_ptr_equal(a, b);
	assert_true(all_zero(b, 64));
	assert_int_equal(heap_free(&heap, b), 0);
}

static void test_big(void **state)
{
	static const size_t sizes[] = { 2049, 4096, 4097, 8192, 100000 };
	static const unsigned int orders[] = { 0, 0, 1, 1, 5 };
	uint64_t free_before = pa.free_pfns;
	uint8_t *p[ARRAY_SIZE(sizes)];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = heap_alloc(&heap, sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % PAGE_SIZE, 0);
		assert_true(all_zero(p[i], PAGE_SIZE << orders[i]));
		assert_int_equal(page_alloc_block_order(&pa, arena_unmap(p[i]) >> PAGE_SHIFT),
				 orders[i]);
		memset(p[i], 0x22, sizes[i]);
	}
	assert_int_equal(heap.bytes_in_use, PAGE_SIZE * (1 + 1 + 2 + 2 + 32));
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		assert_int_equal(heap_free(&heap, p[i]), 0);
	assert_int_equal(pa.free_pfns, free_before);
	assert_int_equal(heap.bytes_in_use, 0);
	/* Too big for the page allocator, or for size arithmetic. */
	assert_null(heap_alloc(&heap, (PAGE_SIZE << PAGE_ALLOC_MAX_ORDER) + 1));
	assert_null(heap_alloc(&heap, SIZE_MAX));
	assert_null(heap_alloc(&heap, ARENA_PAGES * PAGE_SIZE));
}

static void test_double_free(void **state)
{
	void *small, *big;

	(void)state;
	small = heap_alloc(&heap, 40);
	big = heap_alloc(&heap, 3 * PAGE_SIZE);
	assert_int_equal(heap_free(&heap, small), 0);
	assert_int_equal(heap_free(&heap, small), -EINVAL);
	assert_int_equal(heap_free(&heap, big), 0);
	assert_int_equal(heap_free(&heap, big), -EINVAL);
	assert_int_equal(heap.bytes_in_use, 0);
}

static void test_bad_pointers(void **state)
{
	uint8_t *small, *big, *page0;
	uint64_t in_use, free_pfns;
	int local;

	(void)state;
	small = heap_alloc(&heap, 100);
	big = heap_alloc(&heap, 2 * PAGE_SIZE);
	in_use = heap.bytes_in_use;
	free_pfns = pa.free_pfns;
	page0 = (uint8_t *)((uintptr_t)small & ~(uintptr_t)(PAGE_SIZE - 1));

	assert_int_equal(heap_free(&heap, small + 1), -EINVAL);   /* unaligned */
	assert_int_equal(heap_free(&heap, small + 16), -EINVAL);  /* inside the object */
	assert_int_equal(heap_free(&heap, small - 16), -EINVAL);  /* its header */
	assert_int_equal(heap_free(&heap, page0), -EINVAL);       /* the class page */
	assert_int_equal(heap_free(&heap, page0 + 16), -EINVAL);  /* the page header */
	assert_int_equal(heap_free(&heap, big + 16), -EINVAL);    /* inside a big block */
	assert_int_equal(heap_free(&heap, big + PAGE_SIZE), -EINVAL); /* its second page */
	assert_int_equal(heap_free(&heap, arena), -EINVAL);       /* a frame never freed */
	assert_int_equal(heap_free(&heap, arena + 300 * PAGE_SIZE), -EINVAL); /* a free frame */
	assert_int_equal(heap_free(&heap, arena + 300 * PAGE_SIZE + 48), -EINVAL);
	assert_int_equal(heap_free(&heap, &local), -EINVAL);      /* not in the arena at all */
	assert_int_equal(heap.bytes_in_use, in_use);
	assert_int_equal(pa.free_pfns, free_pfns);

	assert_int_equal(heap_free(&heap, small), 0);
	assert_int_equal(heap_free(&heap, big), 0);
}

/* Many objects of random sizes, each filled with its own byte: none may overlap. */
static void test_random_no_overlap(void **state)
{
	enum { N = 3000 };
	static uint8_t *p[N];
	static size_t size[N];
	size_t i, j, k;

	(void)state;
	srandom(4242);
	memset(p, 0, sizeof(p));
	for (k = 0; k < 20000; k++) {
		i = (size_t)random() % N;
		if (p[i]) {
			for (j = 0; j < size[i]; j++)
				assert_int_equal(p[i][j], (uint8_t)i);
			assert_int_equal(heap_free(&heap, p[i]), 0);
			p[i] = NULL;
			continue;
		}
		size[i] = random() % 8 == 0 ? (size_t)random() % 3 * PAGE_SIZE + 1
					   : (size_t)random() % 600;
		p[i] = heap_alloc(&heap, size[i]);
		if (!p[i])
			continue; /* arena full for now */
		assert_true(all_zero(p[i], size[i]));
		memset(p[i], (uint8_t)i, size[i]);
	}
	for (i = 0; i < N; i++) {
		if (!p[i])
			continue;
		for (j = 0; j < size[i]; j++)
			assert_int_equal(p[i][j], (uint8_t)i);
		assert_int_equal(heap_free(&heap, p[i]), 0);
	}
	assert_int_equal(heap.bytes_in_use, 0);
}

static void test_exhaustion(void **state)
{
	enum { N = 4096 };
	static void *p[N];
	size_t n = 0, i;

	(void)state;
	start(4);
	/* 4 pages of 64-byte objects, then nothing. */
	while (n < N && (p[n] = heap_alloc(&heap, 64)))
		n++;
	assert_int_equal(n, 4 * ((PAGE_SIZE - 16) / (64 + 16)));
	assert_int_equal(pa.free_pfns, 0);
	assert_null(heap_alloc(&heap, 64));
	assert_null(heap_alloc(&heap, 16));
	assert_null(heap_alloc(&heap, PAGE_SIZE));
	for (i = 0; i < n; i++)
		assert_int_equal(heap_free(&heap, p[i]), 0);
	/* Freed objects serve again; their pages stay with the class. */
	p[0] = heap_alloc(&heap, 64);
	assert_non_null(p[0]);
	assert_null(heap_alloc(&heap, 16));
	assert_int_equal(heap_free(&heap, p[0]), 0);
}

/* A write after free that hits a header makes the heap drop that list, not follow it. */
static void test_corrupted_free_list(void **state)
{
	uint8_t *a, *b;

	(void)state;
	a = heap_alloc(&heap, 32);
	assert_int_equal(heap_free(&heap, a), 0);
	memset(a - 16, 0x41, 16 + 32);
	b = heap_alloc(&heap, 32);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_int_equal(heap_free(&heap, a), -EINVAL);
	assert_int_equal(heap_free(&heap, b), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_classes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse_is_zeroed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_double_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_pointers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_no_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupted_free_list, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
