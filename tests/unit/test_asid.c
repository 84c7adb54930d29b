/*
 * ASID generations (arch/x86/svm/asid.c) against a model of the TLBs: each
 * pCPU's entries are tagged with the ASID they were made under and
 * remember the domain and the version (epoch) of its nested table they
 * came from. Every VMRUN is checked: the ASID it uses may hold entries of
 * the running vCPU's domain at its current epoch only, never another
 * domain's or an older table's. Random runs (vCPUs of several domains
 * moving between pCPUs while tables change), with few and many ASIDs, with
 * and without flush-by-ASID; the migration the old scheme got wrong
 * (pCPU1 -> pCPU2 -> pCPU1 around a table change), done both by the old
 * rule (the model must catch it) and by the new one; what flush-by-ASID
 * saves.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <asm/asid.h>

#define NPCPU 3
#define NDOM 3
#define NVCPU 6 /* vCPU i belongs to domain i % NDOM */
#define MAX_ASIDS 64

struct tlb_tag {
	bool used;
	int dom;
	uint64_t epoch; /* the oldest table version an entry was made from */
};

static struct model {
	struct tlb_tag tlb[NPCPU][MAX_ASIDS];
	uint64_t epoch[NDOM];
	uint64_t seen[NVCPU];        /* the epoch each vCPU last entered with */
	struct asid_vcpu vcpu[NVCPU];
	struct asid_pcpu pcpu[NPCPU];
	unsigned int full_flushes;
} m;

static void model_init(uint32_t nr_asids)
{
	memset(&m, 0, sizeof(m));
	for (int p = 0; p < NPCPU; p++)
		asid_pcpu_init(&m.pcpu[p], nr_asids);
	/* Entries left from before: the first VMRUN must not use them. */
	for (int p = 0; p < NPCPU; p++)
		for (int a = 0; a < MAX_ASIDS; a++)
			m.tlb[p][a] = (struct tlb_tag){ true, (p + a) % NDOM, 0 };
	for (int d = 0; d < NDOM; d++)
		m.epoch[d] = 1;
}

/* A VMRUN of vCPU v on pCPU p with this ASID and flush: false if it could
 * use an entry of another domain or of an older table. */
static bool model_vmrun(int p, int v, struct asid_vmrun run)
{
	int d = v % NDOM;
	struct tlb_tag *t;

	assert_true(run.asid >= 1 && run.asid < MAX_ASIDS);
	if (run.flush == ASID_FLUSH_ALL) {
		memset(m.tlb[p], 0, sizeof(m.tlb[p]));
		m.full_flushes++;
	}
	t = &m.tlb[p][run.asid];
	if (run.flush == ASID_FLUSH_OWN)
		t->used = false;
	m.seen[v] = m.epoch[d];
	if (t->used && (t->dom != d || t->epoch != m.epoch[d]))
		return false;
	*t = (struct tlb_tag){ true, d, m.epoch[d] };
	return true;
}

static bool run_new(int p, int v, bool flush_by_asid)
{
	bool changed = m.seen[v] != m.epoch[v % NDOM];

	return model_vmrun(p, v, asid_for_vmrun(&m.pcpu[p], (unsigned int)p, &m.vcpu[v], changed,
						flush_by_asid));
}

/* tern before ASIDs per vCPU: every domU had ASID 2; a pCPU flushed when it
 * had last run another vCPU, or when the vCPU's domain changed its table
 * since that vCPU last entered (anywhere). */
static int last_on[NPCPU] = { -1, -1, -1 };
static bool run_old(int p, int v)
{
	bool flush = last_on[p] != v || m.seen[v] != m.epoch[v % NDOM];

	last_on[p] = v;
	return model_vmrun(p, v, (struct asid_vmrun){ 2, flush ? ASID_FLUSH_ALL : ASID_FLUSH_NONE });
}

static void test_first_vmrun_flushes_then_asids_are_kept(void **state)
{
	struct asid_vmrun r;

	(void)state;
	model_init(16);
	r = asid_for_vmrun(&m.pcpu[0], 0, &m.vcpu[0], false, false);
	assert_int_equal(r.flush, ASID_FLUSH_ALL);
	assert_int_equal(r.asid, 1);
	r = asid_for_vmrun(&m.pcpu[0], 0, &m.vcpu[1], false, false);
	assert_int_equal(r.flush, ASID_FLUSH_NONE);
	assert_int_equal(r.asid, 2);
	r = asid_for_vmrun(&m.pcpu[0], 0, &m.vcpu[0], false, false);
	assert_int_equal(r.flush, ASID_FLUSH_NONE);
	assert_int_equal(r.asid, 1);
}

static void test_changed_table(void **state)
{
	struct asid_vmrun r;

	(void)state;
	model_init(16);
	asid_for_vmrun(&m.pcpu[0], 0, &m.vcpu[0], false, false);
	/* Without flush-by-ASID: a fresh ASID, no flush. */
	r = asid_for_vmrun(&m.pcpu[0], 0, &m.vcpu[0], true, false);
	assert_int_equal(r.asid, 2);
	assert_int_equal(r.flush, ASID_FLUSH_NONE);
	/* With it: the same ASID, flushed. */
	r = asid_for_vmrun(&m.pcpu[0], 0, &m.vcpu[0], true, true);
	assert_int_equal(r.asid, 2);
	assert_int_equal(r.flush, ASID_FLUSH_OWN);
}

static void test_running_out_starts_a_generation(void **state)
{
	struct asid_vmrun r;

	(void)state;
	model_init(4); /* ASIDs 1-3 */
	for (int v = 0; v < 3; v++)
		asid_for_vmrun(&m.pcpu[0], 0, &m.vcpu[v], false, false);
	r = asid_for_vmrun(&m.pcpu[0], 0, &m.vcpu[3], false, false);
	assert_int_equal(r.asid, 1);
	assert_int_equal(r.flush, ASID_FLUSH_ALL);
	/* vCPU 0's ASID 1 is from the old generation: it gets a fresh one. */
	r = asid_for_vmrun(&m.pcpu[0], 0, &m.vcpu[0], false, false);
	assert_int_equal(r.asid, 2);
	assert_int_equal(r.flush, ASID_FLUSH_NONE);
}

static void test_one_asid(void **state)
{
	struct asid_vmrun r;

	(void)state;
	model_init(1); /* a CPU that reports a single ASID: every switch flushes */
	asid_for_vmrun(&m.pcpu[0], 0, &m.vcpu[0], false, false);
	r = asid_for_vmrun(&m.pcpu[0], 0, &m.vcpu[1], false, false);
	assert_int_equal(r.asid, 1);
	assert_int_equal(r.flush, ASID_FLUSH_ALL);
}

/* v runs on pCPU 1, moves to pCPU 2, its domain's table changes (a grant
 * unmap), v runs on pCPU 2 (where it flushes), then back on pCPU 1, where
 * nothing else ran meanwhile. */
static bool migration(bool (*run)(int p, int v))
{
	bool ok = run(1, 0) && run(2, 0);

	m.epoch[0]++;
	return ok && run(2, 0) && run(1, 0);
}

static bool run_new_without(int p, int v)
{
	return run_new(p, v, false);
}

static bool run_new_with(int p, int v)
{
	return run_new(p, v, true);
}

static void test_migration_around_a_change(void **state)
{
	(void)state;
	model_init(16);
	assert_false(migration(run_old)); /* the model sees the old rule's stale entry */
	model_init(16);
	assert_true(migration(run_new_without));
	model_init(16);
	assert_true(migration(run_new_with));
}

static void random_runs(uint32_t nr_asids, bool flush_by_asid, unsigned int seed)
{
	model_init(nr_asids);
	srand(seed);
	for (int step = 0; step < 50000; step++) {
		int r = rand() % 8;

		if (r == 0) {
			m.epoch[rand() % NDOM]++;
			continue;
		}
		if (!run_new(rand() % NPCPU, rand() % NVCPU, flush_by_asid))
			fail_msg("stale or foreign TLB entry reachable at step %d (%u ASIDs%s)", step,
				 nr_asids, flush_by_asid ? ", flush-by-ASID" : "");
	}
}

static void test_random_runs(void **state)
{
	static const uint32_t counts[] = { 2, 3, 4, 16, MAX_ASIDS };

	(void)state;
	for (unsigned int i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		random_runs(counts[i], false, 1000 + i);
		random_runs(counts[i], true, 2000 + i);
	}
}

/* With flush-by-ASID, a pinned vCPU whose table keeps changing never costs
 * a full flush after the first VMRUN; without it, one per 15 changes. */
static void test_pinned_vcpu_and_changes(void **state)
{
	(void)state;
	model_init(16);
	for (int i = 0; i < 300; i++) {
		m.epoch[0]++;
		assert_true(run_new(1, 0, true));
	}
	assert_int_equal(m.full_flushes, 1);
	model_init(16);
	for (int i = 0; i < 300; i++) {
		m.epoch[0]++;
		assert_true(run_new(1, 0, false));
	}
	assert_int_equal(m.full_flushes, 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_vmrun_flushes_then_asids_are_kept),
		cmocka_unit_test(test_changed_table),
		cmocka_unit_test(test_running_out_starts_a_generation),
		cmocka_unit_test(test_one_asid),
		cmocka_unit_test(test_migration_around_a_change),
		cmocka_unit_test(test_random_runs),
		cmocka_unit_test(test_pinned_vcpu_and_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
