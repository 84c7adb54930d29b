/*
 * The domU local APIC: its xAPIC-mode start, the APIC_BASE mode changes
 * (and those that #GP), the registers Linux programs at boot in both modes
 * (id, version, LDR, DFR, SVR, TPR, LVTs, ESR, EOI, the ICR's halves),
 * what faults (#GP: -EINVAL) as on hardware, ICR/SELF_IPI decoding and who
 * an IPI reaches, and the pending-vector queue that interrupt injection
 * drains.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <asm/vlapic.h>
#include <asm/x86-defs.h>
#include <tern/errno.h>

static uint64_t rd(const struct vlapic *l, uint32_t msr)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(vlapic_read(l, msr, &v), 0);
	return v;
}

#define XAPIC (0xfee00000ull | APIC_BASE_ENABLE)
#define X2APIC (XAPIC | APIC_BASE_X2APIC)

/* A vCPU's APIC after its guest switched it to x2APIC mode, as Linux does. */
static void init_x2apic(struct vlapic *l, unsigned int vcpu_id)
{
	vlapic_init(l, vcpu_id);
	assert_int_equal(vlapic_set_base(l, vlapic_get_base(l) | APIC_BASE_X2APIC), 0);
}

static void test_starts_in_xapic_mode(void **state)
{
	struct vlapic l0, l3;
	uint64_t v;

	(void)state;
	vlapic_init(&l0, 0);
	vlapic_init(&l3, 3);
	/* As Xen starts PVH vCPUs: xAPIC mode, enabled, vCPU 0 the BSP. */
	assert_int_equal(vlapic_get_base(&l0), XAPIC | APIC_BASE_BSP);
	assert_int_equal(vlapic_get_base(&l3), XAPIC);
	assert_true(vlapic_xapic_mode(&l0) && vlapic_enabled(&l0));
	assert_true(vlapic_mmio_page(&l0, 0xfee00ff0) && vlapic_mmio_page(&l0, 0xfee00000));
	assert_false(vlapic_mmio_page(&l0, 0xfee01000) || vlapic_mmio_page(&l0, 0xfedfffff));
	/* The ID in bits 31:24 (twice the vCPU id), the version, reset values. */
	assert_int_equal(vlapic_mmio_read(&l3, 0x20), 6u << 24);
	assert_int_equal(vlapic_mmio_read(&l0, 0x30), 0x50014);
	assert_int_equal(vlapic_mmio_read(&l0, 0xd0), 0);          /* LDR */
	assert_int_equal(vlapic_mmio_read(&l0, 0xe0), 0xffffffff); /* DFR: flat */
	assert_int_equal(vlapic_mmio_read(&l0, 0xf0), 0xff);       /* SVR */
	for (uint32_t off = 0x320; off <= 0x370; off += 0x10)
		assert_int_equal(vlapic_mmio_read(&l0, off), 1u << 16); /* masked */
	/* No x2APIC MSR answers in xAPIC mode. */
	assert_int_equal(vlapic_read(&l0, 0x802, &v), -EINVAL);
	assert_int_equal(vlapic_write(&l0, 0x808, 0, NULL), -EINVAL);
}

static void test_xapic_registers(void **state)
{
	struct vlapic l;
	struct vlapic_ipi ipi;

	(void)state;
	vlapic_init(&l, 1);
	assert_int_equal(vlapic_mmio_write(&l, 0x80, 0x20, &ipi), 0);  /* TPR */
	assert_int_equal(vlapic_mmio_read(&l, 0x80), 0x20);
	assert_int_equal(vlapic_mmio_read(&l, 0xa0), 0x20);            /* PPR */
	assert_int_equal(vlapic_mmio_write(&l, 0xd0, 0x12345678, &ipi), 0);
	assert_int_equal(vlapic_mmio_read(&l, 0xd0), 0x12000000);      /* LDR: 31:24 */
	assert_int_equal(vlapic_mmio_write(&l, 0xe0, 0x0, &ipi), 0);
	assert_int_equal(vlapic_mmio_read(&l, 0xe0), 0x0fffffff);      /* DFR: cluster */
	assert_int_equal(vlapic_mmio_write(&l, 0x350, 0x700, &ipi), 0); /* LINT0 */
	assert_int_equal(vlapic_mmio_read(&l, 0x350), 0x700);
	/* Read-only, reserved and misaligned: writes ignored, never a fault. */
	assert_int_equal(vlapic_mmio_write(&l, 0x20, 0x05000000, &ipi), 0);
	assert_int_equal(vlapic_mmio_read(&l, 0x20), 2u << 24);
	assert_int_equal(vlapic_mmio_write(&l, 0x30, 7, &ipi), 0);
	assert_int_equal(vlapic_mmio_read(&l, 0x30), 0x50014);
	assert_int_equal(vlapic_mmio_write(&l, 0x3f0, 0xf6, &ipi), 0); /* no SELF_IPI */
	assert_int_equal(vlapic_mmio_read(&l, 0x3f0), 0);
	assert_int_equal(vlapic_mmio_write(&l, 0x84, 0x30, &ipi), 0);
	assert_int_equal(vlapic_mmio_read(&l, 0x84), 0);
	assert_int_equal(vlapic_mmio_read(&l, 0x80), 0x20);
	assert_int_equal(vlapic_mmio_write(&l, 0xb0, 1, &ipi), 0);     /* EOI: any value */
}

static void test_xapic_icr_halves(void **state)
{
	struct vlapic l;
	struct vlapic_ipi ipi;

	(void)state;
	vlapic_init(&l, 0);
	/* ICR2 first: destination 4 in bits 31:24, nothing sent yet. */
	assert_int_equal(vlapic_mmio_write(&l, 0x310, 0x04abcdef, &ipi), 0);
	assert_int_equal(vlapic_mmio_read(&l, 0x310), 0x04000000);
	/* The low half sends: fixed vector 0xfd, physical, to 4. */
	assert_int_equal(vlapic_mmio_write(&l, 0x300, 0xfd, &ipi), 1);
	assert_int_equal(ipi.vector, 0xfd);
	assert_int_equal(ipi.delivery, VLAPIC_FIXED);
	assert_int_equal(ipi.shorthand, VLAPIC_DEST_FIELD);
	assert_false(ipi.logical);
	assert_true(ipi.xapic);
	assert_int_equal(ipi.dest, 4);
	assert_int_equal(vlapic_mmio_read(&l, 0x300), 0xfd);
	/* Destination 0xff is the broadcast. */
	vlapic_mmio_write(&l, 0x310, 0xff000000, &ipi);
	assert_int_equal(vlapic_mmio_write(&l, 0x300, 0x4500, &ipi), 1);
	assert_int_equal(ipi.delivery, VLAPIC_INIT);
	assert_int_equal(ipi.dest, 0xffffffff);
	/* Self shorthand; the delivery-status bit never reads set. */
	assert_int_equal(vlapic_mmio_write(&l, 0x300, (1u << 18) | (1u << 12) | 0xf6, &ipi), 1);
	assert_int_equal(ipi.shorthand, VLAPIC_DEST_SELF);
	assert_int_equal(vlapic_mmio_read(&l, 0x300), (1u << 18) | 0xf6);
}

static void test_apic_base_transitions(void **state)
{
	struct vlapic l;

	(void)state;
	vlapic_init(&l, 1);
	/* Same value; reserved bits; moving the xAPIC page: #GP. */
	assert_int_equal(vlapic_set_base(&l, XAPIC), 0);
	assert_int_equal(vlapic_set_base(&l, XAPIC | (1u << 9)), -EINVAL);
	assert_int_equal(vlapic_set_base(&l, XAPIC | (1ull << 52)), -EINVAL);
	assert_int_equal(vlapic_set_base(&l, 0xfec00000ull | APIC_BASE_ENABLE), -EINVAL);
	/* The BSP bit is the hypervisor's: a write neither sets nor clears it. */
	assert_int_equal(vlapic_set_base(&l, XAPIC | APIC_BASE_BSP), 0);
	assert_int_equal(vlapic_get_base(&l), XAPIC);
	/* xAPIC -> x2APIC, then back directly: #GP. */
	assert_int_equal(vlapic_set_base(&l, X2APIC), 0);
	assert_false(vlapic_xapic_mode(&l));
	assert_false(vlapic_mmio_page(&l, 0xfee00300)); /* nothing there in x2APIC mode */
	assert_int_equal(vlapic_set_base(&l, XAPIC), -EINVAL);
	assert_int_equal(vlapic_get_base(&l), X2APIC);
	/* Disabling with EXTD still set is no state: #GP. */
	assert_int_equal(vlapic_set_base(&l, 0xfee00000ull | APIC_BASE_X2APIC), -EINVAL);
	/* x2APIC -> disabled -> (not x2APIC directly) -> xAPIC -> x2APIC. */
	vlapic_write(&l, 0x808, 0x30, NULL);
	assert_int_equal(vlapic_set_base(&l, 0xfee00000ull), 0);
	assert_false(vlapic_enabled(&l));
	assert_int_equal(vlapic_set_base(&l, X2APIC), -EINVAL);
	assert_int_equal(vlapic_set_base(&l, 0xfee00000ull | APIC_BASE_X2APIC), -EINVAL);
	/* While disabled the page may be anywhere; enabling needs it home. */
	assert_int_equal(vlapic_set_base(&l, 0xfec00000ull), 0);
	assert_int_equal(vlapic_set_base(&l, 0xfec00000ull | APIC_BASE_ENABLE), -EINVAL);
	assert_int_equal(vlapic_set_base(&l, XAPIC), 0);
	/* Enabling reset the registers (TPR was 0x30) but not the id. */
	assert_int_equal(vlapic_mmio_read(&l, 0x80), 0);
	assert_int_equal(vlapic_mmio_read(&l, 0x20), 2u << 24);
	assert_int_equal(vlapic_set_base(&l, X2APIC), 0);
	assert_int_equal(rd(&l, 0x802), 2);
	/* x2APIC -> disabled directly is allowed too. */
	assert_int_equal(vlapic_set_base(&l, 0), 0);
	assert_false(vlapic_enabled(&l));
}

static void test_x2apic_reset_state_is_what_linux_expects(void **state)
{
	struct vlapic l0, l3;

	(void)state;
	init_x2apic(&l0, 0);
	init_x2apic(&l3, 3);
	/* Xen numbers APIC ids twice the vCPU id; vCPU 0 is the BSP. */
	assert_int_equal(rd(&l0, 0x802), 0);
	assert_int_equal(rd(&l3, 0x802), 6);
	assert_int_equal(vlapic_get_base(&l0), X2APIC | APIC_BASE_BSP);
	assert_int_equal(vlapic_get_base(&l3), X2APIC);
	assert_int_equal(rd(&l0, 0x803), 0x50014);
	/* x2APIC logical id: cluster = id >> 4, bit id & 15. */
	assert_int_equal(rd(&l3, 0x80d), 1u << 6);
	assert_int_equal(vlapic_logical_id(0x23), (2u << 16) | (1u << 3));
	assert_int_equal(rd(&l0, 0x80f), 0xff);
	for (uint32_t msr = 0x832; msr <= 0x837; msr++)
		assert_int_equal(rd(&l0, msr), 1u << 16); /* masked */
	assert_int_equal(rd(&l0, 0x839), 0);
}

static void test_writable_registers_keep_values(void **state)
{
	struct vlapic l;
	struct vlapic_ipi ipi;

	(void)state;
	init_x2apic(&l, 0);
	assert_int_equal(vlapic_write(&l, 0x808, 0x20, &ipi), 0);
	assert_int_equal(rd(&l, 0x808), 0x20);
	assert_int_equal(rd(&l, 0x80a), 0x20);
	assert_int_equal(vlapic_write(&l, 0x80f, 0x1ff, &ipi), 0);
	assert_int_equal(rd(&l, 0x80f), 0x1ff);
	assert_int_equal(vlapic_write(&l, 0x835, 0x700, &ipi), 0); /* LINT0 ExtINT */
	assert_int_equal(rd(&l, 0x835), 0x700);
	assert_int_equal(vlapic_write(&l, 0x838, 12345, &ipi), 0);
	assert_int_equal(rd(&l, 0x838), 12345);
	assert_int_equal(vlapic_write(&l, 0x828, 0, &ipi), 0);
	assert_int_equal(rd(&l, 0x828), 0);
	assert_int_equal(vlapic_write(&l, 0x80b, 0, &ipi), 0); /* EOI */
}

static void test_faulting_accesses(void **state)
{
	struct vlapic l;
	struct vlapic_ipi ipi;
	uint64_t v;

	(void)state;
	init_x2apic(&l, 1);
	/* Read-only in x2APIC mode: ID, version, LDR, PPR, current count. */
	assert_int_equal(vlapic_write(&l, 0x802, 5, &ipi), -EINVAL);
	assert_int_equal(vlapic_write(&l, 0x803, 5, &ipi), -EINVAL);
	assert_int_equal(vlapic_write(&l, 0x80d, 5, &ipi), -EINVAL);
	assert_int_equal(vlapic_write(&l, 0x839, 5, &ipi), -EINVAL);
	assert_int_equal(rd(&l, 0x802), 2);
	/* A non-zero EOI, bits above 31 outside the ICR, reserved registers. */
	assert_int_equal(vlapic_write(&l, 0x80b, 1, &ipi), -EINVAL);
	assert_int_equal(vlapic_write(&l, 0x808, 1ull << 32, &ipi), -EINVAL);
	assert_int_equal(vlapic_read(&l, 0x800, &v), -EINVAL);
	assert_int_equal(vlapic_read(&l, 0x82f, &v), -EINVAL); /* no CMCI */
	assert_int_equal(vlapic_read(&l, 0x83f, &v), -EINVAL); /* SELF_IPI is write-only */
	assert_int_equal(vlapic_write(&l, 0x8ff, 0, &ipi), -EINVAL);
	assert_int_equal(vlapic_read(&l, 0x80e, &v), -EINVAL); /* no DFR */
	assert_int_equal(vlapic_read(&l, 0x831, &v), -EINVAL); /* no ICR2 */
}

static void test_icr_and_self_ipi_decode(void **state)
{
	struct vlapic l;
	struct vlapic_ipi ipi;

	(void)state;
	init_x2apic(&l, 0);
	/* Fixed vector 0xfd to x2APIC id 4, physical. */
	assert_int_equal(vlapic_write(&l, 0x830, (4ull << 32) | 0xfd, &ipi), 1);
	assert_int_equal(ipi.vector, 0xfd);
	assert_int_equal(ipi.delivery, VLAPIC_FIXED);
	assert_int_equal(ipi.shorthand, VLAPIC_DEST_FIELD);
	assert_false(ipi.logical);
	assert_int_equal(ipi.dest, 4);
	assert_int_equal(rd(&l, 0x830), (4ull << 32) | 0xfd);
	/* INIT to all but self, logical. */
	assert_int_equal(vlapic_write(&l, 0x830, (3ull << 18) | (1 << 11) | (5 << 8), &ipi), 1);
	assert_int_equal(ipi.delivery, VLAPIC_INIT);
	assert_int_equal(ipi.shorthand, VLAPIC_DEST_OTHERS);
	assert_true(ipi.logical);
	/* SELF_IPI: a fixed vector to itself. */
	assert_int_equal(vlapic_write(&l, 0x83f, 0xf6, &ipi), 1);
	assert_int_equal(ipi.vector, 0xf6);
	assert_int_equal(ipi.shorthand, VLAPIC_DEST_SELF);
	assert_int_equal(ipi.delivery, VLAPIC_FIXED);
}

static void test_ipi_targets(void **state)
{
	struct vlapic_ipi phys = { .delivery = VLAPIC_FIXED, .dest = 4 };
	struct vlapic_ipi self = { .shorthand = VLAPIC_DEST_SELF };
	struct vlapic_ipi all = { .shorthand = VLAPIC_DEST_ALL };
	struct vlapic_ipi others = { .shorthand = VLAPIC_DEST_OTHERS };
	struct vlapic_ipi bcast = { .dest = 0xffffffffu };
	/* Logical: cluster 0, ids 2 and 4 (bits 2 and 4). */
	struct vlapic_ipi logical = { .logical = true, .dest = 0x14 };
	struct vlapic_ipi xflat = { .logical = true, .xapic = true, .dest = 0x06 };
	struct vlapic_ipi xcluster = { .logical = true, .xapic = true, .dest = 0x31 };
	struct vlapic l[4], x[3], disabled;
	struct vlapic_ipi ipi;

	(void)state;
	for (unsigned int i = 0; i < 4; i++)
		init_x2apic(&l[i], i); /* ids 0, 2, 4, 6 */
	init_x2apic(&l[1], 9);         /* id 0x12: bit 2 of cluster 1 */
	assert_true(vlapic_ipi_targets(&phys, 0, &l[2]));
	assert_false(vlapic_ipi_targets(&phys, 0, &l[1]));
	assert_true(vlapic_ipi_targets(&self, 4, &l[2]));
	assert_false(vlapic_ipi_targets(&self, 2, &l[2]));
	assert_true(vlapic_ipi_targets(&all, 2, &l[0]) && vlapic_ipi_targets(&all, 2, &l[2]));
	assert_false(vlapic_ipi_targets(&others, 4, &l[2]));
	assert_true(vlapic_ipi_targets(&others, 2, &l[2]));
	assert_true(vlapic_ipi_targets(&bcast, 0, &l[3]));
	assert_true(vlapic_ipi_targets(&logical, 0, &l[2]));
	assert_false(vlapic_ipi_targets(&logical, 0, &l[0]) || vlapic_ipi_targets(&logical, 0, &l[3]));
	assert_false(vlapic_ipi_targets(&logical, 0, &l[1]));
	/* xAPIC logical: flat (a bit per LDR) or cluster (nibbles) by DFR. */
	for (unsigned int i = 0; i < 3; i++)
		vlapic_init(&x[i], i);
	vlapic_mmio_write(&x[0], 0xd0, 0x01000000, &ipi);
	vlapic_mmio_write(&x[1], 0xd0, 0x02000000, &ipi);
	vlapic_mmio_write(&x[2], 0xd0, 0x08000000, &ipi);
	assert_false(vlapic_ipi_targets(&xflat, 0, &x[0]));
	assert_true(vlapic_ipi_targets(&xflat, 0, &x[1]));
	assert_false(vlapic_ipi_targets(&xflat, 0, &x[2]));
	vlapic_mmio_write(&x[2], 0xe0, 0x0fffffff, &ipi); /* cluster 3, bit 0 */
	vlapic_mmio_write(&x[2], 0xd0, 0x31000000, &ipi);
	assert_true(vlapic_ipi_targets(&xcluster, 0, &x[2]));
	vlapic_mmio_write(&x[2], 0xd0, 0x21000000, &ipi);
	assert_false(vlapic_ipi_targets(&xcluster, 0, &x[2]));
	/* The modes do not mix in logical mode; physical ids are the same. */
	assert_false(vlapic_ipi_targets(&xflat, 0, &l[2]));
	assert_false(vlapic_ipi_targets(&logical, 0, &x[2]));
	assert_true(vlapic_ipi_targets(&phys, 0, &(struct vlapic){ .id = 4, .apic_base = XAPIC }));
	/* A disabled APIC receives nothing. */
	vlapic_init(&disabled, 2);
	assert_int_equal(vlapic_set_base(&disabled, 0xfee00000ull), 0);
	assert_false(vlapic_ipi_targets(&all, 0, &disabled));
	assert_false(vlapic_ipi_targets(&phys, 0, &disabled));
}

static void test_pending_vectors_highest_first(void **state)
{
	struct vlapic l;

	(void)state;
	init_x2apic(&l, 0);
	assert_false(vlapic_irr_pending(&l));
	assert_int_equal(vlapic_take_irr(&l), -1);
	vlapic_set_irr(&l, 0x31);
	vlapic_set_irr(&l, 0xf6);
	vlapic_set_irr(&l, 0x80);
	vlapic_set_irr(&l, 0xf6); /* twice: still one */
	vlapic_set_irr(&l, 7);    /* below 16: invalid, dropped */
	assert_true(vlapic_irr_pending(&l));
	/* IRR registers show them: 0x820 + vector / 32, bit vector % 32. */
	assert_int_equal(rd(&l, 0x821), 1u << (0x31 % 32));
	assert_int_equal(rd(&l, 0x824), 1u << 0);
	assert_int_equal(rd(&l, 0x827), 1u << (0xf6 % 32));
	assert_int_equal(rd(&l, 0x820), 0);
	assert_int_equal(rd(&l, 0x810), 0); /* nothing in service */
	assert_int_equal(vlapic_take_irr(&l), 0xf6);
	assert_int_equal(vlapic_take_irr(&l), 0x80);
	assert_int_equal(vlapic_take_irr(&l), 0x31);
	assert_int_equal(vlapic_take_irr(&l), -1);
	assert_false(vlapic_irr_pending(&l));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_starts_in_xapic_mode),
		cmocka_unit_test(test_xapic_registers),
		cmocka_unit_test(test_xapic_icr_halves),
		cmocka_unit_test(test_apic_base_transitions),
		cmocka_unit_test(test_x2apic_reset_state_is_what_linux_expects),
		cmocka_unit_test(test_writable_registers_keep_values),
		cmocka_unit_test(test_faulting_accesses),
		cmocka_unit_test(test_icr_and_self_ipi_decode),
		cmocka_unit_test(test_ipi_targets),
		cmocka_unit_test(test_pending_vectors_highest_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
