/*
 * Whose state a pCPU's registers hold: a vCPU's state is loaded the first
 * time it runs on a pCPU, not again while nobody else ran there, and again
 * after it ran elsewhere (p1 -> p2 -> p1), even though p1 still "has" it. A
 * new vCPU at a freed vCPU's address is loaded. IBPB comes between two
 * domains' vCPUs on a pCPU, never within one domain or on the first run,
 * and between a freed domain and a new one at its address.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <asm/cpu_state.h>

struct fake_vcpu {
	int domain;
	int loaded_on;
};

static uint64_t frees;

static struct cpu_state_switch run(struct cpu_state_pcpu *pcpus, unsigned int cpu,
				   struct fake_vcpu *v, const int *domains)
{
	return cpu_state_plan(&pcpus[cpu], cpu, v, &domains[v->domain], &v->loaded_on, frees,
			      true);
}

static void test_load_only_when_needed(void **state)
{
	(void)state;
	static const int domains[2];
	struct cpu_state_pcpu pcpus[3] = { 0 };
	struct fake_vcpu a = { 0, -1 }, b = { 1, -1 };

	assert_true(run(pcpus, 1, &a, domains).load);
	assert_false(run(pcpus, 1, &a, domains).load);   /* nobody else ran on 1 */
	assert_true(run(pcpus, 1, &b, domains).load);
	assert_true(run(pcpus, 1, &a, domains).load);    /* b's state was there */
	/* a migrates 1 -> 2 -> 1: pCPU 1 still records a, but a's newer state is on 2. */
	assert_true(run(pcpus, 2, &a, domains).load);
	assert_true(run(pcpus, 1, &a, domains).load);
	assert_false(run(pcpus, 1, &a, domains).load);
}

static void test_reused_address_loads(void **state)
{
	(void)state;
	static const int domains[1];
	struct cpu_state_pcpu pcpus[2] = { 0 };
	struct fake_vcpu v = { 0, -1 };

	assert_true(run(pcpus, 1, &v, domains).load);
	/* Destroyed, and a new vCPU set up in the same memory (loaded_on reset). */
	v.loaded_on = -1;
	assert_true(run(pcpus, 1, &v, domains).load);
}

static void test_ibpb_between_domains(void **state)
{
	(void)state;
	static const int domains[2];
	struct cpu_state_pcpu pcpus[2] = { 0 };
	struct fake_vcpu a0 = { 0, -1 }, a1 = { 0, -1 }, b = { 1, -1 };

	assert_false(run(pcpus, 1, &a0, domains).ibpb);  /* first run on this pCPU */
	assert_false(run(pcpus, 1, &a1, domains).ibpb);  /* same domain */
	assert_true(run(pcpus, 1, &b, domains).ibpb);
	assert_false(run(pcpus, 1, &b, domains).ibpb);
	assert_true(run(pcpus, 1, &a0, domains).ibpb);
	/* Without IBPB on the CPU, never. */
	assert_false(cpu_state_plan(&pcpus[1], 1, &b, &domains[1], &b.loaded_on, frees,
				    false).ibpb);
}

static void test_ibpb_for_a_new_domain_at_a_freed_ones_address(void **state)
{
	(void)state;
	static const int domains[1];
	struct cpu_state_pcpu pcpus[2] = { 0 };
	struct fake_vcpu old = { 0, -1 }, new = { 0, -1 };

	run(pcpus, 1, &old, domains);
	/* The old domain is destroyed; a new one is built in the same memory. */
	frees++;
	assert_true(run(pcpus, 1, &new, domains).ibpb);
	assert_false(run(pcpus, 1, &new, domains).ibpb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_only_when_needed),
		cmocka_unit_test(test_reused_address_loads),
		cmocka_unit_test(test_ibpb_between_domains),
		cmocka_unit_test(test_ibpb_for_a_new_domain_at_a_freed_ones_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
