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
#define IDLE_TICK_NS 10000000ull  /* the longest an idle CPU with blocked vCPUs sleeps */

static bool can_run_here(const struct vcpu *v, unsigned int cpu)
{
	const struct domain *d = v->domain;

	return v->online && !v->blocked && !v->running && !d->paused && !d->shutdown &&
	       !d->dying && (v->affinity & (1ull << cpu));
}

/*
 * Claims the runnable vCPU that has run least; NULL if there is none, with
 * *wake set to the earliest timer of a blocked vCPU (0: none).
 */
static struct vcpu *pick(unsigned int cpu, uint64_t *wake)
{
	struct vcpu *best = NULL;

	*wake = 0;
	for (domid_t id = 1; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (!d || d->paused || d->dying)
			continue;
		for (unsigned int i = 0; i < d->nr_vcpus; i++) {
			struct vcpu *v = &d->vcpu[i];

			/* A blocked vCPU's timer may have expired: that wakes it. */
			if (v->online && v->blocked && !d->shutdown) {
				uint64_t next;

				vcpu_timer_poll(v);
				next = vcpu_timer_next(&v->timer);
				if (next && (!*wake || next < *wake))
					*wake = next;
			}
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
		uint64_t start, wake;
		struct vcpu *v = pick(cpu, &wake);

		if (!v) {
			/* Sleep until a kick, or the next blocked vCPU's timer (a
			 * tick at most, for vCPUs that appear meanwhile). */
			start = system_time_ns();
			arch_idle(wake ? MIN(wake > start ? wake - start : 1, IDLE_TICK_NS) : 0);
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
