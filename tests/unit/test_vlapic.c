/*
 * The domU local APIC in x2APIC mode: the registers Linux programs at boot
 * (id, version, LDR, SVR, TPR, LVTs, ESR, EOI), what faults (#GP: -EINVAL)
 * as on hardware, the APIC_BASE rules, ICR/SELF_IPI decoding and who an IPI
 * reaches, and the pending-vector queue that interrupt injection drains.
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

static void test_reset_state_is_what_linux_expects(void **state)
{
	struct vlapic l0, l3;

	(void)state;
	vlapic_init(&l0, 0);
	vlapic_init(&l3, 3);
	/* Xen numbers APIC ids twice the vCPU id; vCPU 0 is the BSP. */
	assert_int_equal(rd(&l0, 0x802), 0);
	assert_int_equal(rd(&l3, 0x802), 6);
	assert_int_equal(vlapic_get_base(&l0),
			 0xfee00000ull | APIC_BASE_ENABLE | APIC_BASE_X2APIC | APIC_BASE_BSP);
	assert_int_equal(vlapic_get_base(&l3), 0xfee00000ull | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
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
	vlapic_init(&l, 0);
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
	vlapic_init(&l, 1);
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
	/* APIC_BASE: only the same value (BSP bit aside) is accepted. */
	assert_int_equal(vlapic_set_base(&l, vlapic_get_base(&l)), 0);
	assert_int_equal(vlapic_set_base(&l, vlapic_get_base(&l) & ~(uint64_t)APIC_BASE_X2APIC),
			 -EINVAL);
	assert_int_equal(vlapic_set_base(&l, 0), -EINVAL);
	assert_int_equal(vlapic_set_base(&l, 0xfec00000ull | APIC_BASE_ENABLE | APIC_BASE_X2APIC),
			 -EINVAL);
}

static void test_icr_and_self_ipi_decode(void **state)
{
	struct vlapic l;
	struct vlapic_ipi ipi;

	(void)state;
	vlapic_init(&l, 0);
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
	struct vlapic_ipi phys = { 0xfd, VLAPIC_FIXED, VLAPIC_DEST_FIELD, false, 4 };
	struct vlapic_ipi self = { 0xfd, VLAPIC_FIXED, VLAPIC_DEST_SELF, false, 0 };
	struct vlapic_ipi all = { 0xfd, VLAPIC_FIXED, VLAPIC_DEST_ALL, false, 0 };
	struct vlapic_ipi others = { 0xfd, VLAPIC_FIXED, VLAPIC_DEST_OTHERS, false, 0 };
	struct vlapic_ipi bcast = { 0xfd, VLAPIC_FIXED, VLAPIC_DEST_FIELD, false, 0xffffffffu };
	/* Logical: cluster 0, ids 2 and 4 (bits 2 and 4). */
	struct vlapic_ipi logical = { 0xfd, VLAPIC_FIXED, VLAPIC_DEST_FIELD, true, 0x14 };

	(void)state;
	assert_true(vlapic_ipi_targets(&phys, 0, 4));
	assert_false(vlapic_ipi_targets(&phys, 0, 2));
	assert_true(vlapic_ipi_targets(&self, 2, 2));
	assert_false(vlapic_ipi_targets(&self, 2, 4));
	assert_true(vlapic_ipi_targets(&all, 2, 2) && vlapic_ipi_targets(&all, 2, 4));
	assert_false(vlapic_ipi_targets(&others, 2, 2));
	assert_true(vlapic_ipi_targets(&others, 2, 4));
	assert_true(vlapic_ipi_targets(&bcast, 0, 6));
	assert_true(vlapic_ipi_targets(&logical, 0, 2) && vlapic_ipi_targets(&logical, 0, 4));
	assert_false(vlapic_ipi_targets(&logical, 0, 0) || vlapic_ipi_targets(&logical, 0, 6));
	assert_false(vlapic_ipi_targets(&logical, 0, 0x12)); /* bit 2 of cluster 1 */
}

static void test_pending_vectors_highest_first(void **state)
{
	struct vlapic l;

	(void)state;
	vlapic_init(&l, 0);
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
		cmocka_unit_test(test_reset_state_is_what_linux_expects),
		cmocka_unit_test(test_writable_registers_keep_values),
		cmocka_unit_test(test_faulting_accesses),
		cmocka_unit_test(test_icr_and_self_ipi_decode),
		cmocka_unit_test(test_ipi_targets),
		cmocka_unit_test(test_pending_vectors_highest_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
