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

/* The one-CPU rule: what the real ICR gets, or -EPERM. */
static int64_t lapic_guard_icr(uint32_t icr_low, uint32_t icr_high, const struct lapic_identity *cpu)
{
	const struct lapic_guard_cpus one = { 1, 0, cpu };
	struct lapic_route r;
	int rc = lapic_guard_route(icr_low, icr_high, &one, &r);

	if (rc)
		return rc;
	assert_int_equal(r.kind, LAPIC_WRITE);
	assert_int_equal(r.targets, 1);
	return r.icr_low;
}

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

/* dom0 with three CPUs, APIC IDs 0, 2 and 4, logical IDs 1, 2 and 4;
 * tern's CPUs are APIC IDs 1 and 3. The writer is dom0's CPU 1. */
static const struct lapic_identity three[] = { { 0, 0x01 }, { 2, 0x02 }, { 4, 0x04 } };
static const struct lapic_guard_cpus smp = { 3, 1, three };

static int route(uint32_t icr_low, uint32_t icr_high, struct lapic_route *r)
{
	*r = (struct lapic_route){ 0, 0, 0 };
	return lapic_guard_route(icr_low, icr_high, &smp, r);
}

static void test_ipis_between_dom0s_cpus_pass(void **state)
{
	struct lapic_route r;

	(void)state;
	/* Physical to another of dom0's CPUs: the ICR as written. */
	assert_int_equal(route(0x41, dest(4), &r), 0);
	assert_int_equal(r.kind, LAPIC_WRITE);
	assert_int_equal(r.icr_low, 0x41);
	assert_int_equal(r.targets, 1u << 2);
	assert_int_equal(route(NMI, dest(0), &r), 0);
	assert_int_equal(r.targets, 1u << 0);
	/* A logical mask: one physical IPI to each of dom0's CPUs it names. */
	assert_int_equal(route(ICR_DEST_LOGICAL | 0x41, dest(0xff), &r), 0);
	assert_int_equal(r.kind, LAPIC_EACH);
	assert_int_equal(r.icr_low, 0x41);
	assert_int_equal(r.targets, 7);
	assert_int_equal(route(ICR_DEST_LOGICAL | NMI, dest(0x05), &r), 0);
	assert_int_equal(r.targets, 5);
	assert_int_equal(r.icr_low, NMI);
	/* Broadcasts reach dom0's CPUs only. */
	assert_int_equal(route(ICR_SHORTHAND_OTHERS | 0xfb, 0, &r), 0);
	assert_int_equal(r.kind, LAPIC_EACH);
	assert_int_equal(r.icr_low, 0xfb);
	assert_int_equal(r.targets, 5);
	assert_int_equal(route(ICR_SHORTHAND_ALL | NMI, 0, &r), 0);
	assert_int_equal(r.targets, 7);
	/* Lowest priority to a group: one of them. */
	assert_int_equal(route(ICR_DEST_LOGICAL | (1u << 8) | 0x41, dest(0x06), &r), 0);
	assert_int_equal(r.targets, 1u << 1);
}

static void test_init_and_startup_to_dom0s_cpus_start_them(void **state)
{
	struct lapic_route r;

	(void)state;
	assert_int_equal(route(INIT | LEVEL_ASSERT | (1u << 15), dest(0), &r), 0);
	assert_int_equal(r.kind, LAPIC_START);
	assert_int_equal(r.targets, 1u << 0);
	assert_int_equal(route(STARTUP | 0x9a, dest(4), &r), 0);
	assert_int_equal(r.kind, LAPIC_START);
	assert_int_equal(r.icr_low, STARTUP | 0x9a);
	assert_int_equal(r.targets, 1u << 2);
	assert_int_equal(route(INIT | LEVEL_ASSERT | ICR_SHORTHAND_OTHERS, 0, &r), 0);
	assert_int_equal(r.targets, 5);
	/* Never the writing CPU, alone or in a group. */
	assert_int_equal(route(INIT | LEVEL_ASSERT, dest(2), &r), -EPERM);
	assert_int_equal(route(STARTUP | ICR_SHORTHAND_ALL | 0x9a, 0, &r), -EPERM);
	assert_int_equal(route(INIT | ICR_DEST_LOGICAL, dest(0x02), &r), -EPERM);
}

/* Per CPU, the refusals of the one-CPU rule still hold for tern's CPUs. */
static void test_tern_cpus_stay_out_of_reach(void **state)
{
	struct lapic_route r;

	(void)state;
	for (uint32_t cpu = 1; cpu < 8; cpu += 2) {
		assert_int_equal(route(INIT | LEVEL_ASSERT, dest(cpu), &r), -EPERM);
		assert_int_equal(route(STARTUP | 0x08, dest(cpu), &r), -EPERM);
		assert_int_equal(route(NMI, dest(cpu), &r), -EPERM);
		assert_int_equal(route(0x40, dest(cpu), &r), -EPERM);
	}
	assert_int_equal(route(SMI, dest(0), &r), -EPERM);
	assert_int_equal(route(SMI | ICR_SHORTHAND_OTHERS, 0, &r), -EPERM);
	/* Logical bits no dom0 CPU has reach nobody. */
	assert_int_equal(route(ICR_DEST_LOGICAL | 0x41, dest(0xf8), &r), -EPERM);
	/* ExtINT goes nowhere but the writer itself. */
	assert_int_equal(route((7u << 8), dest(4), &r), -EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipis_to_self_pass_unchanged),
		cmocka_unit_test(test_logical_ipis_become_self_ipis),
		cmocka_unit_test(test_cpu_start_and_nmi_to_others_are_refused),
		cmocka_unit_test(test_fixed_broadcasts_shrink_to_self),
		cmocka_unit_test(test_nothing_resets_dom0s_own_cpu),
		cmocka_unit_test(test_ipis_between_dom0s_cpus_pass),
		cmocka_unit_test(test_init_and_startup_to_dom0s_cpus_start_them),
		cmocka_unit_test(test_tern_cpus_stay_out_of_reach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
