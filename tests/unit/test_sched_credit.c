/*
 * The credit scheduler's decisions on made-up domains and a simulated clock:
 * pCPUs 1..n pick, run their choice until its slice ends (in 100 us steps),
 * charge it and pick again, as common/sched.c does. Covers shares by weight
 * (between domains, not vCPUs), caps (the pCPU idles rather than run a
 * domain over its cap; debt carries over), affinity, the states that are
 * never picked, the credit clamp after a long sleep, and parameter checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <tern/domain.h>
#include <tern/errno.h>
#include <tern/sched_credit.h>

#define MS 1000000ull
#define STEP (MS / 10)
#define NDOMS 5
#define NCPUS 4 /* pCPU 0 is dom0's; 1..3 run domUs */

static struct domain doms[NDOMS];
static struct domain *table[NDOMS];

struct sim_cpu {
	struct sched_cpu pc;
	struct vcpu *v;
	uint64_t start, until;
	uint64_t idle_ns;
};
static struct sim_cpu cpus[NCPUS];
static uint64_t now;
/* Time each domain's vCPUs ran on each pCPU, and each vCPU's in all. */
static uint64_t ran_on[NDOMS][NCPUS];
#define NVCPUS 4
static uint64_t vcpu_ran[NDOMS][NVCPUS];

static int setup(void **state)
{
	(void)state;
	memset(doms, 0, sizeof(doms));
	memset(table, 0, sizeof(table));
	memset(cpus, 0, sizeof(cpus));
	memset(ran_on, 0, sizeof(ran_on));
	memset(vcpu_ran, 0, sizeof(vcpu_ran));
	now = 1000 * MS; /* not at 0: periods and virtual times are mid-way */
	/* dom0, which is never picked. */
	doms[0].is_privileged = true;
	doms[0].nr_vcpus = 1;
	doms[0].vcpu[0] = (struct vcpu){ .domain = &doms[0], .online = true, .affinity = ~0ull };
	table[0] = &doms[0];
	return 0;
}

/* A running domU with n online vCPUs allowed on every pCPU but dom0's. */
static struct domain *domu(domid_t id, unsigned int n, uint32_t weight, uint32_t cap)
{
	struct domain *d = &doms[id];

	d->id = id;
	d->nr_vcpus = n;
	sched_domain_init(&d->sched);
	sched_set_params(&d->sched, weight, cap, now);
	for (unsigned int i = 0; i < n; i++)
		d->vcpu[i] = (struct vcpu){ .domain = d, .id = i, .online = true, .affinity = ~1ull };
	table[id] = d;
	return d;
}

/* The vCPU on cpu is charged and lets it go. */
static void done(unsigned int cpu)
{
	struct sim_cpu *c = &cpus[cpu];

	ran_on[c->v->domain->id][cpu] += now - c->start;
	vcpu_ran[c->v->domain->id][c->v->id] += now - c->start;
	sched_done(c->v, now - c->start);
	c->v = NULL;
}

/* Runs pCPUs 1..ncpus for ns: a vCPU runs until its slice ends or it cannot
 * go on (blocked, paused); an idle pCPU looks again every step. */
static void run(unsigned int ncpus, uint64_t ns)
{
	for (uint64_t end = now + ns; now < end; now += STEP) {
		for (unsigned int cpu = 1; cpu <= ncpus; cpu++) {
			struct sim_cpu *c = &cpus[cpu];

			if (c->v && (now >= c->until || c->v->blocked || c->v->domain->paused ||
				     c->v->yielded))
				done(cpu);
			if (!c->v) {
				struct sched_choice ch = sched_pick(&c->pc, table, NDOMS, cpu, now);

				if (ch.vcpu) {
					assert_int_equal(ch.vcpu->pcpu, cpu);
					assert_true(ch.vcpu->running);
					assert_true(ch.until > now);
					c->v = ch.vcpu;
					c->v->yielded = false; /* as a slice starts */
					c->start = now;
					c->until = ch.until;
				}
			}
			if (!c->v)
				c->idle_ns += STEP;
		}
	}
	/* Charge what is running so the totals are up to date; it goes on at
	 * the next run() after a fresh pick, as after a slice. */
	for (unsigned int cpu = 1; cpu <= ncpus; cpu++)
		if (cpus[cpu].v)
			done(cpu);
}

static uint64_t ran(const struct domain *d)
{
	uint64_t t = 0;

	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		t += vcpu_ran[d->id][i];
	return t;
}

/* |got - want| <= tolerance, all in ms, with a readable failure. */
static void assert_near_ms(uint64_t got_ns, uint64_t want_ms, uint64_t tolerance_ms)
{
	uint64_t got = got_ns / MS;

	if (got + tolerance_ms < want_ms || got > want_ms + tolerance_ms)
		fail_msg("ran %llu ms, expected %llu +- %llu ms", (unsigned long long)got,
			 (unsigned long long)want_ms, (unsigned long long)tolerance_ms);
}

static void test_equal_weights_share_evenly(void **state)
{
	struct domain *a = domu(1, 1, 256, 0), *b = domu(2, 1, 256, 0);

	(void)state;
	run(1, 3000 * MS);
	assert_near_ms(ran(a), 1500, 30);
	assert_near_ms(ran(b), 1500, 30);
	assert_int_equal(cpus[1].idle_ns, 0);
}

static void test_weight_gives_proportional_shares(void **state)
{
	struct domain *a = domu(1, 1, 512, 0), *b = domu(2, 1, 256, 0);

	(void)state;
	run(1, 3000 * MS);
	assert_near_ms(ran(a), 2000, 30);
	assert_near_ms(ran(b), 1000, 30);

	/* Three domains 1:1:2, and a weight change takes effect from then on. */
	setup(NULL);
	a = domu(1, 1, 256, 0);
	b = domu(2, 1, 256, 0);
	struct domain *c = domu(3, 1, 512, 0);
	run(1, 4000 * MS);
	assert_near_ms(ran(a), 1000, 30);
	assert_near_ms(ran(b), 1000, 30);
	assert_near_ms(ran(c), 2000, 30);
	c->sched.weight = 256;
	run(1, 3000 * MS);
	assert_near_ms(ran(a), 2000, 60);
	assert_near_ms(ran(c), 3000, 60);
}

static void test_extreme_weights(void **state)
{
	struct domain *a = domu(1, 1, SCHED_WEIGHT_MAX, 0), *b = domu(2, 1, 1, 0);

	(void)state;
	run(1, 3000 * MS);
	/* 65535:1 - b still runs (no starvation), for about one slice. */
	assert_true(ran(b) > 0);
	assert_true(ran(b) <= 2 * SCHED_SLICE_NS);
	assert_near_ms(ran(a), 3000, 60);
}

static void test_weight_is_per_domain_not_per_vcpu(void **state)
{
	struct domain *a = domu(1, 2, 256, 0), *b = domu(2, 1, 256, 0);

	(void)state;
	run(1, 3000 * MS);
	assert_near_ms(ran(a), 1500, 30);
	assert_near_ms(ran(b), 1500, 30);
	/* a's two vCPUs share its half evenly. */
	assert_near_ms(vcpu_ran[a->id][0], 750, 30);
	assert_near_ms(vcpu_ran[a->id][1], 750, 30);
}

static void test_two_pcpus_run_two_domains_each_fully(void **state)
{
	struct domain *a = domu(1, 1, 512, 0), *b = domu(2, 1, 256, 0);

	(void)state;
	/* Nothing is contended: weight does not hold anyone back. */
	run(2, 1000 * MS);
	assert_near_ms(ran(a), 1000, 1);
	assert_near_ms(ran(b), 1000, 1);
}

static void test_cap_limits_and_pcpu_idles(void **state)
{
	struct domain *a = domu(1, 1, 256, 50);
	struct sched_choice c;
	uint64_t p = 100 * SCHED_PERIOD_NS;

	(void)state;
	/* Half the time, idle the rest. */
	run(1, 3000 * MS);
	assert_near_ms(ran(a), 1500, 15);
	assert_near_ms(cpus[1].idle_ns, 1500, 15);

	/* Step by step: a new cap starts with one period's share. */
	setup(NULL);
	a = domu(1, 1, 256, 0);
	now = p;
	sched_set_params(&a->sched, 256, 50, p);
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, p);
	assert_ptr_equal(c.vcpu, &a->vcpu[0]);
	assert_int_equal(c.until, p + 15 * MS);
	sched_done(c.vcpu, 10 * MS);
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, p + 10 * MS);
	assert_int_equal(c.until, p + 15 * MS);
	sched_done(c.vcpu, 5 * MS);
	/* Used up: nothing runs until the next period, which the pick names. */
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, p + 15 * MS);
	assert_null(c.vcpu);
	assert_int_equal(c.until, p + SCHED_PERIOD_NS);
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, p + SCHED_PERIOD_NS);
	assert_ptr_equal(c.vcpu, &a->vcpu[0]);
	assert_int_equal(c.until, p + SCHED_PERIOD_NS + 15 * MS);
	sched_done(c.vcpu, 15 * MS);
	/* Two periods unused: both shares saved, no more. */
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, p + 4 * SCHED_PERIOD_NS);
	assert_int_equal(c.until, p + 4 * SCHED_PERIOD_NS + 30 * MS);
}

static void test_cap_with_a_competitor(void **state)
{
	struct domain *a = domu(1, 1, 256, 25), *b = domu(2, 1, 256, 0);

	(void)state;
	/* a would get half by weight; its cap holds it to a quarter, and b
	 * (uncapped) has the rest: the pCPU never idles. */
	run(1, 3000 * MS);
	assert_near_ms(ran(a), 750, 30);
	assert_near_ms(ran(b), 2250, 30);
	assert_int_equal(cpus[1].idle_ns, 0);
}

static void test_cap_above_one_pcpu(void **state)
{
	struct domain *a = domu(1, 2, 256, 150);

	(void)state;
	/* Two vCPUs on two pCPUs, capped at one and a half pCPUs. */
	run(2, 3000 * MS);
	assert_near_ms(ran(a), 4500, 60);
}

static void test_cap_debt_carries_over(void **state)
{
	struct domain *a;
	struct sched_choice c;

	(void)state;
	now = 10 * SCHED_PERIOD_NS;
	a = domu(1, 1, 256, 10); /* 3 ms per 30 ms period */
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, now);
	assert_ptr_equal(c.vcpu, &a->vcpu[0]);
	assert_int_equal(c.until, now + 3 * MS);
	/* It overran by 18 ms (six shares): it waits out six periods. */
	sched_done(c.vcpu, 21 * MS);
	for (uint64_t p = 11; p <= 16; p++) {
		c = sched_pick(&cpus[1].pc, table, NDOMS, 1, p * SCHED_PERIOD_NS);
		assert_null(c.vcpu);
		assert_int_equal(c.until, (p + 1) * SCHED_PERIOD_NS);
	}
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, 17 * SCHED_PERIOD_NS);
	assert_ptr_equal(c.vcpu, &a->vcpu[0]);
	assert_int_equal(c.until, 17 * SCHED_PERIOD_NS + 3 * MS);
	sched_done(c.vcpu, 1 * MS);
	/* After a long pause: two periods' shares, not more. */
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, 1000 * SCHED_PERIOD_NS);
	assert_int_equal(c.until, 1000 * SCHED_PERIOD_NS + 6 * MS);
}

static void test_affinity(void **state)
{
	struct domain *a = domu(1, 1, 256, 0), *b = domu(2, 1, 256, 0);
	struct sched_choice c;

	(void)state;
	a->vcpu[0].affinity = 1ull << 2;
	b->vcpu[0].affinity = 1ull << 2 | 1ull << 3;
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, now);
	assert_null(c.vcpu);
	assert_int_equal(c.until, 0);
	/* Both compete for pCPU 2; b alone may use pCPU 3. */
	run(3, 3000 * MS);
	assert_int_equal(cpus[1].idle_ns, 3000 * MS);
	assert_near_ms(ran(a), 3000, 30); /* pCPU 2 is a's whenever b is on 3 */
	assert_near_ms(ran(b), 3000, 30);
	/* pCPUs beyond the map's 64 bits, or left out of it, run nothing. */
	a->vcpu[0].affinity = ~0ull;
	assert_non_null(sched_pick(&cpus[1].pc, table, NDOMS, 63, now).vcpu);
	a->vcpu[0].running = false;
	assert_null(sched_pick(&cpus[1].pc, table, NDOMS, 64, now).vcpu);
	a->vcpu[0].affinity = b->vcpu[0].affinity = ~1ull;
	assert_null(sched_pick(&cpus[1].pc, table, NDOMS, 0, now).vcpu);
}

/* Three CPU-bound domains on two pCPUs: a prefers pCPU 1, b pCPU 2, c has
 * no preference. Each still gets its third of the two pCPUs, but a and b
 * now stay on the pCPU they prefer (without soft affinity they wander). */
static void test_soft_affinity_places_vcpus(void **state)
{
	struct domain *a = domu(1, 1, 256, 0), *b = domu(2, 1, 256, 0), *c = domu(3, 1, 256, 0);

	(void)state;
	run(2, 3000 * MS);
	assert_true(ran_on[1][2] > 500 * MS); /* a wanders to pCPU 2 on its own */
	setup(NULL);
	a = domu(1, 1, 256, 0), b = domu(2, 1, 256, 0), c = domu(3, 1, 256, 0);
	a->vcpu[0].soft_affinity = 1ull << 1;
	b->vcpu[0].soft_affinity = 1ull << 2;
	run(2, 3000 * MS);
	assert_near_ms(ran(a), 2000, 60);
	assert_near_ms(ran(b), 2000, 60);
	assert_near_ms(ran(c), 2000, 60);
	assert_true(ran_on[1][1] >= ran(a) * 9 / 10);
	assert_true(ran_on[2][2] >= ran(b) * 9 / 10);
	assert_int_equal(cpus[1].idle_ns + cpus[2].idle_ns, 0);
}

/* Two busy vCPUs that each started on the pCPU the other prefers, their
 * slices ending at different times (so no pick ever sees both free): the
 * pCPU that a misplaced vCPU leaves hands it over and they swap, at the
 * cost of a pCPU idling for a moment, once; then they stay. */
static void test_soft_affinity_swaps_misplaced_vcpus(void **state)
{
	struct domain *a = domu(1, 1, 256, 0), *b = domu(2, 1, 256, 0);
	struct vcpu *va = &a->vcpu[0], *vb = &b->vcpu[0];

	(void)state;
	*va = (struct vcpu){ .domain = a, .online = true, .affinity = ~1ull,
			     .soft_affinity = 1ull << 1, .running = true, .pcpu = 2 };
	*vb = (struct vcpu){ .domain = b, .online = true, .affinity = ~1ull,
			     .soft_affinity = 1ull << 2, .running = true, .pcpu = 1 };
	cpus[2] = (struct sim_cpu){ .v = va, .start = now, .until = now + SCHED_SLICE_NS };
	cpus[1] = (struct sim_cpu){ .v = vb, .start = now, .until = now + SCHED_SLICE_NS / 2 };
	run(2, 3000 * MS);
	assert_true(ran_on[1][1] > 2950 * MS);
	assert_true(ran_on[2][2] > 2950 * MS);
	assert_true(cpus[1].idle_ns + cpus[2].idle_ns <= 2 * SCHED_HANDOFF_NS);
}

/* A vCPU woken while the pCPU it prefers is idle goes there, not to the
 * first pCPU that looks. */
static void test_soft_affinity_hands_over_to_an_idle_pcpu(void **state)
{
	struct domain *a = domu(1, 1, 256, 0);
	struct sched_choice c;

	(void)state;
	a->vcpu[0].soft_affinity = 1ull << 2;
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, now);
	assert_null(c.vcpu);
	assert_int_equal(c.kick, 1ull << 2);
	assert_int_equal(c.until, now + SCHED_HANDOFF_NS);
	c = sched_pick(&cpus[2].pc, table, NDOMS, 2, now);
	assert_ptr_equal(c.vcpu, &a->vcpu[0]);
	assert_int_equal(c.kick, 0);
	/* With pCPU 2 busy with a vCPU that prefers it, pCPU 1 runs it. */
	domu(2, 1, 256, 0)->vcpu[0].soft_affinity = 1ull << 2;
	a->vcpu[0].running = false;
	a->vcpu[0].pcpu = 0;
	doms[2].vcpu[0].running = true;
	doms[2].vcpu[0].pcpu = 2;
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, now);
	assert_ptr_equal(c.vcpu, &a->vcpu[0]);
}

/* A preference never starves the others: a prefers the only domU pCPU, b
 * has none; equal weights still share it evenly, and by weight. */
static void test_soft_affinity_keeps_shares(void **state)
{
	struct domain *a = domu(1, 1, 256, 0), *b = domu(2, 1, 256, 0);

	(void)state;
	a->vcpu[0].soft_affinity = 1ull << 1;
	a->vcpu[0].affinity = b->vcpu[0].affinity = 1ull << 1 | 1ull << 2;
	b->vcpu[0].affinity = 1ull << 1;
	run(1, 3000 * MS);
	assert_near_ms(ran(a), 1500, 60);
	assert_near_ms(ran(b), 1500, 60);
	sched_set_params(&b->sched, 512, 0, now);
	vcpu_ran[a->id][0] = vcpu_ran[b->id][0] = 0;
	run(1, 3000 * MS);
	assert_near_ms(ran(a), 1000, 60);
	assert_near_ms(ran(b), 2000, 60);
}

/* A soft affinity that is no preference: all of the hard affinity, or
 * nothing of it. The pCPU picks as if there were none. */
static void test_soft_affinity_that_is_no_preference(void **state)
{
	struct domain *a = domu(1, 1, 256, 0), *b = domu(2, 1, 256, 0);
	struct sched_choice c;

	(void)state;
	b->sched.vtime = a->sched.vtime + 10 * MS; /* a goes first on its own */
	b->vcpu[0].soft_affinity = ~0ull;
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, now);
	assert_ptr_equal(c.vcpu, &a->vcpu[0]);
	a->vcpu[0].running = false;
	b->vcpu[0].soft_affinity = 1ull << 1;
	b->vcpu[0].affinity = 1ull << 1;
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, now);
	assert_ptr_equal(c.vcpu, &a->vcpu[0]);
	a->vcpu[0].running = false;
	b->vcpu[0].affinity = ~1ull;
	b->vcpu[0].soft_affinity = 1ull << 3;
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, now);
	assert_ptr_equal(c.vcpu, &a->vcpu[0]);
	a->vcpu[0].running = false;
	/* A real preference for pCPU 1 wins while less than a slice ahead... */
	b->vcpu[0].soft_affinity = 1ull << 1;
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, now);
	assert_ptr_equal(c.vcpu, &b->vcpu[0]);
	b->vcpu[0].running = false;
	/* ...but not on another pCPU, nor a slice or more ahead. */
	c = sched_pick(&cpus[2].pc, table, NDOMS, 2, now);
	assert_ptr_equal(c.vcpu, &a->vcpu[0]);
	a->vcpu[0].running = false;
	b->sched.vtime = a->sched.vtime + SCHED_SOFT_LEAD_NS;
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, now);
	assert_ptr_equal(c.vcpu, &a->vcpu[0]);
}

/* Two vCPUs of one domain that ran very different amounts (each had a pCPU
 * of its own) come to share one: they take turns at once, the one that ran
 * less gains one slice at most. */
static void test_vcpus_of_a_domain_take_turns_at_once(void **state)
{
	struct domain *d = domu(1, 2, 256, 0);

	(void)state;
	d->vcpu[0].affinity = 1ull << 1;
	d->vcpu[1].affinity = 1ull << 2;
	run(2, 3000 * MS);
	d->vcpu[1].affinity = 1ull << 1;
	vcpu_ran[d->id][0] = vcpu_ran[d->id][1] = 0;
	d->vcpu[0].sched_ns += 5000 * MS; /* as if vCPU 0 had run 5 s more */
	run(2, 600 * MS);
	assert_near_ms(vcpu_ran[d->id][0], 300, 35);
	assert_near_ms(vcpu_ran[d->id][1], 300, 35);
}

static void test_states_never_picked(void **state)
{
	struct domain *d = domu(1, 1, 256, 0);
	struct vcpu *v = &d->vcpu[0];
	struct sched_choice c;

	(void)state;
	v->blocked = true;
	assert_null(sched_pick(&cpus[1].pc, table, NDOMS, 1, now).vcpu);
	v->blocked = false;
	v->online = false;
	assert_null(sched_pick(&cpus[1].pc, table, NDOMS, 1, now).vcpu);
	v->online = true;
	d->paused = true;
	assert_null(sched_pick(&cpus[1].pc, table, NDOMS, 1, now).vcpu);
	d->paused = false;
	d->shutdown = true;
	assert_null(sched_pick(&cpus[1].pc, table, NDOMS, 1, now).vcpu);
	d->shutdown = false;
	d->dying = true;
	assert_null(sched_pick(&cpus[1].pc, table, NDOMS, 1, now).vcpu);
	d->dying = false;
	/* Runnable again: picked once, and not again while it runs. */
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, now);
	assert_ptr_equal(c.vcpu, v);
	assert_null(sched_pick(&cpus[2].pc, table, NDOMS, 2, now).vcpu);
	sched_done(v, 1 * MS);
	assert_false(v->running);
	assert_int_equal(v->sched_ns, 1 * MS);
	/* Charged for what it ran; blocked, its pCPU idles. */
	run(1, 10 * MS);
	v->blocked = true;
	run(1, 100 * MS);
	assert_near_ms(ran(d), 11, 1);
	assert_near_ms(cpus[1].idle_ns, 100, 1);
}

static void test_woken_domain_does_not_monopolize(void **state)
{
	struct domain *a = domu(1, 1, 256, 0), *b = domu(2, 1, 256, 0);
	uint64_t a0, b0;

	(void)state;
	/* b sleeps while a runs alone for ten seconds. */
	b->vcpu[0].blocked = true;
	run(1, 10000 * MS);
	b->vcpu[0].blocked = false;
	a0 = ran(a);
	b0 = ran(b);
	/* Without the clamp b would run ten seconds straight; with it, b is
	 * ahead by one slice at most and then they alternate. */
	run(1, 600 * MS);
	assert_near_ms(ran(b) - b0, 300 + SCHED_LAG_NS / MS / 2, SCHED_LAG_NS / MS / 2 + 1);
	assert_true(ran(a) - a0 >= 270 * MS);

	/* A domain created late starts level too, not at virtual time 0. */
	struct domain *c = domu(3, 1, 256, 0);
	uint64_t c0 = ran(c);
	run(1, 900 * MS);
	assert_near_ms(ran(c) - c0, 300 + SCHED_LAG_NS / MS / 2, SCHED_LAG_NS / MS / 2 + 1);
}

static void test_virtual_time_wraps(void **state)
{
	struct domain *a = domu(1, 1, 256, 0), *b = domu(2, 1, 256, 0);

	(void)state;
	a->sched.vtime = b->sched.vtime = UINT64_MAX - 40 * MS;
	cpus[1].pc.vtime = UINT64_MAX - 40 * MS;
	run(1, 3000 * MS);
	assert_near_ms(ran(a), 1500, 30);
	assert_near_ms(ran(b), 1500, 30);
}

static void test_slices(void **state)
{
	struct domain *a = domu(1, 1, 256, 0);
	struct sched_choice c;
	uint64_t p = 50 * SCHED_PERIOD_NS;

	(void)state;
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, p);
	assert_int_equal(c.until, p + SCHED_SLICE_NS);
	sched_done(c.vcpu, 10 * MS);
	/* A capped domain's slice ends with its budget. */
	sched_set_params(&a->sched, 256, 80, p + 10 * MS); /* 24 ms per period */
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, p + 10 * MS);
	assert_int_equal(c.until, p + 34 * MS);
	sched_done(c.vcpu, 20 * MS);
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, p + 30 * MS);
	assert_int_equal(c.until, p + 58 * MS); /* 4 + 24 ms left */
	sched_done(c.vcpu, 28 * MS);
	c = sched_pick(&cpus[1].pc, table, NDOMS, 1, p + 58 * MS);
	assert_null(c.vcpu);
	/* Setting the same cap again keeps the budget; a weight alone too. */
	sched_set_params(&a->sched, 512, 80, p + 58 * MS);
	assert_int_equal(a->sched.weight, 512);
	assert_null(sched_pick(&cpus[1].pc, table, NDOMS, 1, p + 59 * MS).vcpu);
}

static void test_check_params(void **state)
{
	(void)state;
	assert_int_equal(sched_check_params(256, 0, 1), 0);
	assert_int_equal(sched_check_params(1, 100, 1), 0);
	assert_int_equal(sched_check_params(65535, 800, 8), 0);
	assert_int_equal(sched_check_params(0, 0, 1), -EINVAL);
	assert_int_equal(sched_check_params(65536, 0, 1), -EINVAL);
	assert_int_equal(sched_check_params(256, 101, 1), -EINVAL);
	assert_int_equal(sched_check_params(256, 201, 2), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_equal_weights_share_evenly, setup),
		cmocka_unit_test_setup(test_weight_gives_proportional_shares, setup),
		cmocka_unit_test_setup(test_extreme_weights, setup),
		cmocka_unit_test_setup(test_weight_is_per_domain_not_per_vcpu, setup),
		cmocka_unit_test_setup(test_two_pcpus_run_two_domains_each_fully, setup),
		cmocka_unit_test_setup(test_cap_limits_and_pcpu_idles, setup),
		cmocka_unit_test_setup(test_cap_with_a_competitor, setup),
		cmocka_unit_test_setup(test_cap_above_one_pcpu, setup),
		cmocka_unit_test_setup(test_cap_debt_carries_over, setup),
		cmocka_unit_test_setup(test_affinity, setup),
		cmocka_unit_test_setup(test_soft_affinity_places_vcpus, setup),
		cmocka_unit_test_setup(test_soft_affinity_keeps_shares, setup),
		cmocka_unit_test_setup(test_soft_affinity_swaps_misplaced_vcpus, setup),
		cmocka_unit_test_setup(test_soft_affinity_hands_over_to_an_idle_pcpu, setup),
		cmocka_unit_test_setup(test_soft_affinity_that_is_no_preference, setup),
		cmocka_unit_test_setup(test_vcpus_of_a_domain_take_turns_at_once, setup),
		cmocka_unit_test_setup(test_states_never_picked, setup),
		cmocka_unit_test_setup(test_woken_domain_does_not_monopolize, setup),
		cmocka_unit_test_setup(test_virtual_time_wraps, setup),
		cmocka_unit_test_setup(test_slices, setup),
		cmocka_unit_test_setup(test_check_params, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
