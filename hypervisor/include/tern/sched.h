/* The domU scheduler loop (common/sched.c); its decisions: tern/sched_credit.h. */
#ifndef TERN_SCHED_H
#define TERN_SCHED_H

#include <tern/domain.h>

/* Runs domU vCPUs on this CPU forever (an AP's life after boot). */
__attribute__((noreturn)) void sched_run_cpu(unsigned int cpu);

/* v has something to do: unblock it and get a CPU to look at it. */
void sched_wake(struct vcpu *v);
/* Ends v's SCHEDOP_poll, if it is in one (an event on a polled port, or its
 * timeout), and wakes it. */
void sched_end_poll(struct vcpu *v);

/* Marks d dying under the scheduler's lock: from then on no pCPU picks
 * its vCPUs (common/domain_destroy.c says why the lock matters). */
void sched_set_dying(struct domain *d);
/* The pCPUs d's vCPUs in vcpus (bit i = vCPU i) are running on (bit n =
 * pCPU n), read under the scheduler's lock: once d is dying, a vCPU seen
 * stopped stays stopped. */
uint64_t sched_running_cpus(const struct domain *d, uint64_t vcpus);

/* domain_unregister() under the scheduler's lock: once it returns no CPU
 * looks at d any more (its vCPUs must have stopped running first). */
void sched_domain_unregister(struct domain *d);

/* Prints what each domU pCPU's loop is doing (the 'q' debug key). */
void sched_dump(void);

/* Halts this CPU until an interrupt, or ns nanoseconds pass (0: no timeout). */
void arch_idle(uint64_t ns);
/* Interrupts the CPUs in the mask (bit n = CPU n) so they look at their vCPUs;
 * dom0's pCPUs and the caller's own CPU are left alone. */
void arch_kick_cpus(uint64_t mask);

#endif
