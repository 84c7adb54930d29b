/*
 * dom0's RAM and e820. Realistic host maps (QEMU q35 with 512M, 2G and 4G,
 * a fragmented real machine's map, a large server) with the hypervisor's and
 * the modules' ranges carved out, and each dom0_mem= form. Every result is
 * checked against the rules themselves (not against a copy of the algorithm):
 * dom0's RAM total is the size exactly, it is host RAM that was free, it
 * includes the kernel's range and the RAM below 1 MiB, it is the lowest free
 * RAM, every other range tern knows of is reserved in dom0's map, firmware
 * entries are unchanged, and the host map marks the same ranges E820_DOM0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <asm/dom0_mem.h>
#include <tern/errno.h>

static struct e820_map host, before, dom0;
static struct boot_options opts;
static struct dom0_mem_result res;

/* The kernel's range as Debian's 6.1 kernel asks: pref_address 16 MiB, init_size 63.6 MiB. */
#define KSTART MiB(16)
#define KEND (MiB(16) + 0x3f98000)

static void add(uint64_t addr, uint64_t end, uint32_t type)
{
	assert_int_equal(e820_add(&host, addr, end - addr, type), 0);
}

/* The bits every q35 map shares: low memory, BIOS, MMCONFIG, LAPIC/IOAPIC area, flash. */
static void q35_common(void)
{
	add(0, 0x9fc00, E820_RAM);
	add(0x9fc00, 0xa0000, E820_RESERVED);
	add(0xf0000, 0x100000, E820_RESERVED);
	add(0xb0000000, 0xc0000000, E820_RESERVED);
	add(0xfed1c000, 0xfed20000, E820_RESERVED);
	add(0xfffc0000, 0x100000000, E820_RESERVED);
	add(0xfd00000000, 0x10000000000, E820_RESERVED);
}

/* What tern's boot leaves: its image at 1 MiB, the two modules, its own pages at the top. */
static void carve(uint64_t top)
{
	assert_int_equal(e820_sanitize(&host) >= 0, 1);
	assert_int_equal(e820_set_type(&host, 0x100000, 0x130000, E820_HYPERVISOR), 0);
	assert_int_equal(e820_set_type(&host, 0x231000, 0x7de000, E820_MODULE), 0);
	assert_int_equal(e820_set_type(&host, 0xa0f000, 0x1b8000, E820_MODULE), 0);
	assert_int_equal(e820_set_type(&host, top - MiB(2), MiB(2), E820_HYPERVISOR), 0);
}

static void map_q35_512m(void)
{
	q35_common();
	add(0x100000, 0x1ffe0000, E820_RAM);
	add(0x1ffe0000, 0x20000000, E820_RESERVED);
	carve(0x1ffe0000);
}

static void map_q35_2g(void)
{
	q35_common();
	add(0x100000, 0x7ffe0000, E820_RAM);
	add(0x7ffe0000, 0x80000000, E820_RESERVED);
	carve(0x7ffe0000);
}

static void map_q35_4g(void)
{
	q35_common();
	add(0x100000, 0x80000000, E820_RAM);
	add(0x100000000, 0x180000000, E820_RAM);
	carve(0x80000000);
}

/* A desktop board's map: holes, ACPI tables and NVS between RAM pieces, 16 GiB. */
static void map_fragmented(void)
{
	add(0, 0x58000, E820_RAM);
	add(0x58000, 0x59000, E820_RESERVED);
	add(0x59000, 0x9e000, E820_RAM);
	add(0x9e000, 0xa0000, E820_RESERVED);
	add(0xe0000, 0x100000, E820_RESERVED);
	add(0x100000, 0x1fffffff, E820_RAM); /* unaligned end, trimmed by sanitise */
	add(0x20000000, 0x20200000, E820_RESERVED);
	add(0x20200000, 0x40004000, E820_RAM);
	add(0x40004000, 0x40005000, E820_RESERVED);
	add(0x40005000, 0x8c2f1000, E820_RAM);
	add(0x8c2f1000, 0x8c2f2000, E820_NVS);
	add(0x8c2f2000, 0x8c33c000, E820_RESERVED);
	add(0x8c33c000, 0x8c6c4000, E820_RAM);
	add(0x8c6c4000, 0x8cf0b000, E820_RESERVED);
	add(0x8cf0b000, 0x8cf2c000, E820_ACPI);
	add(0x8cf2c000, 0x8d5fb000, E820_NVS);
	add(0x8d5fb000, 0x8dfff000, E820_RESERVED);
	add(0x8dfff000, 0x8e000000, E820_RAM);
	add(0x8e000000, 0x8e100000, E820_UNUSABLE);
	add(0x8f800000, 0x8fa00000, E820_RESERVED);
	add(0xe0000000, 0xf0000000, E820_RESERVED);
	add(0xfe000000, 0xfe011000, E820_RESERVED);
	add(0xfec00000, 0xfec01000, E820_RESERVED);
	add(0xfee00000, 0xfee01000, E820_RESERVED);
	add(0xff000000, 0x100000000, E820_RESERVED);
	add(0x100000000, 0x46e000000, E820_RAM);
	carve(0x8c2f1000);
}

/* A server with 256 GiB: the default is capped at 4 GiB. */
static void map_large(void)
{
	q35_common();
	add(0x100000, 0x80000000, E820_RAM);
	add(0x100000000, 0x4000000000, E820_RAM);
	carve(0x80000000);
}

static int setup(void **state)
{
	(void)state;
	memset(&host, 0, sizeof(host));
	memset(&dom0, 0xa5, sizeof(dom0));
	memset(&res, 0, sizeof(res));
	boot_options_default(&opts);
	return 0;
}

/* Bytes of [start, end) covered by entries of map with the given type. */
static uint64_t covered(const struct e820_map *map, uint32_t type, uint64_t start, uint64_t end)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < map->nr; i++) {
		uint64_t s = map->entry[i].addr, t = s + map->entry[i].size;

		if (map->entry[i].type != type)
			continue;
		s = s > start ? s : start;
		t = t < end ? t : end;
		if (t > s)
			total += t - s;
	}
	return total;
}

/* covered() over [start, end) minus the kernel's range. */
static uint64_t covered_outside(const struct e820_map *map, uint32_t type, uint64_t end,
				uint64_t ks, uint64_t ke)
{
	uint64_t total = covered(map, type, 0, end);

	if (ks < end)
		total -= covered(map, type, ks, ke < end ? ke : end);
	return total;
}

static int build(uint64_t ks, uint64_t ke)
{
	memcpy(&before, &host, sizeof(host));
	return dom0_mem_build(&host, &opts, ks, ke, &dom0, &res);
}

/* Checks every rule on the result of a successful build(ks, ke). */
static void check(uint64_t ks, uint64_t ke)
{
	uint64_t free = e820_total(&before, E820_RAM), top = 0;

	ks = ALIGN_DOWN(ks, PAGE_SIZE);
	ke = ALIGN_UP(ke, PAGE_SIZE);
	assert_int_equal(res.free, free);
	assert_true(res.size <= free);
	assert_int_equal(res.size % PAGE_SIZE, 0);

	/* dom0's map: sorted, no overlaps, standard types, exactly res.size of RAM. */
	assert_true(dom0.nr > 0 && dom0.nr <= E820_MAX);
	for (unsigned int i = 0; i < dom0.nr; i++) {
		const struct e820_entry *e = &dom0.entry[i];

		assert_true(e->type >= E820_RAM && e->type <= E820_UNUSABLE);
		if (i)
			assert_true(dom0.entry[i - 1].addr + dom0.entry[i - 1].size <= e->addr);
		/* dom0's RAM was free host RAM, and is now E820_DOM0 in the host map. */
		if (e->type == E820_RAM) {
			assert_int_equal(covered(&before, E820_RAM, e->addr, e->addr + e->size), e->size);
			assert_int_equal(covered(&host, E820_DOM0, e->addr, e->addr + e->size), e->size);
			if (e->addr + e->size <= ks || e->addr >= ke)
				top = e->addr + e->size > top ? e->addr + e->size : top;
		}
	}
	assert_int_equal(e820_total(&dom0, E820_RAM), res.size);
	assert_int_equal(e820_total(&host, E820_DOM0), res.size);
	assert_int_equal(e820_total(&host, E820_RAM), free - res.size);

	/* The kernel's range is dom0's. */
	assert_int_equal(covered(&dom0, E820_RAM, ks, ke), ke - ks);
	/* The rest is the lowest free RAM: nothing free below the top is left out. */
	assert_int_equal(covered_outside(&dom0, E820_RAM, top, ks, ke),
			 covered_outside(&before, E820_RAM, top, ks, ke));
	/* So the RAM below 1 MiB is dom0's whenever the size covers it. */
	if (res.size >= covered(&before, E820_RAM, 0, MiB(1)) + (ke - ks))
		assert_int_equal(covered(&dom0, E820_RAM, 0, MiB(1)), covered(&before, E820_RAM, 0, MiB(1)));

	/* Everything else: as the firmware said, or reserved for tern's own and the heap. */
	for (unsigned int i = 0; i < before.nr; i++) {
		const struct e820_entry *e = &before.entry[i];
		uint64_t end = e->addr + e->size;

		switch (e->type) {
		case E820_RAM:
			assert_int_equal(covered(&dom0, E820_RAM, e->addr, end) +
						 covered(&dom0, E820_RESERVED, e->addr, end),
					 e->size);
			break;
		case E820_HYPERVISOR:
		case E820_MODULE:
			assert_int_equal(covered(&dom0, E820_RESERVED, e->addr, end), e->size);
			break;
		default:
			assert_int_equal(covered(&dom0, e->type, e->addr, end), e->size);
			break;
		}
	}
	/* The heap (host RAM left) is reserved in dom0's map. */
	for (unsigned int i = 0; i < host.nr; i++)
		if (host.entry[i].type == E820_RAM)
			assert_int_equal(covered(&dom0, E820_RESERVED, host.entry[i].addr,
						 host.entry[i].addr + host.entry[i].size),
					 host.entry[i].size);
}

static void build_ok(uint64_t ks, uint64_t ke)
{
	assert_int_equal(build(ks, ke), 0);
	check(ks, ke);
}

static void test_q35_512m_256m(void **state)
{
	(void)state;
	map_q35_512m();
	opts.dom0_mem = MiB(256);
	build_ok(KSTART, KEND);
	assert_int_equal(res.size, MiB(256));
	assert_false(res.clamped);
	/* The low 640 KiB, then from the end of the modules on. */
	assert_int_equal(dom0.entry[0].addr, 0);
	assert_int_equal(dom0.entry[0].size, 0x9f000);
	assert_int_equal(dom0.entry[0].type, E820_RAM);
}

static void test_q35_2g_1g(void **state)
{
	(void)state;
	map_q35_2g();
	opts.dom0_mem = GiB(1);
	build_ok(KSTART, KEND);
	assert_int_equal(res.size, GiB(1));
}

static void test_q35_4g(void **state)
{
	(void)state;
	map_q35_4g();
	opts.dom0_mem = GiB(3); /* reaches past the 2 GiB of low RAM into the RAM above 4 GiB */
	build_ok(KSTART, KEND);
	assert_int_equal(res.size, GiB(3));
	assert_true(covered(&dom0, E820_RAM, GiB(4), GiB(8)) > 0);
	assert_true(covered(&host, E820_RAM, GiB(4), GiB(8)) > 0);
}

static void test_default(void **state)
{
	uint64_t free;

	(void)state;
	map_q35_512m();
	free = e820_total(&host, E820_RAM);
	build_ok(KSTART, KEND);
	assert_int_equal(res.size, ALIGN_DOWN(free / 2, PAGE_SIZE));

	setup(NULL);
	map_q35_4g();
	free = e820_total(&host, E820_RAM);
	build_ok(KSTART, KEND);
	assert_int_equal(res.size, ALIGN_DOWN(free / 2, PAGE_SIZE));

	setup(NULL);
	map_large();
	build_ok(KSTART, KEND);
	assert_int_equal(res.size, GiB(4));
}

static void test_min_max(void **state)
{
	(void)state;
	map_q35_2g();
	opts.dom0_mem_max = MiB(128); /* dom0_mem=max:128M: the default, capped */
	build_ok(KSTART, KEND);
	assert_int_equal(res.size, MiB(128));

	setup(NULL);
	map_q35_2g();
	opts.dom0_mem_min = MiB(1536); /* dom0_mem=min:1536M: the default (~1G) raised */
	build_ok(KSTART, KEND);
	assert_int_equal(res.size, MiB(1536));

	setup(NULL);
	map_q35_2g();
	opts.dom0_mem = GiB(1); /* dom0_mem=1G,max:512M */
	opts.dom0_mem_max = MiB(512);
	build_ok(KSTART, KEND);
	assert_int_equal(res.size, MiB(512));

	setup(NULL);
	map_q35_2g();
	opts.dom0_mem = MiB(256); /* dom0_mem=min:512M,256M */
	opts.dom0_mem_min = MiB(512);
	build_ok(KSTART, KEND);
	assert_int_equal(res.size, MiB(512));

	setup(NULL);
	map_q35_2g();
	opts.dom0_mem = GiB(1) + 4097; /* rounded up to pages */
	build_ok(KSTART, KEND);
	assert_int_equal(res.size, GiB(1) + 8192);
}

static void test_too_large(void **state)
{
	uint64_t free;

	(void)state;
	map_q35_2g();
	free = e820_total(&host, E820_RAM);
	opts.dom0_mem = GiB(8);
	build_ok(KSTART, KEND);
	assert_true(res.clamped);
	assert_int_equal(res.requested, GiB(8));
	assert_int_equal(res.size, free);
	assert_int_equal(e820_total(&host, E820_RAM), 0);

	setup(NULL);
	map_q35_2g();
	opts.dom0_mem_min = GiB(16); /* min: beyond the machine, clamped too */
	build_ok(KSTART, KEND);
	assert_true(res.clamped);
	assert_int_equal(res.size, free);
}

static void test_fragmented(void **state)
{
	(void)state;
	map_fragmented();
	opts.dom0_mem = GiB(1);
	build_ok(KSTART, KEND);
	assert_int_equal(res.size, GiB(1));

	setup(NULL);
	map_fragmented();
	opts.dom0_mem = GiB(3); /* crosses all the small pieces below 4 GiB */
	build_ok(KSTART, KEND);
	assert_int_equal(res.size, GiB(3));
	assert_int_equal(covered(&dom0, E820_RAM, 0x8dfff000, 0x8e000000), 0x1000);

	setup(NULL);
	map_fragmented();
	build_ok(KSTART, KEND); /* default: half of ~16 GiB, capped at 4 GiB */
	assert_int_equal(res.size, GiB(4));
}

/* A kernel range that is not all free RAM: -ENOMEM, and the host map unchanged. */
static void test_must_include_not_free(void **state)
{
	(void)state;
	map_q35_512m();
	opts.dom0_mem = MiB(256);
	/* Over a boot module. */
	assert_int_equal(build(0x800000, 0x800000 + MiB(64)), -ENOMEM);
	assert_memory_equal(&host, &before, sizeof(host));
	/* Over the hypervisor. */
	assert_int_equal(build(0x1f000000, 0x1ff00000), -ENOMEM);
	/* In the MMIO hole. */
	assert_int_equal(build(0xc0000000, 0xc4000000), -ENOMEM);
	/* Partly past the end of RAM. */
	assert_int_equal(build(0x1f000000, 0x21000000), -ENOMEM);
	/* Over a reserved page below 1 MiB. */
	assert_int_equal(build(0x9f000, 0xa1000), -ENOMEM);
	assert_memory_equal(&host, &before, sizeof(host));
}

static void test_must_include_edges(void **state)
{
	(void)state;
	map_q35_512m();
	opts.dom0_mem = MiB(32); /* smaller than the kernel's 64 MiB */
	assert_int_equal(build(KSTART, KEND), -EINVAL);
	assert_memory_equal(&host, &before, sizeof(host));

	/* Unaligned range: widened to pages. */
	setup(NULL);
	map_q35_512m();
	opts.dom0_mem = MiB(64);
	build_ok(0x10000800, 0x10000900);
	assert_int_equal(covered(&dom0, E820_RAM, 0x10000000, 0x10001000), 0x1000);

	/* A kernel range above everything else dom0 gets, and one at the lowest free RAM. */
	setup(NULL);
	map_q35_4g();
	opts.dom0_mem = MiB(256);
	build_ok(GiB(5), GiB(5) + MiB(64));
	setup(NULL);
	map_q35_512m();
	opts.dom0_mem = MiB(128);
	build_ok(0x1000, 0x9f000);

	/* No range at all. */
	setup(NULL);
	map_q35_512m();
	opts.dom0_mem = MiB(100);
	build_ok(0, 0);
	assert_int_equal(res.size, MiB(100));

	/* No free RAM. */
	setup(NULL);
	add(0, MiB(64), E820_HYPERVISOR);
	assert_int_equal(build(0, 0), -ENOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_q35_512m_256m, setup),
		cmocka_unit_test_setup(test_q35_2g_1g, setup),
		cmocka_unit_test_setup(test_q35_4g, setup),
		cmocka_unit_test_setup(test_default, setup),
		cmocka_unit_test_setup(test_min_max, setup),
		cmocka_unit_test_setup(test_too_large, setup),
		cmocka_unit_test_setup(test_fragmented, setup),
		cmocka_unit_test_setup(test_must_include_not_free, setup),
		cmocka_unit_test_setup(test_must_include_edges, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
