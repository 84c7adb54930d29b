/*
 * The 32-bit structure translations (common/compat_xlat.c): bytes laid out
 * as an i386 guest lays them out (offsets from Xen's public headers, written
 * here by hand, not from tern's own structures) come out as the native
 * structure, and the native structure goes back to exactly those bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <tern/compat.h>

static void put16(uint8_t *b, size_t off, uint16_t v) { memcpy(b + off, &v, 2); }
static void put32(uint8_t *b, size_t off, uint32_t v) { memcpy(b + off, &v, 4); }
static void put64(uint8_t *b, size_t off, uint64_t v) { memcpy(b + off, &v, 8); }

/* Native -> compat -> native gives back what the 32-bit form can hold. */
static void assert_round_trip(const struct xlat_layout *l, const uint8_t *compat)
{
	uint8_t native[256], again[64];

	memset(native, 0xa5, sizeof(native));
	compat_to_native(l, compat, native);
	memset(again, 0xa5, sizeof(again));
	native_to_compat(l, native, again);
	assert_memory_equal(again, compat, l->compat_size);
}

static void test_add_to_physmap(void **state)
{
	uint8_t c[16] = { 0 };
	struct xen_add_to_physmap x;

	(void)state;
	assert_int_equal(xlat_add_to_physmap.compat_size, 16);
	put16(c, 0, 0x7ff0);          /* domid: DOMID_SELF */
	put16(c, 2, 3);               /* size */
	put32(c, 4, XENMAPSPACE_shared_info);
	put32(c, 8, 0);               /* idx */
	put32(c, 12, 0xfeedf);        /* gpfn */
	memset(&x, 0xa5, sizeof(x));
	compat_to_native(&xlat_add_to_physmap, c, &x);
	assert_int_equal(x.domid, 0x7ff0);
	assert_int_equal(x.size, 3);
	assert_int_equal(x.space, XENMAPSPACE_shared_info);
	assert_int_equal(x.idx, 0);
	assert_int_equal(x.gpfn, 0xfeedf);
	assert_round_trip(&xlat_add_to_physmap, c);
}

static void test_add_to_physmap_batch(void **state)
{
	uint8_t c[20] = { 0 };
	struct xen_add_to_physmap_batch b;

	(void)state;
	put16(c, 0, 0x7ff0);
	put16(c, 2, XENMAPSPACE_gmfn_foreign);
	put16(c, 4, 7);
	put16(c, 6, 5);               /* foreign_domid */
	put32(c, 8, 0xc0001000);      /* idxs */
	put32(c, 12, 0xc0002000);     /* gpfns */
	put32(c, 16, 0xfffff000);     /* errs: a high handle stays unsigned */
	compat_to_native(&xlat_add_to_physmap_batch, c, &b);
	assert_int_equal(b.size, 7);
	assert_int_equal(b.foreign_domid, 5);
	assert_int_equal(b.idxs, 0xc0001000);
	assert_int_equal(b.gpfns, 0xc0002000);
	assert_int_equal(b.errs, 0xfffff000);
	assert_round_trip(&xlat_add_to_physmap_batch, c);
}

static void test_reservation_and_maps(void **state)
{
	uint8_t r[20] = { 0 }, m[8] = { 0 }, f[8] = { 0 };
	struct xen_memory_reservation res;
	struct xen_memory_map map;
	struct xen_remove_from_physmap rm;

	(void)state;
	put32(r, 0, 0x00801000);      /* extent_start */
	put32(r, 4, 512);             /* nr_extents */
	put32(r, 8, 9);               /* extent_order */
	put32(r, 12, 0);
	put16(r, 16, 0x7ff0);         /* domid */
	compat_to_native(&xlat_memory_reservation, r, &res);
	assert_int_equal(res.extent_start, 0x00801000);
	assert_int_equal(res.nr_extents, 512);
	assert_int_equal(res.extent_order, 9);
	assert_int_equal(res.domid, 0x7ff0);
	assert_round_trip(&xlat_memory_reservation, r);

	put32(m, 0, 128);
	put32(m, 4, 0x00900000);
	compat_to_native(&xlat_memory_map, m, &map);
	assert_int_equal(map.nr_entries, 128);
	assert_int_equal(map.buffer, 0x00900000);
	map.nr_entries = 5; /* what the hypervisor writes back */
	native_to_compat(&xlat_memory_map, &map, m);
	assert_int_equal(m[0], 5);
	assert_int_equal(m[4] | m[5] << 8 | m[6] << 16 | m[7] << 24, 0x00900000);

	put16(f, 0, 0x7ff0);
	put32(f, 4, 0xabcde);
	compat_to_native(&xlat_remove_from_physmap, f, &rm);
	assert_int_equal(rm.domid, 0x7ff0);
	assert_int_equal(rm.gpfn, 0xabcde);
}

static void test_timers_and_poll(void **state)
{
	uint8_t t[12], p[16];
	struct vcpu_set_singleshot_timer single;
	struct sched_poll poll;

	(void)state;
	put64(t, 0, 0x123456789abcull); /* 4-byte aligned 64-bit field */
	put32(t, 8, VCPU_SSHOTTMR_future);
	compat_to_native(&xlat_vcpu_set_singleshot_timer, t, &single);
	assert_int_equal(single.timeout_abs_ns, 0x123456789abcull);
	assert_int_equal(single.flags, VCPU_SSHOTTMR_future);
	assert_int_equal(single.pad, 0);

	put32(p, 0, 0x00700000);      /* ports */
	put32(p, 4, 2);               /* nr_ports */
	put64(p, 8, 5000000000ull);   /* timeout, right after nr_ports */
	compat_to_native(&xlat_sched_poll, p, &poll);
	assert_int_equal(poll.ports, 0x00700000);
	assert_int_equal(poll.nr_ports, 2);
	assert_int_equal(poll.pad, 0);
	assert_int_equal(poll.timeout, 5000000000ull);
	assert_round_trip(&xlat_sched_poll, p);
}

static void test_runstate_out(void **state)
{
	struct vcpu_runstate_info rs = {
		.state = 2, .state_entry_time = 0x8000000000000123ull,
		.time = { 10, 0x100000000ull, 30, 40 },
	};
	uint8_t c[44], expect[44];

	(void)state;
	put32(expect, 0, 2);
	put64(expect, 4, 0x8000000000000123ull);
	put64(expect, 12, 10);
	put64(expect, 20, 0x100000000ull);
	put64(expect, 28, 30);
	put64(expect, 36, 40);
	memset(c, 0xa5, sizeof(c));
	native_to_compat(&xlat_vcpu_runstate_info, &rs, c);
	assert_memory_equal(c, expect, sizeof(c));
}

static void test_grant_ops(void **state)
{
	uint8_t s[16] = { 0 }, c[24] = { 0 };
	struct gnttab_setup_table st;
	struct gnttab_copy cp;

	(void)state;
	put16(s, 0, 0x7ff0);
	put32(s, 4, 4);               /* nr_frames */
	put32(s, 12, 0x00600000);     /* frame_list */
	compat_to_native(&xlat_gnttab_setup_table, s, &st);
	assert_int_equal(st.nr_frames, 4);
	assert_int_equal(st.frame_list, 0x00600000);
	st.status = -1;               /* GNTST_general_error */
	native_to_compat(&xlat_gnttab_setup_table, &st, s);
	assert_int_equal((int16_t)(s[8] | s[9] << 8), -1);
	assert_int_equal(s[12] | s[13] << 8 | s[14] << 16 | s[15] << 24, 0x00600000);

	put32(c, 0, 42);              /* source.u.ref */
	put16(c, 4, 3);               /* source.domid */
	put16(c, 6, 100);             /* source.offset */
	put32(c, 8, 0x1234);          /* dest.u.gmfn */
	put16(c, 12, 0x7ff0);
	put16(c, 14, 200);
	put16(c, 16, 512);            /* len */
	put16(c, 18, GNTCOPY_source_gref);
	compat_to_native(&xlat_gnttab_copy, c, &cp);
	assert_int_equal(cp.source.u.ref, 42);
	assert_int_equal(cp.source.domid, 3);
	assert_int_equal(cp.source.offset, 100);
	assert_int_equal(cp.dest.u.gmfn, 0x1234);
	assert_int_equal(cp.dest.domid, 0x7ff0);
	assert_int_equal(cp.dest.offset, 200);
	assert_int_equal(cp.len, 512);
	assert_int_equal(cp.flags, GNTCOPY_source_gref);
	cp.status = -4;
	native_to_compat(&xlat_gnttab_copy, &cp, c);
	assert_int_equal((int16_t)(c[20] | c[21] << 8), -4);
	assert_round_trip(&xlat_gnttab_copy, c);
}

/* A value the 32-bit form cannot hold is cut to its low bits, never spilt
 * into the next field. */
static void test_narrowing_stays_in_field(void **state)
{
	struct xen_platform_parameters pp = { .virt_start = 0xffff800000001000ull };
	struct xen_add_to_physmap x = { .idx = ~0ull, .gpfn = 0x100000002ull };
	uint8_t c[16], p[4];

	(void)state;
	native_to_compat(&xlat_platform_parameters, &pp, p);
	assert_int_equal(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24, 0x00001000);
	native_to_compat(&xlat_add_to_physmap, &x, c);
	assert_int_equal(c[8] & c[9] & c[10] & c[11], 0xff);
	assert_int_equal(c[12], 2);
	assert_int_equal(c[13] | c[14] | c[15], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_to_physmap),
		cmocka_unit_test(test_add_to_physmap_batch),
		cmocka_unit_test(test_reservation_and_maps),
		cmocka_unit_test(test_timers_and_poll),
		cmocka_unit_test(test_runstate_out),
		cmocka_unit_test(test_grant_ops),
		cmocka_unit_test(test_narrowing_stays_in_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
