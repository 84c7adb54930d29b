/*
 * dom0's IPIs: to itself they pass unchanged; INIT, STARTUP, NMI and SMI to
 * anyone else, and broadcasts to others, are refused; fixed broadcasts and
 * logical masks that include dom0 shrink to a self IPI, even one equal to
 * dom0's own logical ID.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <asm/lapic_guard.h>
#include <tern/errno.h>

#define INIT (5u << 8)
#define STARTUP (6u << 8)
#define NMI (4u << 8)
#define SMI (2u << 8)
#define LEVEL_ASSERT (1u << 14)

static const struct lapic_identity self = { .apic_id = 0, .logical_id = 0x01 };

static uint32_t dest(uint32_t apic_id)
{
	return apic_id << 24;
}

static void test_ipis_to_self_pass_unchanged(void **state)
{
	(void)state;
	assert_int_equal(lapic_guard_icr(0x00000040, dest(0), &self), 0x40);
	assert_int_equal(lapic_guard_icr(ICR_SHORTHAND_SELF | 0xfd, 0, &self),
			 ICR_SHORTHAND_SELF | 0xfd);
	assert_int_equal(lapic_guard_icr(NMI, dest(0), &self), NMI);
}

/* A logical IPI that names dom0 goes out as a self IPI: the other CPUs'
 * logical IDs (or one dom0 copied into its own LDR) reach nobody else. */
static void test_logical_ipis_become_self_ipis(void **state)
{
	const struct lapic_identity all = { .apic_id = 0, .logical_id = 0xff };

	(void)state;
	assert_int_equal(lapic_guard_icr(ICR_DEST_LOGICAL | 0x41, dest(0x01), &self),
			 ICR_SHORTHAND_SELF | 0x41);
	assert_int_equal(lapic_guard_icr(ICR_DEST_LOGICAL | 0x41, dest(0xff), &all),
			 ICR_SHORTHAND_SELF | 0x41);
}

static void test_cpu_start_and_nmi_to_others_are_refused(void **state)
{
	(void)state;
	for (uint32_t cpu = 1; cpu < 4; cpu++) {
		assert_int_equal(lapic_guard_icr(INIT | LEVEL_ASSERT, dest(cpu), &self), -EPERM);
		assert_int_equal(lapic_guard_icr(STARTUP | LEVEL_ASSERT | 0x08, dest(cpu), &self), -EPERM);
		assert_int_equal(lapic_guard_icr(NMI, dest(cpu), &self), -EPERM);
		assert_int_equal(lapic_guard_icr(SMI, dest(cpu), &self), -EPERM);
		assert_int_equal(lapic_guard_icr(0x40, dest(cpu), &self), -EPERM);
	}
	assert_int_equal(lapic_guard_icr(INIT | LEVEL_ASSERT | ICR_SHORTHAND_OTHERS, 0, &self), -EPERM);
	assert_int_equal(lapic_guard_icr(STARTUP | ICR_SHORTHAND_ALL | 0x08, 0, &self), -EPERM);
	assert_int_equal(lapic_guard_icr(NMI | ICR_SHORTHAND_ALL, 0, &self), -EPERM);
	assert_int_equal(lapic_guard_icr(0x40 | ICR_SHORTHAND_OTHERS, 0, &self), -EPERM);
	/* Logical INIT to a mask that includes dom0 is refused too. */
	assert_int_equal(lapic_guard_icr(INIT | ICR_DEST_LOGICAL, dest(0xff), &self), -EPERM);
}

static void test_nothing_resets_dom0s_own_cpu(void **state)
{
	(void)state;
	assert_int_equal(lapic_guard_icr(INIT | LEVEL_ASSERT, dest(0), &self), -EPERM);
	assert_int_equal(lapic_guard_icr(INIT, dest(0), &self), -EPERM); /* level de-assert */
	assert_int_equal(lapic_guard_icr(STARTUP | 0x08, dest(0), &self), -EPERM);
	assert_int_equal(lapic_guard_icr(SMI | ICR_SHORTHAND_SELF, 0, &self), -EPERM);
	assert_int_equal(lapic_guard_icr(INIT | ICR_DEST_LOGICAL, dest(0x01), &self), -EPERM);
}

static void test_fixed_broadcasts_shrink_to_self(void **state)
{
	(void)state;
	assert_int_equal(lapic_guard_icr(0x40 | ICR_SHORTHAND_ALL, 0, &self),
			 0x40 | ICR_SHORTHAND_SELF);
	assert_int_equal(lapic_guard_icr(0x40 | ICR_DEST_LOGICAL, dest(0x0f), &self),
			 0x40 | ICR_SHORTHAND_SELF);
	/* A logical mask without dom0's bit reaches nobody dom0 may reach. */
	assert_int_equal(lapic_guard_icr(0x40 | ICR_DEST_LOGICAL, dest(0x0e), &self), -EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipis_to_self_pass_unchanged),
		cmocka_unit_test(test_logical_ipis_become_self_ipis),
		cmocka_unit_test(test_cpu_start_and_nmi_to_others_are_refused),
		cmocka_unit_test(test_fixed_broadcasts_shrink_to_self),
		cmocka_unit_test(test_nothing_resets_dom0s_own_cpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
