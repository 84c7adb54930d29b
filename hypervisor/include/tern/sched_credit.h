/*
 * The credit scheduler's decisions (common/sched_credit.c): which domU vCPU
 * runs next on a pCPU and for how long, and what running costs it. Pure
 * logic over struct domain and struct vcpu and a clock the caller supplies:
 * common/sched.c runs it on every pCPU but dom0's, the unit tests on
 * made-up domains and a made-up clock. The caller serializes the calls.
 *
 * Weight: domains share a contended pCPU in proportion to their weights.
 * Each domain has a virtual time that advances by its run time scaled by
 * SCHED_WEIGHT_DEFAULT / weight, and the runnable vCPU whose domain is least
 * advanced goes next (its vCPUs among themselves: the one that has run
 * least). A domain of weight 512 advances half as fast as one of 256, so it
 * gets twice the time before the two are level again.
 *
 * Credit clamp: a domain may be at most SCHED_LAG_NS of virtual time behind
 * the domain this pCPU last chose. A domain that slept, or could not use
 * its share, banks no more than one slice: after a long sleep it does not
 * monopolize the pCPU until it has caught up. The same holds between a
 * domain's vCPUs (ordered by the time each has run): none is more than a
 * slice behind the one that ran last, so two that come to share a pCPU
 * (a new hard affinity) take turns at once.
 *
 * Soft affinity (a vCPU's preferred pCPUs, within its hard affinity): a
 * pCPU first considers the vCPUs that prefer it, and runs the best of them
 * unless another vCPU's domain is SCHED_SOFT_LEAD_NS or more of virtual
 * time behind; only then, or when none prefers it, the best of the others.
 * A preference never starves a vCPU sharing the pCPU: within a slice of
 * virtual time the weights still hold. A vCPU that would run away from the
 * pCPUs it prefers is handed to one of them instead, when one is idle or
 * runs a vCPU that does not prefer it and may run here (that one's slice
 * ends, so the two swap): the picking pCPU then runs nothing for up to
 * SCHED_HANDOFF_NS while the other takes it, the only time a pCPU idles
 * with a vCPU it may run waiting. Without this, two busy vCPUs that each
 * started on the other's preferred pCPU would stay there.
 *
 * Cap: percent of one pCPU (0: none; 150: one and a half). A capped domain
 * has a budget of run time: each SCHED_PERIOD_NS of system time adds cap%
 * of the period (shared by its vCPUs), at most two periods' worth is kept,
 * and a domain whose budget is used up is not picked until the next period
 * adds to it, even if the pCPU would idle. Its slices end when its budget
 * does; time run past it (a slice that could not be cut short, several
 * vCPUs at once) is owed to the next periods. Over any stretch of time it
 * runs at most cap% of it plus one period's share.
 */
#ifndef TERN_SCHED_CREDIT_H
#define TERN_SCHED_CREDIT_H

#include <tern/types.h>

#define SCHED_WEIGHT_DEFAULT 256     /* Xen's credit scheduler default */
#define SCHED_WEIGHT_MAX 65535
#define SCHED_SLICE_NS 30000000ull   /* 30 ms, as Xen's credit scheduler */
#define SCHED_PERIOD_NS 30000000ull  /* the cap's accounting period: Xen credit's 30 ms */
#define SCHED_LAG_NS SCHED_SLICE_NS  /* the credit clamp: one slice */
#define SCHED_SOFT_LEAD_NS SCHED_SLICE_NS /* how far a preferred vCPU may be ahead */
#define SCHED_HANDOFF_NS 1000000ull  /* how long a pCPU waits after handing a vCPU over */

struct domain;
struct vcpu;

/* A domain's share (struct domain's `sched`). */
struct sched_domain {
	uint32_t weight;      /* 1..SCHED_WEIGHT_MAX */
	uint32_t cap;         /* % of one pCPU, 0: none */
	uint64_t vtime;       /* virtual time (ns at the default weight) */
	uint64_t period;      /* the last cap period added to budget (system time / period) */
	int64_t budget;       /* ns a capped domain may still run; < 0: owed */
};

/* What a pCPU remembers between picks. */
struct sched_cpu {
	uint64_t vtime;       /* virtual time of the domain it last chose (never decreases) */
};

struct sched_choice {
	struct vcpu *vcpu;    /* claimed for this pCPU; NULL: nothing may run here now */
	/* vcpu: when its slice ends. None: when to look again (a domain held
	 * back by its cap may run, a handed-over vCPU has gone; 0: no need).
	 * System time, ns. */
	uint64_t until;
	uint64_t kick;        /* pCPUs that must look now (bit n = pCPU n) */
};

/* A new domain's share: default weight, no cap. */
void sched_domain_init(struct sched_domain *s);

/* Sets weight and cap (checked with sched_check_params()) at time now; a
 * new cap starts with one period's share. */
void sched_set_params(struct sched_domain *s, uint32_t weight, uint32_t cap, uint64_t now);

/* 0 if weight and cap are valid for a domain with nr_vcpus vCPUs
 * (weight 1..65535, cap 0..100 * nr_vcpus), -EINVAL otherwise. */
int sched_check_params(uint32_t weight, uint32_t cap, unsigned int nr_vcpus);

/*
 * Picks the vCPU to run on pCPU `cpu` at time now among the domains doms[0..n)
 * (NULL entries and the privileged domain are skipped) and claims it:
 * running set, pcpu = cpu. A vCPU may run if it is online, not blocked,
 * not running elsewhere, its affinity has cpu, its domain is not paused,
 * shut down or dying, and its domain's cap is not used up.
 */
struct sched_choice sched_pick(struct sched_cpu *pc, struct domain *const *doms, unsigned int n,
			       unsigned int cpu, uint64_t now);

/* v ran ran_ns since it was picked: charges it and gives its pCPU up. */
void sched_done(struct vcpu *v, uint64_t ran_ns);

#endif
