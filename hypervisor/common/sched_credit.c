/* The credit scheduler's decisions; the rules are in tern/sched_credit.h. */
#include <tern/domain.h>
#include <tern/errno.h>
#include <tern/sched_credit.h>

void sched_domain_init(struct sched_domain *s)
{
	*s = (struct sched_domain){ .weight = SCHED_WEIGHT_DEFAULT };
}

/* What a capped domain may run per period, in ns (0: no cap). */
static int64_t share(const struct sched_domain *s)
{
	return (int64_t)(SCHED_PERIOD_NS * s->cap / 100);
}

void sched_set_params(struct sched_domain *s, uint32_t weight, uint32_t cap, uint64_t now)
{
	s->weight = weight;
	if (cap != s->cap) {
		s->cap = cap;
		s->budget = share(s);
		s->period = now / SCHED_PERIOD_NS;
	}
}

int sched_check_params(uint32_t weight, uint32_t cap, unsigned int nr_vcpus)
{
	if (weight < 1 || weight > SCHED_WEIGHT_MAX || cap > 100 * nr_vcpus)
		return -EINVAL;
	return 0;
}

/* Virtual times are compared by their difference, so they may wrap. */
static bool before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

/* Adds the share of every period that began since the last call; at most
 * two periods' shares are kept. */
static void new_periods(struct sched_domain *s, uint64_t now)
{
	uint64_t period = now / SCHED_PERIOD_NS, passed;
	int64_t b = share(s), room = 2 * b - s->budget;

	if (period <= s->period)
		return;
	passed = period - s->period;
	s->period = period;
	if (!b)
		return;
	if (room <= 0 || passed > (uint64_t)room / (uint64_t)b)
		s->budget = 2 * b;
	else
		s->budget += (int64_t)passed * b;
}

static bool capped_out(const struct sched_domain *s)
{
	return s->cap && s->budget <= 0;
}

static bool may_run(const struct vcpu *v, unsigned int cpu)
{
	const struct domain *d = v->domain;

	return v->online && !v->blocked && !v->running && cpu < 64 && (v->affinity >> cpu & 1) &&
	       !d->paused && !d->shutdown && !d->dying;
}

/* Whether v should run before best: its domain is less advanced, or it is
 * level and v has run less (vCPUs of one domain are always level). */
static bool better(const struct vcpu *v, const struct vcpu *best)
{
	uint64_t a = v->domain->sched.vtime, b = best->domain->sched.vtime;

	if (a != b)
		return before(a, b);
	return v->sched_ns < best->sched_ns;
}

/* Whether v prefers cpu: its soft affinity has cpu, and is a preference
 * (it leaves out some pCPU its hard affinity allows), as Xen's credit
 * scheduler decides it. */
static bool prefers(const struct vcpu *v, unsigned int cpu)
{
	return v->soft_affinity >> cpu & 1 && v->affinity & ~v->soft_affinity;
}

/* Whether the preferred choice may go before the best one: it is less than
 * SCHED_SOFT_LEAD_NS of virtual time ahead of it. */
static bool close_enough(const struct vcpu *preferred, const struct vcpu *best)
{
	return before(preferred->domain->sched.vtime,
		      best->domain->sched.vtime + SCHED_SOFT_LEAD_NS);
}

/*
 * A pCPU v prefers, other than cpu, that should take v instead: an idle
 * one, or one running a vCPU that does not prefer it, may run on cpu and is
 * not a slice behind v (its slice is ended: the two swap). 64: none.
 */
static unsigned int hand_over(struct vcpu *v, unsigned int cpu, struct vcpu *const on[64])
{
	uint64_t want = v->soft_affinity & v->affinity & ~(1ull << cpu);

	if (!(v->affinity & ~v->soft_affinity))
		return 64; /* no preference */
	for (unsigned int p = 0; p < 64; p++) {
		struct vcpu *w = on[p];

		if (!(want >> p & 1))
			continue;
		if (!w)
			return p;
		if (!prefers(w, p) && w->affinity >> cpu & 1 && close_enough(v, w)) {
			__atomic_store_n(&w->yielded, true, __ATOMIC_RELEASE);
			return p;
		}
	}
	return 64;
}

struct sched_choice sched_pick(struct sched_cpu *pc, struct domain *const *doms, unsigned int n,
			       unsigned int cpu, uint64_t now)
{
	struct sched_choice c = { NULL, 0, 0 };
	struct vcpu *on[64] = { NULL }; /* what runs on each pCPU */
	unsigned int to;
	uint64_t floor = pc->vtime - SCHED_LAG_NS;
	struct vcpu *preferred = NULL;
	struct sched_domain *s;

	for (unsigned int i = 0; i < n; i++) {
		struct domain *d = doms[i];

		if (!d || d->is_privileged)
			continue;
		s = &d->sched;
		for (unsigned int j = 0; j < d->nr_vcpus; j++) {
			struct vcpu *v = &d->vcpu[j];

			if (v->running && v->pcpu < 64)
				on[v->pcpu] = v;
			if (!may_run(v, cpu))
				continue;
			new_periods(s, now);
			if (capped_out(s)) {
				uint64_t next = (now / SCHED_PERIOD_NS + 1) * SCHED_PERIOD_NS;

				if (!c.until || next < c.until)
					c.until = next;
				continue;
			}
			if (before(s->vtime, floor))
				s->vtime = floor; /* the credit clamp */
			if (!c.vcpu || better(v, c.vcpu))
				c.vcpu = v;
			if (prefers(v, cpu) && (!preferred || better(v, preferred)))
				preferred = v;
		}
	}
	if (!c.vcpu)
		return c;
	if (preferred && close_enough(preferred, c.vcpu)) {
		c.vcpu = preferred;
	} else if ((to = hand_over(c.vcpu, cpu, on)) < 64) {
		c.vcpu = NULL;
		c.until = c.until && c.until < now + SCHED_HANDOFF_NS ? c.until : now + SCHED_HANDOFF_NS;
		c.kick = 1ull << to;
		return c;
	}
	s = &c.vcpu->domain->sched;
	if (before(pc->vtime, s->vtime))
		pc->vtime = s->vtime;
	c.until = now + (s->cap ? MIN(SCHED_SLICE_NS, (uint64_t)s->budget) : SCHED_SLICE_NS);
	c.vcpu->pcpu = cpu;
	__atomic_store_n(&c.vcpu->running, true, __ATOMIC_RELEASE);
	return c;
}

/* The clamp between a domain's vCPUs: none is more than a slice behind the
 * one that has run most, so one that ran long alone (on a pCPU of its own,
 * say) does not wait for its siblings to catch up when they come to share. */
static void clamp_siblings(struct domain *d)
{
	uint64_t most = 0;

	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		most = MAX(most, d->vcpu[i].sched_ns);
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i].sched_ns + SCHED_LAG_NS < most)
			d->vcpu[i].sched_ns = most - SCHED_LAG_NS;
}

void sched_done(struct vcpu *v, uint64_t ran_ns)
{
	struct sched_domain *s = &v->domain->sched;

	v->sched_ns += ran_ns;
	clamp_siblings(v->domain);
	s->vtime += ran_ns * SCHED_WEIGHT_DEFAULT / s->weight;
	if (s->cap)
		s->budget -= (int64_t)ran_ns;
	__atomic_store_n(&v->running, false, __ATOMIC_RELEASE);
}
