/*
 * Nested page-table builder, on a fake physical memory (an arena of table
 * pages at a made-up host address). For several memory maps the table is
 * walked, by a walker written here independently of p2m_build_translate(), at every
 * edge of every hidden range, across windows page by page and at thousands of
 * random addresses: a visible address maps to itself, a hidden one always
 * into the dummy 2 MiB at the same offset (never to its own frame), nothing
 * past the limit; large pages wherever a whole 1 GiB or 2 MiB allows, one
 * shared directory for all wholly hidden GiBs; p2m_build_map_4k changes exactly one
 * translation, splitting and copying as needed, and gives back what it no
 * longer needs: empty tables are freed (20000 map/unmap pairs at new
 * addresses hold one path), contiguous ones merge into 2 MiB and 1 GiB pages
 * (not across a read-only frame or a misaligned block; accessed and dirty
 * bits aside), an undone change leaves dom0's table as built, running out of
 * pages half way changes nothing; p2m_build_translate says whether every level is
 * writable; p2m_build_free_tables frees all but the shared directory. A freed page
 * that is used again fails the test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <asm/ept.h>
#include <asm/npt_build.h>
#include <tern/errno.h>

#define ARENA_BASE 0x0000700000000000ull
#define ARENA_PAGES 4096

struct range {
	uint64_t start, end;
};

/* Pages are handed out in order, freed ones again first (last freed first);
 * max bounds the pages live at once, as a domain's allowance does. */
static struct {
	uint64_t (*pages)[512];
	unsigned int used, live, max;
	bool freed[ARENA_PAGES];
	unsigned int free_stack[ARENA_PAGES], nr_free;
	const struct range *hidden;
	unsigned int nr_hidden;
	unsigned long hidden_calls;
} arena;

static uint64_t fake_alloc(void *ctx)
{
	unsigned int n;

	assert_ptr_equal(ctx, &arena);
	if (arena.live == arena.max || (!arena.nr_free && arena.used == ARENA_PAGES))
		return 0;
	n = arena.nr_free ? arena.free_stack[--arena.nr_free] : arena.used++;
	arena.freed[n] = false;
	arena.live++;
	memset(arena.pages[n], 0xff, 4096); /* dirty, then zeroed as promised */
	memset(arena.pages[n], 0, 4096);
	return ARENA_BASE + (uint64_t)n * 4096;
}

static uint64_t *fake_map(void *ctx, uint64_t pa)
{
	(void)ctx;
	if (pa < ARENA_BASE || pa >= ARENA_BASE + (uint64_t)arena.used * 4096 || pa & 0xfff ||
	    arena.freed[(pa - ARENA_BASE) / 4096])
		fail_msg("map of %#lx: not a table page", (unsigned long)pa);
	return arena.pages[(pa - ARENA_BASE) / 4096];
}

static void fake_free(void *ctx, uint64_t pa)
{
	unsigned int n = (unsigned int)((pa - ARENA_BASE) / 4096);

	fake_map(ctx, pa); /* a live table page */
	arena.freed[n] = true;
	arena.free_stack[arena.nr_free++] = n;
	arena.live--;
}

static struct p2m_mem mem = {
	.ctx = &arena, .alloc_table = fake_alloc, .free_table = fake_free, .map = fake_map,
	.pages_1g = true,
};

static bool fake_hidden(void *ctx, uint64_t addr, uint64_t len)
{
	assert_ptr_equal(ctx, &arena);
	arena.hidden_calls++;
	for (unsigned int i = 0; i < arena.nr_hidden; i++)
		if (arena.hidden[i].start < addr + len && addr < arena.hidden[i].end)
			return true;
	return false;
}

static bool page_hidden(uint64_t gpa)
{
	return fake_hidden(&arena, gpa & ~0xfffull, 4096);
}

static int setup(void **state)
{
	(void)state;
	free(arena.pages); /* when a test starts over */
	arena.pages = calloc(ARENA_PAGES, 4096);
	assert_non_null(arena.pages);
	arena.used = arena.live = arena.nr_free = 0;
	memset(arena.freed, 0, sizeof(arena.freed));
	arena.max = ARENA_PAGES;
	mem.pages_1g = true;
	arena.hidden = NULL;
	arena.nr_hidden = 0;
	arena.hidden_calls = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(arena.pages);
	arena.pages = NULL;
	return 0;
}

/* The test's own walk: leaf entry and page size, or false if not present. */
static bool walk(uint64_t root, uint64_t gpa, uint64_t *leaf, uint64_t *size)
{
	uint64_t table = root;

	for (int level = 3; level >= 0; level--) {
		uint64_t e = fake_map(NULL, table)[(gpa >> (12 + 9 * level)) & 511];

		if (!(e & NPT_P))
			return false;
		/* Every level: a guest access needs P, RW and US. */
		assert_true((e & NPT_RWX) == NPT_RWX);
		if (level == 0 || (e & NPT_PS)) {
			assert_true(level == 0 || level == 1 || level == 2);
			*leaf = e;
			*size = 1ull << (12 + 9 * level);
			return true;
		}
		table = e & P2M_ADDR_MASK;
	}
	return false;
}

static uint64_t leaf_hpa(uint64_t leaf, uint64_t size, uint64_t gpa)
{
	return (leaf & P2M_ADDR_MASK & ~(size - 1)) | (gpa & (size - 1));
}

/* Checks one address of an identity table built with the arena's hidden list. */
static void check_addr(uint64_t root, uint64_t gpa, uint64_t limit, uint64_t dummy)
{
	uint64_t leaf, size, hpa, hpa2, size2;
	bool present = walk(root, gpa, &leaf, &size);
	int rc = p2m_build_translate(&npt_format, &mem, root, gpa, &hpa2, &size2, NULL);

	if (gpa >= limit) {
		if (present)
			fail_msg("%#lx above the limit is mapped", (unsigned long)gpa);
		assert_int_equal(rc, -ENOENT);
		return;
	}
	if (!present)
		fail_msg("%#lx not mapped", (unsigned long)gpa);
	hpa = leaf_hpa(leaf, size, gpa);
	assert_int_equal(rc, 0);
	assert_int_equal(hpa2, hpa);
	assert_int_equal(size2, size);
	/* Write-back (PAT index 0), executable. */
	assert_int_equal(leaf & (NPT_PWT | NPT_PCD | NPT_NX), 0);
	if (size > 4096)
		assert_int_equal(leaf & (1ull << 12), 0);
	if (page_hidden(gpa)) {
		if (hpa != dummy + (gpa & (P2M_2M - 1)))
			fail_msg("hidden %#lx maps to %#lx, not into the dummy", (unsigned long)gpa,
				 (unsigned long)hpa);
	} else if (hpa != gpa) {
		fail_msg("visible %#lx maps to %#lx", (unsigned long)gpa, (unsigned long)hpa);
	}
}

/* Edges of every hidden range, 2 MiB and 1 GiB edges near them, windows, random. */
static void check_all(uint64_t root, uint64_t limit, uint64_t dummy)
{
	static const uint64_t fixed[] = {
		0, 0x1000, 0x9f000, 0xa0000, 0xfffff, 0x100000, 0x1fffff, 0x200000,
		0xfee00000, 0xfec00000, 0xfffff000, 0x100000000, 0x100001000,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(fixed); i++)
		check_addr(root, fixed[i], limit, dummy);
	check_addr(root, limit - 1, limit, dummy);
	check_addr(root, limit, limit, dummy);
	check_addr(root, limit + 4096, limit, dummy);
	for (unsigned int i = 0; i < arena.nr_hidden; i++) {
		const struct range *r = &arena.hidden[i];
		uint64_t edges[] = { r->start, r->end };

		for (unsigned int k = 0; k < 2; k++) {
			for (int64_t d = -3; d <= 3; d++) {
				uint64_t a = edges[k] + (uint64_t)d * 4096;

				check_addr(root, a, limit, dummy);
				check_addr(root, ALIGN_DOWN(a, P2M_2M) + (uint64_t)d * P2M_2M, limit, dummy);
				check_addr(root, ALIGN_DOWN(a, P2M_1G) + (uint64_t)d * P2M_1G, limit, dummy);
			}
			/* Page by page across the 2 MiB around each edge. */
			for (uint64_t a = ALIGN_DOWN(edges[k], P2M_2M) - P2M_2M;
			     a < ALIGN_DOWN(edges[k], P2M_2M) + P2M_2M; a += 4096)
				check_addr(root, a + 0x123, limit, dummy);
		}
	}
	srand(42);
	for (int i = 0; i < 20000; i++) {
		uint64_t a = (((uint64_t)rand() << 31) ^ (uint64_t)rand()) % (limit + P2M_1G);

		check_addr(root, a, limit, dummy);
		check_addr(root, a % GiB(8), limit, dummy);
	}
}

static uint64_t build(const struct range *hidden, unsigned int nr, uint64_t limit, uint64_t dummy)
{
	uint64_t root = 0;

	arena.hidden = hidden;
	arena.nr_hidden = nr;
	assert_int_equal(p2m_build_identity(&npt_format, &mem, &root, limit, fake_hidden, dummy), 0);
	assert_int_equal(p2m_build_count_tables(&npt_format, &mem, root), arena.live);
	return root;
}

/* q35, 2G: tern at 1 MiB, its pages and the dummy at the top of low RAM, the heap in between. */
static const struct range map_2g[] = {
	{ 0x100000, 0x230000 },     /* the hypervisor image */
	{ 0x40000000, 0x7ffe0000 }, /* the domain heap, up to the end of RAM (not 2M aligned) */
};
#define DUMMY_2G 0x7fc00000ull

static void test_q35_2g(void **state)
{
	uint64_t root, leaf, size;

	(void)state;
	root = build(map_2g, ARRAY_SIZE(map_2g), 1ull << 40, DUMMY_2G);
	check_all(root, 1ull << 40, DUMMY_2G);
	/* dom0's RAM at 16 MiB and the MMIO above 4 GiB: 2 MiB and 1 GiB pages. */
	assert_true(walk(root, MiB(16), &leaf, &size) && size == P2M_2M);
	assert_true(walk(root, GiB(5), &leaf, &size) && size == P2M_1G);
	assert_true(walk(root, GiB(3) + 5, &leaf, &size) && size == P2M_1G);
	/* The heap's whole 2 MiB blocks are 2 MiB pages onto the dummy. */
	assert_true(walk(root, 0x50000000, &leaf, &size) && size == P2M_2M);
	assert_int_equal(leaf & P2M_ADDR_MASK, DUMMY_2G);
	/* The heap's 1 GiB (0x40000000-0x7ffe0000) is not whole: one directory, one table at its end. */
	assert_true(walk(root, 0x7ffe0000, &leaf, &size) && size == 4096);
	/*
	 * root, PDPTs for 0-512G and 512G-1T; for GiB 0 a PD and two PTs (the
	 * image crosses the 2 MiB line); for the heap's GiB a PD and one PT.
	 */
	assert_int_equal(p2m_build_count_tables(&npt_format, &mem, root), 8);
}

/* q35, 4G: the heap is the RAM above 4 GiB (2 whole GiBs) plus a piece below. */
static const struct range map_4g[] = {
	{ 0x100000, 0x230000 },
	{ 0x7fc00000, 0x80000000 },   /* the hypervisor's pages and the dummy */
	{ 0x60000000, 0x7fc00000 },
	{ 0x100000000, 0x180000000 }, /* the heap above 4 GiB */
};
#define DUMMY_4G 0x7fc00000ull

static void test_q35_4g(void **state)
{
	uint64_t root, leaf, size, shared;

	(void)state;
	root = build(map_4g, ARRAY_SIZE(map_4g), 1ull << 40, DUMMY_4G);
	check_all(root, 1ull << 40, DUMMY_4G);
	/* Both hidden GiBs point at one shared directory. */
	assert_true(walk(root, GiB(4), &leaf, &size) && size == P2M_2M);
	shared = fake_map(NULL, root)[0];
	shared = fake_map(NULL, shared & P2M_ADDR_MASK)[4];
	assert_true(shared & NPT_SHARED);
	assert_int_equal(fake_map(NULL, root)[0] & NPT_SHARED, 0);
	assert_int_equal(fake_map(NULL, fake_map(NULL, root)[0] & P2M_ADDR_MASK)[5], shared);
	/* root, 2 PDPTs, PD + 2 PTs for GiB 0, a PD for GiB 1 (2 MiB-aligned ranges), the shared PD. */
	assert_int_equal(p2m_build_count_tables(&npt_format, &mem, root), 8);
}

/* Without 1 GiB pages: the same translations, no leaf larger than 2 MiB. */
static void test_q35_4g_without_1g_pages(void **state)
{
	uint64_t root, leaf, size;

	(void)state;
	mem.pages_1g = false; /* CPUs without 1 GiB pages exist */
	root = build(map_4g, ARRAY_SIZE(map_4g), GiB(64), DUMMY_4G);
	check_all(root, GiB(64), DUMMY_4G);
	for (uint64_t a = 0; a < GiB(64); a += P2M_2M) {
		assert_true(walk(root, a, &leaf, &size));
		assert_true(size <= P2M_2M);
	}
}

/* A real machine's fragments: single hidden pages, odd ranges, a hidden GiB run of 62. */
static const struct range map_fragmented[] = {
	{ 0x58000, 0x59000 },
	{ 0x9e000, 0x9f000 },
	{ 0x100000, 0x280000 },
	{ 0x20000000, 0x20200000 }, /* exactly one 2 MiB block */
	{ 0x40004000, 0x40005000 },
	{ 0x8c2f1000, 0x8c6c4000 },
	{ 0x8dfff000, 0x8e000000 },
	{ 0x200000000, 0x1000000000 }, /* 56 GiB of heap */
	{ 0x1000001000, 0x1000003000 },
};
#define DUMMY_FRAG 0x8c400000ull

static void test_fragmented(void **state)
{
	uint64_t root, leaf, size;

	(void)state;
	root = build(map_fragmented, ARRAY_SIZE(map_fragmented), 0x1040000000ull, DUMMY_FRAG);
	check_all(root, 0x1040000000ull, DUMMY_FRAG);
	assert_true(walk(root, 0x20000000, &leaf, &size) && size == P2M_2M);
	assert_int_equal(leaf & P2M_ADDR_MASK, DUMMY_FRAG);
	/* 56 hidden GiBs cost one directory. */
	assert_true(p2m_build_count_tables(&npt_format, &mem, root) < 20);
	/* A limit that is not 2 MiB aligned: mapped up to it, nothing after. */
	setup(NULL);
	root = build(map_fragmented, ARRAY_SIZE(map_fragmented), 0x80123000, DUMMY_FRAG);
	check_all(root, 0x80123000, DUMMY_FRAG);
	assert_true(walk(root, 0x80122000, &leaf, &size) && size == 4096);
}

static void test_large_pages(void **state)
{
	uint64_t root;

	(void)state;
	/* 1 TiB, all visible: root and two PDPTs of 1 GiB pages. */
	root = build(NULL, 0, 1ull << 40, 0);
	assert_int_equal(p2m_build_count_tables(&npt_format, &mem, root), 3);
	check_all(root, 1ull << 40, 0);
	/* 1 TiB all hidden: one shared directory on top. */
	setup(NULL);
	static const struct range all[] = { { 0, 1ull << 40 } };
	root = build(all, 1, 1ull << 40, MiB(2));
	assert_int_equal(p2m_build_count_tables(&npt_format, &mem, root), 4);
	check_addr(root, GiB(700) + 0x12345, 1ull << 40, MiB(2));
	/* The whole 2^48. */
	setup(NULL);
	root = build(NULL, 0, P2M_LIMIT, 0);
	assert_int_equal(p2m_build_count_tables(&npt_format, &mem, root), 1 + 512);
}

/* Snapshot of translations at many addresses, to compare after a change. */
#define NR_PROBES 4000
static uint64_t probe_gpa[NR_PROBES], probe_hpa[NR_PROBES];
static bool probe_ok[NR_PROBES];

static void snapshot(uint64_t root)
{
	srand(7);
	for (int i = 0; i < NR_PROBES; i++) {
		uint64_t a = i < 1024 ? GiB(4) + (uint64_t)i * 4096 + 8 : /* around the split pages */
			     i < 2048 ? (uint64_t)(i - 1024) * 4096 + 0x12345678 :
			     (((uint64_t)rand() << 31) ^ (uint64_t)rand()) % GiB(16);

		probe_gpa[i] = a;
		probe_ok[i] = p2m_build_translate(&npt_format, &mem, root, a, &probe_hpa[i], NULL, NULL) == 0;
	}
}

static void compare(uint64_t root, uint64_t changed_gpa)
{
	for (int i = 0; i < NR_PROBES; i++) {
		uint64_t hpa;
		bool ok = p2m_build_translate(&npt_format, &mem, root, probe_gpa[i], &hpa, NULL, NULL) == 0;

		if ((probe_gpa[i] & ~0xfffull) == changed_gpa)
			continue;
		assert_int_equal(ok, probe_ok[i]);
		if (ok && hpa != probe_hpa[i])
			fail_msg("%#lx moved from %#lx to %#lx", (unsigned long)probe_gpa[i],
				 (unsigned long)probe_hpa[i], (unsigned long)hpa);
	}
}

static void test_map_4k(void **state)
{
	uint64_t root, hpa, size, shared_before[512], pdpte;
	unsigned long tables;

	(void)state;
	root = build(map_4g, ARRAY_SIZE(map_4g), GiB(16), DUMMY_4G);
	pdpte = fake_map(NULL, fake_map(NULL, root)[0] & P2M_ADDR_MASK)[4];
	memcpy(shared_before, fake_map(NULL, pdpte & P2M_ADDR_MASK), sizeof(shared_before));

	/* Inside a 1 GiB page: split to 2 MiB pages, then to 4 KiB. */
	snapshot(root);
	tables = p2m_build_count_tables(&npt_format, &mem, root);
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, GiB(9) + 0x5000, 0xabcd000, P2M_RWX), 0);
	assert_int_equal(p2m_build_translate(&npt_format, &mem, root, GiB(9) + 0x5123, &hpa, &size, NULL), 0);
	assert_int_equal(hpa, 0xabcd123);
	assert_int_equal(size, 4096);
	assert_int_equal(p2m_build_count_tables(&npt_format, &mem, root), tables + 2);
	assert_int_equal(p2m_build_translate(&npt_format, &mem, root, GiB(9) + P2M_2M, &hpa, &size, NULL), 0);
	assert_int_equal(size, P2M_2M);
	compare(root, GiB(9) + 0x5000);

	/* Inside the shared directory: copied, the other hidden GiB and the original untouched. */
	snapshot(root);
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, GiB(4) + 0x3000, 0x5000, P2M_R | P2M_W), 0);
	assert_int_equal(p2m_build_translate(&npt_format, &mem, root, GiB(4) + 0x3000, &hpa, NULL, NULL), 0);
	assert_int_equal(hpa, 0x5000);
	compare(root, GiB(4) + 0x3000);
	assert_memory_equal(fake_map(NULL, pdpte & P2M_ADDR_MASK), shared_before, sizeof(shared_before));
	assert_int_equal(fake_map(NULL, fake_map(NULL, root)[0] & P2M_ADDR_MASK)[5], pdpte);
	assert_int_equal(fake_map(NULL, fake_map(NULL, root)[0] & P2M_ADDR_MASK)[4] & NPT_SHARED, 0);
	/* The dummy offset is preserved for the rest of that hidden 2 MiB. */
	assert_int_equal(p2m_build_translate(&npt_format, &mem, root, GiB(4) + 0x4000, &hpa, NULL, NULL), 0);
	assert_int_equal(hpa, DUMMY_4G + 0x4000);

	/* In an existing page table; unmap; a second change of the same frame. */
	snapshot(root);
	tables = p2m_build_count_tables(&npt_format, &mem, root);
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, GiB(4) + 0x3000, 0x6000, P2M_RWX), 0);
	assert_int_equal(p2m_build_count_tables(&npt_format, &mem, root), tables);
	compare(root, GiB(4) + 0x3000);
	snapshot(root);
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, 0x150000, 0, 0), 0);
	assert_int_equal(p2m_build_translate(&npt_format, &mem, root, 0x150000, &hpa, NULL, NULL), -ENOENT);
	compare(root, 0x150000);
	snapshot(root);

	/* Above the limit: new tables. */
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, GiB(600), 0x7000, P2M_RWX), 0);
	assert_int_equal(p2m_build_translate(&npt_format, &mem, root, GiB(600) + 1, &hpa, NULL, NULL), 0);
	assert_int_equal(hpa, 0x7001);
	compare(root, GiB(600));

	/* Bad arguments. */
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, 0x1001, 0, P2M_RWX), -EINVAL);
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, 0x1000, 0x1001, P2M_RWX), -EINVAL);
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, P2M_LIMIT, 0, P2M_RWX), -EINVAL);
	assert_int_equal(p2m_build_translate(&npt_format, &mem, root, P2M_LIMIT, &hpa, NULL, NULL), -ENOENT);
}

static void test_errors(void **state)
{
	uint64_t root = 0;

	(void)state;
	arena.hidden = map_4g;
	arena.nr_hidden = ARRAY_SIZE(map_4g);
	assert_int_equal(p2m_build_identity(&npt_format, &mem, &root, GiB(8), fake_hidden, 0x7fc01000), -EINVAL);
	assert_int_equal(p2m_build_identity(&npt_format, &mem, &root, P2M_LIMIT + 1, fake_hidden, 0), -EINVAL);
	/* Out of table pages at every possible point. */
	for (unsigned int max = 0; max < 7; max++) {
		setup(NULL);
		arena.hidden = map_4g;
		arena.nr_hidden = ARRAY_SIZE(map_4g);
		arena.max = max;
		assert_int_equal(p2m_build_identity(&npt_format, &mem, &root, GiB(8), fake_hidden, DUMMY_4G), -ENOMEM);
		teardown(NULL);
	}
	setup(NULL);
	arena.max = 7;
	arena.hidden = map_4g;
	arena.nr_hidden = ARRAY_SIZE(map_4g);
	assert_int_equal(p2m_build_identity(&npt_format, &mem, &root, GiB(8), fake_hidden, DUMMY_4G), 0);
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, GiB(6), 0, P2M_RWX), -ENOMEM);
}


/* Whether the root maps nothing any more. */
static bool npt_table_is_empty_root(uint64_t root)
{
	for (int i = 0; i < 512; i++)
		if (fake_map(NULL, root)[i])
			return false;
	return true;
}

/* A domU's table: only a root to start with. */
static uint64_t empty_table(void)
{
	uint64_t root = fake_alloc(&arena);

	assert_true(root != 0);
	return root;
}

static uint64_t page_size_at(uint64_t root, uint64_t gpa)
{
	uint64_t hpa, size;

	assert_int_equal(p2m_build_translate(&npt_format, &mem, root, gpa, &hpa, &size, NULL), 0);
	return size;
}

/* Unmapping empties tables, which go: map/unmap at ever-new addresses
 * never holds more than one path of tables. */
static void test_unmap_frees_tables(void **state)
{
	uint64_t root, hpa;

	(void)state;
	root = empty_table();
	for (uint64_t i = 0; i < 20000; i++) {
		uint64_t gpa = GiB(4) + (i * 7919 % 262144) * 4096 + (i / 262144) * GiB(700);

		assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, gpa, 0x100000 + i * 4096, P2M_RWX), 0);
		assert_int_equal(arena.live, 4);
		assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, gpa, 0, 0), 0);
		assert_int_equal(arena.live, 1);
		assert_int_equal(p2m_build_translate(&npt_format, &mem, root, gpa, &hpa, NULL, NULL), -ENOENT);
	}
	assert_true(arena.used < 8);
	assert_true(npt_table_is_empty_root(root));
}

/* Filling a 2 MiB block with contiguous, aligned frames (how populate gives
 * a 2 MiB extent) leaves one 2 MiB page; changing one frame splits it
 * again, changing it back merges. */
static void test_contiguous_frames_merge(void **state)
{
	const uint64_t block = 0x40000000;
	uint64_t root, hpa;

	(void)state;
	root = empty_table();
	for (uint64_t i = 0; i < 512; i++) {
		assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, MiB(2) + i * 4096, block + i * 4096, P2M_RWX), 0);
		assert_int_equal(arena.live, i == 511 ? 3 : 4);
	}
	assert_int_equal(page_size_at(root, MiB(2) + 0x1234), P2M_2M);
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, MiB(3), 0x9000, P2M_RWX), 0);
	assert_int_equal(page_size_at(root, MiB(2)), 4096);
	assert_int_equal(p2m_build_translate(&npt_format, &mem, root, MiB(3) + 5, &hpa, NULL, NULL), 0);
	assert_int_equal(hpa, 0x9005);
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, MiB(3), block + MiB(1), P2M_RWX), 0);
	assert_int_equal(page_size_at(root, MiB(2)), P2M_2M);
	assert_int_equal(arena.live, 3);
}

/* Entries that differ in what matters do not merge; accessed and dirty
 * bits (which the CPU sets as the guest runs) do not matter. */
static void test_what_does_not_merge(void **state)
{
	const uint64_t block = 0x40000000;
	uint64_t root, pt, pd, pdpt;

	(void)state;
	root = empty_table();
	/* One read-only frame (like dom0's LAPIC page) keeps the table. */
	for (uint64_t i = 0; i < 512; i++)
		assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, i * 4096, block + i * 4096,
					    i == 300 ? P2M_RX : P2M_RWX), 0);
	assert_int_equal(page_size_at(root, 0), 4096);
	/* Frames of a block that is not 2 MiB aligned. */
	for (uint64_t i = 0; i < 512; i++)
		assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, MiB(2) + i * 4096, block + 4096 + i * 4096,
					    P2M_RWX), 0);
	assert_int_equal(page_size_at(root, MiB(2)), 4096);
	/* Accessed and dirty bits set by the CPU on a table about to fill up. */
	for (uint64_t i = 0; i < 511; i++)
		assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, MiB(4) + i * 4096, block + i * 4096, P2M_RWX), 0);
	pdpt = fake_map(NULL, root)[0] & P2M_ADDR_MASK;
	pd = fake_map(NULL, pdpt)[0] & P2M_ADDR_MASK;
	pt = fake_map(NULL, pd)[2] & P2M_ADDR_MASK;
	fake_map(NULL, pt)[7] |= NPT_A | NPT_D;
	fake_map(NULL, pd)[0] |= NPT_A;
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, MiB(4) + 511 * 4096, block + 511 * 4096, P2M_RWX), 0);
	assert_int_equal(page_size_at(root, MiB(4)), P2M_2M);
}

/* In dom0's identity table a change and its undoing leave the table as it
 * was built, with its 1 GiB page back (or, without 1 GiB pages, its
 * directory of 2 MiB pages). */
static void test_undo_restores_identity(void **state)
{
	for (int with_1g = 1; with_1g >= 0; with_1g--) {
		uint64_t root, tables;

		setup(state);
		mem.pages_1g = with_1g;
		root = build(map_4g, ARRAY_SIZE(map_4g), GiB(16), DUMMY_4G);
		tables = arena.live;
		snapshot(root);
		assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, GiB(9) + 0x5000, 0xabcd000, P2M_RWX), 0);
		assert_int_equal(arena.live, tables + 1 + with_1g);
		assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, GiB(9) + 0x5000, GiB(9) + 0x5000, P2M_RWX), 0);
		assert_int_equal(arena.live, tables);
		assert_int_equal(page_size_at(root, GiB(9)), with_1g ? P2M_1G : P2M_2M);
		compare(root, ~0ull);
		assert_int_equal(p2m_build_count_tables(&npt_format, &mem, root), tables);
	}
}

/* Out of pages half way down: nothing allocated stays, nothing split stays
 * split, no translation changed. */
static void test_out_of_pages_changes_nothing(void **state)
{
	uint64_t root, tables, hpa;

	(void)state;
	root = empty_table();
	arena.max = 3; /* a root, a PDPT and a PD; no page table */
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, GiB(4), 0x1000, P2M_RWX), -ENOMEM);
	assert_int_equal(arena.live, 1);
	assert_true(npt_table_is_empty_root(root));

	setup(state);
	root = build(map_4g, ARRAY_SIZE(map_4g), GiB(16), DUMMY_4G);
	tables = arena.live;
	arena.max = tables + 1; /* the split of the 1 GiB page, no page table */
	snapshot(root);
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, GiB(9) + 0x5000, 0xabcd000, P2M_RWX), -ENOMEM);
	assert_int_equal(arena.live, tables);
	assert_int_equal(page_size_at(root, GiB(9)), P2M_1G);
	assert_int_equal(p2m_build_translate(&npt_format, &mem, root, GiB(9) + 0x5000, &hpa, NULL, NULL), 0);
	assert_int_equal(hpa, GiB(9) + 0x5000);
	compare(root, ~0ull);
}

static void test_writable(void **state)
{
	uint64_t root, hpa;
	bool w;

	(void)state;
	root = empty_table();
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, 0x1000, 0x5000, P2M_RWX), 0);
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, 0x2000, 0x6000, P2M_RX), 0);
	assert_int_equal(p2m_build_translate(&npt_format, &mem, root, 0x1000, &hpa, NULL, &w), 0);
	assert_true(w);
	assert_int_equal(p2m_build_translate(&npt_format, &mem, root, 0x2008, &hpa, NULL, &w), 0);
	assert_false(w);
	assert_int_equal(hpa, 0x6008);
	/* A read-only level above a writable leaf. */
	fake_map(NULL, root)[0] &= ~NPT_RW;
	assert_int_equal(p2m_build_translate(&npt_format, &mem, root, 0x1000, &hpa, NULL, &w), 0);
	assert_false(w);
}

/* Destroy: every page goes but the shared directory, which is not the table's. */
static void test_free_tables(void **state)
{
	uint64_t root;

	(void)state;
	root = build(map_4g, ARRAY_SIZE(map_4g), GiB(16), DUMMY_4G);
	assert_int_equal(p2m_build_map_4k(&npt_format, &mem, root, GiB(600), 0x7000, P2M_RWX), 0);
	p2m_build_free_tables(&npt_format, &mem, root);
	assert_int_equal(arena.live, 1);
}

/*
 * The same builder in EPT's encoding (vmx/ept.c): tables link with read,
 * write and execute and nothing in bits 3-7; pages are write-back with the
 * guest's PAT honoured, large ones with bit 7; no NPT bit (US, NX) appears;
 * a read-only, non-executable frame has exactly R and the memory type; a
 * map and its unmap leave the table as built; writes need W at every level.
 */
static void check_ept_entries(uint64_t table, unsigned int level)
{
	for (unsigned int i = 0; i < 512; i++) {
		uint64_t e = fake_map(NULL, table)[i];

		if (!e)
			continue;
		if (level == 0 || (e & EPT_PS)) {
			assert_int_equal(e & ~P2M_ADDR_MASK & ~EPT_PS & ~EPT_SHARED,
					 EPT_RWX | EPT_MEMTYPE_WB);
			assert_true(level == 0 ? !(e & EPT_PS) : level <= 2);
			continue;
		}
		assert_int_equal(e & ~P2M_ADDR_MASK & ~EPT_SHARED, EPT_RWX);
		check_ept_entries(e & P2M_ADDR_MASK, level - 1);
	}
}

static void test_ept_encoding(void **state)
{
	static const struct range hidden[] = { { MiB(16), MiB(16) + 0x3000 }, { GiB(2), GiB(3) } };
	const struct p2m_format *f = &ept_format;
	uint64_t root, hpa, size, before[512];
	unsigned long tables;
	bool w;

	(void)state;
	arena.hidden = hidden;
	arena.nr_hidden = ARRAY_SIZE(hidden);
	assert_int_equal(p2m_build_identity(f, &mem, &root, GiB(6), fake_hidden, DUMMY_4G), 0);
	check_ept_entries(root, 3);
	/* Visible: identity, in the largest page that fits. */
	assert_int_equal(p2m_build_translate(f, &mem, root, GiB(5) + 0x1234, &hpa, &size, &w), 0);
	assert_true(hpa == GiB(5) + 0x1234 && size == P2M_1G && w);
	assert_int_equal(p2m_build_translate(f, &mem, root, MiB(16) + 0x4000, &hpa, &size, NULL), 0);
	assert_true(hpa == MiB(16) + 0x4000 && size == 4096);
	/* Hidden: onto the dummy at the same offset. */
	assert_int_equal(p2m_build_translate(f, &mem, root, MiB(16) + 0x1008, &hpa, NULL, NULL), 0);
	assert_int_equal(hpa, DUMMY_4G + 0x1008);
	assert_int_equal(p2m_build_translate(f, &mem, root, GiB(2) + MiB(3), &hpa, &size, NULL), 0);
	assert_true(hpa == DUMMY_4G + MiB(1) && size == P2M_2M);
	assert_int_equal(p2m_build_translate(f, &mem, root, GiB(6), &hpa, NULL, NULL), -ENOENT);

	/* A read-only, non-executable frame inside a 1 GiB page, then undone. */
	memcpy(before, fake_map(NULL, root), sizeof(before));
	tables = p2m_build_count_tables(f, &mem, root);
	assert_int_equal(p2m_build_map_4k(f, &mem, root, GiB(4) + 0x7000, 0x9000, P2M_R), 0);
	assert_int_equal(p2m_build_translate(f, &mem, root, GiB(4) + 0x7010, &hpa, &size, &w), 0);
	assert_true(hpa == 0x9010 && size == 4096 && !w);
	uint64_t pdpt = fake_map(NULL, root)[0] & P2M_ADDR_MASK;
	uint64_t pd = fake_map(NULL, pdpt)[4] & P2M_ADDR_MASK;
	uint64_t pt = fake_map(NULL, pd)[0] & P2M_ADDR_MASK;
	assert_int_equal(fake_map(NULL, pt)[7], 0x9000 | EPT_R | EPT_MEMTYPE_WB);
	assert_int_equal(fake_map(NULL, pt)[8], (GiB(4) + 0x8000) | EPT_RWX | EPT_MEMTYPE_WB);
	assert_int_equal(fake_map(NULL, pd)[1], (GiB(4) + P2M_2M) | EPT_RWX | EPT_MEMTYPE_WB | EPT_PS);
	assert_int_equal(p2m_build_map_4k(f, &mem, root, GiB(4) + 0x7000, GiB(4) + 0x7000, P2M_RWX), 0);
	assert_int_equal(p2m_build_count_tables(f, &mem, root), tables);
	assert_memory_equal(before, fake_map(NULL, root), sizeof(before));
	check_ept_entries(root, 3);
	/* Unmapped: not present, and the CPU sets no bit the walk would take for one. */
	assert_int_equal(p2m_build_map_4k(f, &mem, root, 0x5000, 0, 0), 0);
	assert_int_equal(p2m_build_translate(f, &mem, root, 0x5000, &hpa, NULL, NULL), -ENOENT);
	/* Execute-only and write-only are not ours to make: R comes with every access. */
	assert_int_equal(p2m_build_map_4k(f, &mem, root, 0x6000, 0x6000, P2M_RX), 0);
	assert_int_equal(p2m_build_translate(f, &mem, root, 0x6000, &hpa, NULL, &w), 0);
	assert_false(w);
	p2m_build_free_tables(f, &mem, root);
	assert_int_equal(arena.live, 1); /* the shared directory of the hidden GiB */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_q35_2g, setup, teardown),
		cmocka_unit_test_setup_teardown(test_q35_4g, setup, teardown),
		cmocka_unit_test_setup_teardown(test_q35_4g_without_1g_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragmented, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_4k, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_frees_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contiguous_frames_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_what_does_not_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undo_restores_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_pages_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ept_encoding, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
