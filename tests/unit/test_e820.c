/*
 * e820 sanitiser and carve-out. Realistic maps (QEMU q35 with 512M and 4G,
 * a messy BIOS map) are checked entry by entry; those and thousands of random
 * maps are also checked against an oracle that applies the overlap rules to
 * the raw input one address at a time, at every boundary and next to it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <tern/e820.h>
#include <tern/errno.h>

static struct e820_map map, raw;

static void add(struct e820_map *m, uint64_t addr, uint64_t size, uint32_t type)
{
	assert_int_equal(e820_add(m, addr, size, type), 0);
}

static void expect(unsigned int i, uint64_t addr, uint64_t end, uint32_t type)
{
	if (i >= map.nr)
		fail_msg("entry %u missing (map has %u)", i, map.nr);
	if (map.entry[i].addr != addr || map.entry[i].addr + map.entry[i].size != end ||
	    map.entry[i].type != type)
		fail_msg("entry %u: %#lx-%#lx %s, want %#lx-%#lx %s", i,
			 (unsigned long)map.entry[i].addr,
			 (unsigned long)(map.entry[i].addr + map.entry[i].size),
			 e820_type_name(map.entry[i].type), (unsigned long)addr,
			 (unsigned long)end, e820_type_name(type));
}

static uint64_t raw_end(const struct e820_entry *e)
{
	return e->addr + e->size < e->addr ? UINT64_MAX : e->addr + e->size;
}

/* The overlap rule, written independently: other types beat RAM, else the higher. */
static bool beats(uint32_t a, uint32_t b)
{
	if (a == b)
		return false;
	if (b == E820_RAM)
		return true;
	if (a == E820_RAM)
		return false;
	return a > b;
}

/* The type the raw input gives address a; false if no entry covers it. */
static bool oracle_at(const struct e820_map *in, uint64_t a, uint32_t *type)
{
	bool found = false;
	unsigned int i;

	for (i = 0; i < in->nr; i++) {
		const struct e820_entry *e = &in->entry[i];

		if (!e->size || a < e->addr || a >= raw_end(e))
			continue;
		if (!found || beats(e->type, *type)) {
			*type = e->type;
			found = true;
		}
	}
	return found;
}

/* RAM survives only in pages that are RAM in every byte. */
static bool oracle_page_is_ram(const struct e820_map *in, uint64_t a)
{
	uint64_t page = a & PAGE_MASK;
	uint32_t t;
	unsigned int i;

	if (page > UINT64_MAX - PAGE_SIZE)
		return false; /* the last page ends at 2^64, which no entry reaches */
	if (!oracle_at(in, page, &t) || t != E820_RAM)
		return false;
	for (i = 0; i < in->nr; i++) {
		const struct e820_entry *e = &in->entry[i];
		uint64_t b[2] = { e->addr, raw_end(e) };
		int k;

		if (!e->size)
			continue;
		for (k = 0; k < 2; k++) {
			if (b[k] > page && b[k] < page + PAGE_SIZE &&
			    (!oracle_at(in, b[k], &t) || t != E820_RAM))
				return false;
		}
	}
	if (page + PAGE_SIZE - 1 == UINT64_MAX)
		return false;
	return oracle_at(in, page + PAGE_SIZE - 1, &t) && t == E820_RAM;
}

static bool map_at(uint64_t a, uint32_t *type)
{
	unsigned int i;

	for (i = 0; i < map.nr; i++) {
		if (a >= map.entry[i].addr && a - map.entry[i].addr < map.entry[i].size) {
			*type = map.entry[i].type;
			return true;
		}
	}
	return false;
}

static void check_canonical(void)
{
	unsigned int i;

	for (i = 0; i < map.nr; i++) {
		const struct e820_entry *e = &map.entry[i];

		assert_true(e->size > 0);
		assert_true(e->addr + e->size >= e->addr);
		if (e->type == E820_RAM) {
			assert_int_equal(e->addr & (PAGE_SIZE - 1), 0);
			assert_int_equal(e->size & (PAGE_SIZE - 1), 0);
		}
		if (i) {
			const struct e820_entry *p = &map.entry[i - 1];

			assert_true(p->addr + p->size <= e->addr);
			if (p->addr + p->size == e->addr)
				assert_true(p->type != e->type);
		}
	}
}

static void check_probe(uint64_t a)
{
	uint32_t want = 0, got = 0;
	bool has_want = oracle_at(&raw, a, &want);
	bool has_got = map_at(a, &got);

	if (has_want && want == E820_RAM && !oracle_page_is_ram(&raw, a))
		has_want = false;
	if (has_want != has_got || (has_want && want != got))
		fail_msg("address %#lx: got %s, want %s", (unsigned long)a,
			 has_got ? e820_type_name(got) : "nothing",
			 has_want ? e820_type_name(want) : "nothing");
}

/* Compares map (sanitised) with the oracle over raw at every interesting address. */
static void check_against_oracle(void)
{
	static const int64_t deltas[] = { -4097, -4096, -1, 0, 1, 4095, 4096 };
	unsigned int i, d;

	check_canonical();
	for (i = 0; i < raw.nr; i++) {
		uint64_t b[2] = { raw.entry[i].addr, raw_end(&raw.entry[i]) };
		int k;

		for (k = 0; k < 2; k++) {
			for (d = 0; d < ARRAY_SIZE(deltas); d++) {
				check_probe(b[k] + (uint64_t)deltas[d]);
				check_probe((b[k] & PAGE_MASK) + (uint64_t)deltas[d]);
			}
		}
	}
	for (i = 0; i < map.nr; i++) {
		check_probe(map.entry[i].addr);
		check_probe(map.entry[i].addr + map.entry[i].size - 1);
	}
}

static int setup(void **state)
{
	(void)state;
	memset(&map, 0, sizeof(map));
	memset(&raw, 0, sizeof(raw));
	return 0;
}

/* What SeaBIOS hands over for `qemu-system-x86_64 -machine q35 -m 512M`. */
static void q35_512m(struct e820_map *m)
{
	add(m, 0x0, 0x9fc00, E820_RAM);
	add(m, 0x9fc00, 0x400, E820_RESERVED);
	add(m, 0xf0000, 0x10000, E820_RESERVED);
	add(m, 0x100000, 0x1fee0000, E820_RAM);
	add(m, 0x1ffe0000, 0x20000, E820_RESERVED);
	add(m, 0xb0000000, 0x10000000, E820_RESERVED);
	add(m, 0xfed1c000, 0x4000, E820_RESERVED);
	add(m, 0xfeffc000, 0x4000, E820_RESERVED);
	add(m, 0xfffc0000, 0x40000, E820_RESERVED);
}

/* -m 4G: 2G below the 3G-4G hole, the rest above 4G. */
static void q35_4g(struct e820_map *m)
{
	add(m, 0x0, 0x9fc00, E820_RAM);
	add(m, 0x9fc00, 0x400, E820_RESERVED);
	add(m, 0xf0000, 0x10000, E820_RESERVED);
	add(m, 0x100000, 0x7fee0000, E820_RAM);
	add(m, 0x7ffe0000, 0x20000, E820_RESERVED);
	add(m, 0xb0000000, 0x10000000, E820_RESERVED);
	add(m, 0xfed1c000, 0x4000, E820_RESERVED);
	add(m, 0xfeffc000, 0x4000, E820_RESERVED);
	add(m, 0xfffc0000, 0x40000, E820_RESERVED);
	add(m, 0x100000000, 0x80000000, E820_RAM);
}

static void test_q35_512m(void **state)
{
	(void)state;
	q35_512m(&map);
	raw = map;
	/* Only the first RAM entry changes: it is trimmed to a whole page. */
	assert_int_equal(e820_sanitize(&map), 1);
	assert_int_equal(map.nr, 9);
	expect(0, 0x0, 0x9f000, E820_RAM);
	expect(1, 0x9fc00, 0xa0000, E820_RESERVED);
	expect(3, 0x100000, 0x1ffe0000, E820_RAM);
	expect(8, 0xfffc0000, 0x100000000, E820_RESERVED);
	assert_int_equal(e820_total(&map, E820_RAM), 0x9f000 + 0x1fee0000);
	assert_int_equal(e820_end(&map, E820_RAM), 0x1ffe0000);
	check_against_oracle();
	/* Sanitising a sanitised map changes nothing. */
	raw = map;
	assert_int_equal(e820_sanitize(&map), 0);
	assert_memory_equal(&map, &raw, sizeof(map));
}

static void test_q35_4g_and_carve(void **state)
{
	uint64_t ram;

	(void)state;
	q35_4g(&map);
	raw = map;
	assert_int_equal(e820_sanitize(&map), 1);
	assert_int_equal(map.nr, 10);
	expect(9, 0x100000000, 0x180000000, E820_RAM);
	ram = e820_total(&map, E820_RAM);
	assert_int_equal(ram, 0x9f000 + 0x7fee0000 + 0x80000000ULL);
	assert_int_equal(e820_end(&map, E820_RAM), 0x180000000);
	assert_int_equal(e820_end(&map, E820_RESERVED), 0x100000000);
	check_against_oracle();

	/* The hypervisor image at 2M, then dom0's kernel and initrd after it. */
	assert_int_equal(e820_set_type(&map, 0x200000, 0x345000, E820_HYPERVISOR), 0);
	assert_int_equal(e820_set_type(&map, 0x545000, 0x7a2000, E820_MODULE), 0);
	assert_int_equal(e820_set_type(&map, 0xce7000, 0x1234567, E820_MODULE), 0);
	check_canonical();
	expect(3, 0x100000, 0x200000, E820_RAM);
	expect(4, 0x200000, 0x545000, E820_HYPERVISOR);
	/* The two modules touch: one entry. */
	expect(5, 0x545000, 0xce7000 + 0x1234567, E820_MODULE);
	expect(6, 0x1f1c000, 0x7ffe0000, E820_RAM);
	assert_int_equal(e820_total(&map, E820_HYPERVISOR), 0x345000);
	/* The module's unaligned tail takes its partial page out of RAM. */
	assert_int_equal(e820_total(&map, E820_RAM),
			 ram - 0x345000 - 0x7a2000 - 0x1235000);
	assert_int_equal(e820_total(&map, E820_MODULE), 0x7a2000 + 0x1234567);

	/* Giving a module back as RAM merges with the RAM around it. */
	assert_int_equal(e820_set_type(&map, 0x545000, 0x7a2000 + 0x1235000, E820_RAM), 0);
	expect(4, 0x200000, 0x545000, E820_HYPERVISOR);
	expect(5, 0x545000, 0x7ffe0000, E820_RAM);
	check_canonical();
}

/* Unsorted, duplicated, nested and overlapping entries, zero sizes, odd alignment. */
static void test_messy_bios(void **state)
{
	int changed;

	(void)state;
	add(&map, 0x100000, 0x3ff00000, E820_RAM);            /* 1M-1G */
	add(&map, 0xe0000, 0x20000, E820_RESERVED);
	add(&map, 0x0, 0x9fc00, E820_RAM);
	add(&map, 0x9f000, 0x1000, E820_RESERVED);             /* overlaps the RAM below */
	add(&map, 0x3fe00000, 0x200000, E820_ACPI);            /* inside RAM, at its end */
	add(&map, 0x3fff0000, 0x10000, E820_NVS);              /* inside ACPI: NVS wins */
	add(&map, 0x20000000, 0x1000, E820_UNUSABLE);          /* fully inside RAM */
	add(&map, 0x20000000, 0x1000, E820_UNUSABLE);          /* identical duplicate */
	add(&map, 0x30000000, 0x0, E820_RESERVED);             /* empty */
	add(&map, 0x40000000, 0x123456, E820_RAM);             /* unaligned end */
	add(&map, 0x40100000, 0x200000, E820_RAM);             /* partial overlap, merges */
	add(&map, 0x50000800, 0x800, E820_RAM);                /* under a page: dropped */
	add(&map, 0xfee00000, 0x1000, E820_RESERVED);
	add(&map, 0xfec00000, 0x1000, E820_RESERVED);
	add(&map, 0xfffffffffffff000, 0x10000, E820_RESERVED); /* wraps past 2^64 */
	add(&map, 0x100000000, 0x40000000, 12);                /* a type tern does not know */
	add(&map, 0x100000000, 0x80000000, E820_RAM);          /* under it, partly */
	raw = map;

	changed = e820_sanitize(&map);
	assert_true(changed > 0);
	check_against_oracle();
	expect(0, 0x0, 0x9f000, E820_RAM);
	expect(1, 0x9f000, 0xa0000, E820_RESERVED);
	expect(2, 0xe0000, 0x100000, E820_RESERVED);
	expect(3, 0x100000, 0x20000000, E820_RAM);
	expect(4, 0x20000000, 0x20001000, E820_UNUSABLE);
	expect(5, 0x20001000, 0x3fe00000, E820_RAM);
	expect(6, 0x3fe00000, 0x3fff0000, E820_ACPI);
	expect(7, 0x3fff0000, 0x40000000, E820_NVS);
	expect(8, 0x40000000, 0x40300000, E820_RAM);
	expect(9, 0xfec00000, 0xfec01000, E820_RESERVED);
	expect(10, 0xfee00000, 0xfee01000, E820_RESERVED);
	expect(11, 0x100000000, 0x140000000, 12);
	expect(12, 0x140000000, 0x180000000, E820_RAM);
	assert_int_equal(map.entry[13].addr, 0xfffffffffffff000);
	assert_int_equal(map.entry[13].size, 0xfff);
	assert_int_equal(map.nr, 14);
	assert_string_equal(e820_type_name(12), "unknown");
}

static void test_edge_cases(void **state)
{
	(void)state;
	/* Empty map. */
	assert_int_equal(e820_sanitize(&map), 0);
	assert_int_equal(map.nr, 0);
	assert_int_equal(e820_end(&map, E820_RAM), 0);
	/* Only empty or tiny entries: all dropped, each counted. */
	add(&map, 0x1000, 0, E820_RAM);
	add(&map, 0x1800, 0x800, E820_RAM);
	add(&map, 0x1fff, 0x1000, E820_RAM);
	assert_int_equal(e820_sanitize(&map), 3);
	assert_int_equal(map.nr, 0);
	/* RAM reaching the top of the address space keeps its whole pages. */
	add(&map, 0xffffffffffffe000, 0x10000, E820_RAM);
	raw = map;
	assert_int_equal(e820_sanitize(&map), 1);
	expect(0, 0xffffffffffffe000, 0xfffffffffffff000, E820_RAM);
	check_against_oracle();
	/* Adjacent entries of one type merge; counting both as changed. */
	memset(&map, 0, sizeof(map));
	add(&map, 0x2000, 0x1000, E820_RESERVED);
	add(&map, 0x1000, 0x1000, E820_RESERVED);
	assert_int_equal(e820_sanitize(&map), 2);
	expect(0, 0x1000, 0x3000, E820_RESERVED);
}

static uint64_t rnd(void)
{
	return (uint64_t)random() << 33 ^ (uint64_t)random() << 11 ^ (uint64_t)random();
}

static const uint32_t types[] = { E820_RAM, E820_RAM, E820_RAM, E820_RESERVED, E820_ACPI,
				  E820_NVS, E820_UNUSABLE, 0, 7, E820_MODULE };

/* Carving keeps the map canonical and does what it says. */
static void check_random_carve(void)
{
	uint64_t a = rnd() % 0x40000, s = rnd() % 0x10000;
	uint32_t t = types[rnd() % ARRAY_SIZE(types)], got = 0;
	/* RAM is only kept in whole pages: probe the first whole page. */
	uint64_t probe = t == E820_RAM ? ALIGN_UP(a, PAGE_SIZE) : a;

	if (e820_set_type(&map, a, s, t))
		return;
	check_canonical();
	if (s && (t != E820_RAM || probe + PAGE_SIZE <= a + s)) {
		assert_true(map_at(probe, &got));
		assert_int_equal(got, t);
	}
}

/* Random maps in a small address window so entries overlap a lot. */
static void test_random_maps(void **state)
{
	int iter;

	(void)state;
	srandom(820);
	for (iter = 0; iter < 3000; iter++) {
		unsigned int n = 1 + (unsigned int)(rnd() % 40), i;
		uint64_t window = iter % 3 ? 0x40000 : UINT64_MAX;

		memset(&map, 0, sizeof(map));
		for (i = 0; i < n; i++) {
			uint64_t addr = rnd() % window, size = rnd() % 0x8000;

			if (rnd() % 4 == 0)
				addr &= ~0x3ffULL;
			if (rnd() % 20 == 0)
				size = rnd(); /* may wrap */
			add(&map, addr, size, types[rnd() % ARRAY_SIZE(types)]);
		}
		raw = map;
		assert_true(e820_sanitize(&map) >= 0);
		check_against_oracle();
		/* Idempotent. */
		raw = map;
		assert_int_equal(e820_sanitize(&map), 0);
		assert_memory_equal(&map, &raw, sizeof(map));
		check_random_carve();
	}
}

static void test_overflow(void **state)
{
	unsigned int i;

	(void)state;
	/* One RAM range with 127 holes punched in it needs 255 entries. */
	add(&map, 0, 0x40000000, E820_RAM);
	for (i = 1; i < E820_MAX; i++)
		add(&map, (uint64_t)(E820_MAX - i) * 0x200000 + 0x100000, 0x1000, E820_RESERVED);
	assert_int_equal(e820_add(&map, 0x80000000, 0x1000, E820_RAM), -ENOSPC);
	raw = map;
	assert_int_equal(e820_sanitize(&map), -ENOSPC);
	/* Left sorted, with the same entries. */
	assert_int_equal(map.nr, E820_MAX);
	for (i = 1; i < map.nr; i++)
		assert_true(map.entry[i - 1].addr <= map.entry[i].addr);
	assert_int_equal(e820_total(&map, E820_RAM), 0x40000000);
	assert_int_equal(e820_total(&map, E820_RESERVED), 127 * 0x1000);
}

static void test_set_type(void **state)
{
	unsigned int i;

	(void)state;
	q35_512m(&map);
	assert_int_equal(e820_sanitize(&map), 1);
	/* Zero size: nothing happens. */
	raw = map;
	assert_int_equal(e820_set_type(&map, 0x200000, 0, E820_HYPERVISOR), 0);
	assert_memory_equal(&map, &raw, sizeof(map));
	/* Across a hole and two entries: everything in range becomes the type. */
	assert_int_equal(e820_set_type(&map, 0x9e000, 0x70000, E820_RESERVED), 0);
	check_canonical();
	expect(0, 0x0, 0x9e000, E820_RAM);
	expect(1, 0x9e000, 0x10e000, E820_RESERVED);
	expect(2, 0x10e000, 0x1ffe0000, E820_RAM);
	/* The caller's word wins even over a higher type. */
	assert_int_equal(e820_set_type(&map, 0xb0000000, 0x1000, E820_RAM), 0);
	expect(4, 0xb0000000, 0xb0001000, E820_RAM);
	expect(5, 0xb0001000, 0xc0000000, E820_RESERVED);
	/* A range running past 2^64 is clipped. */
	assert_int_equal(e820_set_type(&map, 0xfffffffffffff000, 0x2000, E820_RESERVED), 0);
	assert_int_equal(e820_end(&map, E820_RESERVED), UINT64_MAX);
	check_canonical();

	/* A full map that a split would overflow is left as it was. */
	memset(&map, 0, sizeof(map));
	for (i = 0; i < E820_MAX; i++)
		add(&map, (uint64_t)i * 0x10000, 0x10000, i % 2 ? E820_RESERVED : E820_RAM);
	assert_int_equal(e820_sanitize(&map), 0);
	raw = map;
	assert_int_equal(e820_set_type(&map, 0x1000, 0x1000, E820_HYPERVISOR), -ENOSPC);
	assert_memory_equal(&map, &raw, sizeof(map));
	/* One that replaces a whole entry still fits. */
	assert_int_equal(e820_set_type(&map, 0x10000, 0x10000, E820_HYPERVISOR), 0);
	assert_int_equal(map.nr, E820_MAX);
}

static void test_contains(void **state)
{
	(void)state;
	q35_4g(&map);
	assert_true(e820_sanitize(&map) >= 0);
	assert_true(e820_contains(&map, 0x100000, 4096, E820_RAM));
	assert_true(e820_contains(&map, 0x7ffdf000, 4096, E820_RAM));
	assert_false(e820_contains(&map, 0x7ffe0000, 4096, E820_RAM));
	/* Straddling RAM and a hole, or two RAM entries around one. */
	assert_false(e820_contains(&map, 0x7ffdf800, 4096, E820_RAM));
	assert_false(e820_contains(&map, 0x9e000, 0x100000, E820_RAM));
	assert_true(e820_contains(&map, 0xfed1c000, 0x4000, E820_RESERVED));
	assert_false(e820_contains(&map, 0xfedff000, 0x1000, E820_RESERVED));
	assert_true(e820_contains(&map, 0x17ffff000, 4096, E820_RAM));
	assert_false(e820_contains(&map, 0x180000000, 4096, E820_RAM));
	assert_false(e820_contains(&map, 0x1000000000, 4096, E820_RAM));
	/* Empty and wrapping ranges. */
	assert_false(e820_contains(&map, 0x100000, 0, E820_RAM));
	assert_false(e820_contains(&map, ~0ull - 4095, 8192, E820_RAM));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(e820_type_name(E820_RAM), "RAM");
	assert_string_equal(e820_type_name(E820_RESERVED), "reserved");
	assert_string_equal(e820_type_name(E820_ACPI), "ACPI data");
	assert_string_equal(e820_type_name(E820_NVS), "ACPI NVS");
	assert_string_equal(e820_type_name(E820_UNUSABLE), "unusable");
	assert_string_equal(e820_type_name(E820_HYPERVISOR), "hypervisor");
	assert_string_equal(e820_type_name(E820_MODULE), "boot module");
	assert_string_equal(e820_type_name(E820_DOM0), "dom0");
	assert_string_equal(e820_type_name(0), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_q35_512m, setup),
		cmocka_unit_test_setup(test_q35_4g_and_carve, setup),
		cmocka_unit_test_setup(test_messy_bios, setup),
		cmocka_unit_test_setup(test_edge_cases, setup),
		cmocka_unit_test_setup(test_random_maps, setup),
		cmocka_unit_test_setup(test_overflow, setup),
		cmocka_unit_test_setup(test_set_type, setup),
		cmocka_unit_test_setup(test_contains, setup),
		cmocka_unit_test_setup(test_names, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
