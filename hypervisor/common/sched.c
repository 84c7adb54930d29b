/*
 * Scheduling domU vCPUs on the CPUs dom0 does not own: round robin by run
 * time (the vCPU that has run least goes next, so equal weights share a CPU
 * evenly), time slices ended by the LAPIC timer, affinity respected, and HLT
 * when nothing is runnable. dom0 keeps CPU0 to itself.
 *
 * Lock-free on purpose: a vCPU is claimed with a compare-and-swap on
 * `running`, and wakeups (event channels, under their own lock) only clear
 * `blocked` and send an IPI.
 */
#include <tern/arch.h>
#include <tern/domain.h>
#include <tern/sched.h>

#define SLICE_NS 30000000ull      /* 30 ms, as Xen's credit scheduler */
#define IDLE_TICK_NS 10000000ull  /* how often an idle CPU looks at timers */

static bool can_run_here(const struct vcpu *v, unsigned int cpu)
{
	const struct domain *d = v->domain;

	return v->online && !v->blocked && !v->running && !d->paused && !d->shutdown &&
	       !d->dying && (v->affinity & (1ull << cpu));
}

/* Claims the runnable vCPU that has run least; NULL if there is none. */
static struct vcpu *pick(unsigned int cpu)
{
	struct vcpu *best = NULL;

	for (domid_t id = 1; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (!d || d->paused || d->dying)
			continue;
		for (unsigned int i = 0; i < d->nr_vcpus; i++) {
			struct vcpu *v = &d->vcpu[i];

			/* A blocked vCPU's timer may have expired: that wakes it. */
			if (v->online && v->blocked && !d->shutdown)
				vcpu_timer_poll(v);
			if (can_run_here(v, cpu) && (!best || v->run_time_ns < best->run_time_ns))
				best = v;
		}
	}
	if (best && !__atomic_exchange_n(&best->running, true, __ATOMIC_ACQ_REL))
		return best;
	return NULL;
}

void sched_run_cpu(unsigned int cpu)
{
	for (;;) {
		struct vcpu *v = pick(cpu);
		uint64_t start;

		if (!v) {
			arch_idle(IDLE_TICK_NS);
			continue;
		}
		v->pcpu = cpu;
		start = system_time_ns();
		hvm->vcpu_run_slice(v, start + SLICE_NS);
		v->run_time_ns += system_time_ns() - start;
		__atomic_store_n(&v->running, false, __ATOMIC_RELEASE);
	}
}

void sched_wake(struct vcpu *v)
{
	__atomic_store_n(&v->blocked, false, __ATOMIC_RELEASE);
	arch_kick_cpus(v->running ? 1ull << v->pcpu : v->affinity);
}
