/*
 * Running domU vCPUs on the CPUs dom0 does not own: each such CPU asks the
 * credit scheduler (common/sched_credit.c: weight, cap, affinity) what to
 * run and for how long, runs it until the slice ends (the LAPIC timer), it
 * blocks or its domain stops, charges it, and HLTs when nothing may run.
 * dom0 keeps its pCPUs to itself (arch_domu_cpus).
 *
 * One lock, sched_lock, covers the scan of the domains (the blocked vCPUs'
 * timers, then the pick) and the charge after a slice; the domain table
 * loses a domain only under it. Wakeups (event channels, under their own
 * lock) only clear `blocked` and send an IPI: they never take sched_lock,
 * so the order is always sched_lock, then an event channel's, then a vCPU's
 * runstate_lock. A vCPU's runstate is written to the guest as it is
 * scheduled in and out, under sched_lock, so those writes keep their order.
 */
#include <asm/spinlock.h>
#include <asm/x86-defs.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/runstate.h>
#include <tern/sched.h>

#define IDLE_TICK_NS 10000000ull  /* the longest an idle CPU with blocked vCPUs sleeps */

static struct spinlock sched_lock = SPINLOCK_INIT;
static struct sched_cpu sched_cpus[NR_CPUS];

/* What each pCPU's loop is doing, for the 'q' dump: written by that pCPU
 * alone, read without a lock (a dump may see a field or two change). */
struct sched_activity {
	uint64_t scans, idles;   /* picks made; how many found nothing to run */
	uint64_t scan_ns;        /* when it last picked */
	uint64_t slice_end_ns;   /* the running vCPU's slice: when it should end */
	int domid, vcpu;         /* the vCPU in its slice; -1: none */
};
static struct sched_activity activity[NR_CPUS];

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return !a || (b && b < a) ? b : a;
}

/* Wakes the blocked vCPUs whose timers expired; returns the earliest
 * timer of those still blocked (0: none). */
static uint64_t poll_blocked_timers(void)
{
	struct domain *const *doms = domain_table();
	uint64_t wake = 0;

	for (domid_t id = 1; id < MAX_DOMAINS; id++) {
		struct domain *d = doms[id];

		if (!d || d->paused || d->dying || d->shutdown)
			continue;
		for (unsigned int i = 0; i < d->nr_vcpus; i++) {
			struct vcpu *v = &d->vcpu[i];

			if (v->online && v->blocked) {
				vcpu_timer_poll(v);
				if (v->poll_deadline && v->poll_deadline <= system_time_ns())
					sched_end_poll(v);
				wake = earliest(wake, vcpu_timer_next(&v->timer));
				wake = earliest(wake, v->poll_deadline);
			}
		}
	}
	return wake;
}

void sched_run_cpu(unsigned int cpu)
{
	struct sched_cpu *pc = &sched_cpus[cpu];

	for (;;) {
		struct sched_choice c;
		uint64_t wake, start;

		spin_lock(&sched_lock);
		wake = poll_blocked_timers();
		start = system_time_ns();
		c = sched_pick(pc, domain_table(), MAX_DOMAINS, cpu, start);
		if (c.vcpu) {
			vcpu_runstate_update(c.vcpu);
			vcpu_runstate_publish(c.vcpu);
		}
		spin_unlock(&sched_lock);
		activity[cpu].scans++;
		activity[cpu].scan_ns = start;
		activity[cpu].idles += !c.vcpu;
		activity[cpu].domid = c.vcpu ? c.vcpu->domain->id : -1;
		activity[cpu].vcpu = c.vcpu ? (int)c.vcpu->id : -1;
		activity[cpu].slice_end_ns = c.until;
		arch_kick_cpus(c.kick);
		if (!c.vcpu) {
			/* Sleep until a kick, a blocked vCPU's timer or a capped domain's
			 * next period (a tick at most, for vCPUs that appear meanwhile). */
			wake = earliest(wake, c.until);
			arch_idle(wake ? MIN(wake > start ? wake - start : 1, IDLE_TICK_NS) : 0);
			continue;
		}
		hvm->vcpu_run_slice(c.vcpu, c.until);
		activity[cpu].domid = activity[cpu].vcpu = -1;
		spin_lock(&sched_lock);
		sched_done(c.vcpu, system_time_ns() - start);
		vcpu_runstate_update(c.vcpu);
		vcpu_runstate_publish(c.vcpu);
		spin_unlock(&sched_lock);
	}
}

void sched_end_poll(struct vcpu *v)
{
	if (__atomic_exchange_n(&v->polling, false, __ATOMIC_SEQ_CST)) {
		v->poll_deadline = 0;
		sched_wake(v);
	}
}

void sched_wake(struct vcpu *v)
{
	__atomic_store_n(&v->blocked, false, __ATOMIC_RELEASE);
	vcpu_runstate_update(v);
	arch_kick_cpus(v->running ? 1ull << v->pcpu : v->affinity);
}

void sched_set_dying(struct domain *d)
{
	spin_lock(&sched_lock);
	d->dying = true;
	spin_unlock(&sched_lock);
}

uint64_t sched_running_cpus(const struct domain *d, uint64_t vcpus)
{
	uint64_t cpus = 0;

	spin_lock(&sched_lock);
	for (unsigned int i = 0; i < d->nr_vcpus && i < 64; i++)
		if (vcpus >> i & 1 && d->vcpu[i].running)
			cpus |= 1ull << d->vcpu[i].pcpu;
	spin_unlock(&sched_lock);
	return cpus;
}

void sched_domain_unregister(struct domain *d)
{
	spin_lock(&sched_lock);
	domain_unregister(d);
	spin_unlock(&sched_lock);
}

void sched_dump(void)
{
	uint64_t now = system_time_ns(), domus = arch_domu_cpus();

	for (unsigned int cpu = 0; cpu < NR_CPUS && cpu < 64; cpu++) {
		const struct sched_activity *a = &activity[cpu];

		if (!(domus >> cpu & 1) || !a->scans)
			continue;
		if (a->domid >= 0)
			pr_info("CPU%u: d%dv%d in a slice that ends in %ld ms; %lu picks (%lu idle), "
				"the last %lu ms ago\n", cpu, a->domid, a->vcpu,
				(long)((int64_t)(a->slice_end_ns - now) / 1000000),
				(unsigned long)a->scans, (unsigned long)a->idles,
				(unsigned long)((now - a->scan_ns) / 1000000));
		else
			pr_info("CPU%u: no vCPU; %lu picks (%lu idle), the last %lu ms ago\n", cpu,
				(unsigned long)a->scans, (unsigned long)a->idles,
				(unsigned long)((now - a->scan_ns) / 1000000));
	}
}
