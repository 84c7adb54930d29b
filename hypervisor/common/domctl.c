/*
 * domctl: the toolstack's operations on one domain (xl create, destroy,
 * pause...). dom0 only; the structures are tern's own (public/domctl.h).
 */
#include <asm/smp.h>
#include <public/domctl.h>
#include <tern/arch.h>
#include <tern/control.h>
#include <tern/domain_destroy.h>
#include <tern/domu.h>
#include <tern/errno.h>
#include <tern/evtchn.h>
#include <tern/grant_table.h>
#include <tern/hypercall.h>
#include <tern/runstate.h>
#include <tern/sched.h>
#include <tern/string.h>

#define PAUSE_WAIT_MS 1000

/* The pCPUs that are online (bit n = pCPU n). */
static uint64_t online_cpus(void)
{
	return nr_cpus_online < 64 ? (1ull << nr_cpus_online) - 1 : ~0ull;
}

static long createdomain(struct tern_domctl *op)
{
	const struct tern_domctl_createdomain *c = &op->u.createdomain;
	struct domain *d;
	int rc;

	if (!(c->flags & TERN_CDF_hvm) || c->flags & ~TERN_CDF_hvm || !c->max_vcpus ||
	    c->max_vcpus > TERN_MAX_VCPUS || op->domain >= DOMID_FIRST_RESERVED || c->pad0)
		return -EINVAL;
	if (!arch_domu_cpus())
		return -ENODEV; /* every pCPU is dom0's: a domU could never run */
	d = domain_create(op->domain, c->max_vcpus, &rc);
	if (!d)
		return rc;
	memcpy(d->handle, c->handle, sizeof(d->handle));
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		d->vcpu[i].affinity = arch_domu_cpus();
	rc = domu_arch_init(d);
	if (!rc)
		rc = evtchn_domain_init(d, c->max_evtchn_port ? c->max_evtchn_port :
					      EVTCHN_DEFAULT_MAX_PORT);
	if (!rc)
		rc = grant_table_init(d);
	if (rc) {
		domain_unregister(d);
		return rc; /* what was allocated so far stays: boot-time sized, rare */
	}
	op->domain = d->id;
	return 0;
}

static long vcpu_start(struct domain *d, const struct tern_domctl_vcpu_start *s)
{
	struct vcpu_start start = {
		.eip = (uint32_t)s->rip, .esp = (uint32_t)s->rsp,
		.ebx = (uint32_t)s->rbx, .esi = (uint32_t)s->rsi,
	};
	struct vcpu *v;
	int rc;

	if (s->vcpu >= d->nr_vcpus || s->flags || s->rip >> 32 || s->cr3 || s->cr4 || s->efer)
		return -EINVAL;
	v = &d->vcpu[s->vcpu];
	if (v->online)
		return -EBUSY;
	rc = hvm->vcpu_init(v, &start);
	if (rc)
		return rc;
	v->online = true;
	return 0;
}

static long vcpu_affinity(struct domain *d, struct tern_domctl_vcpuaffinity *a)
{
	const uint32_t both = TERN_VCPUAFFINITY_hard | TERN_VCPUAFFINITY_soft;
	uint64_t hard = a->cpumap & arch_domu_cpus(); /* not dom0's pCPUs */
	struct vcpu *v;

	if (a->vcpu >= d->nr_vcpus || !(a->flags & both) || a->flags & ~both)
		return -EINVAL;
	v = &d->vcpu[a->vcpu];
	if (a->flags & TERN_VCPUAFFINITY_hard) {
		if (!hard)
			return -EINVAL;
		v->affinity = hard;
		a->cpumap = hard;
	}
	if (a->flags & TERN_VCPUAFFINITY_soft) {
		v->soft_affinity = a->cpumap_soft;
		a->cpumap_soft &= v->affinity;
	}
	/* As Xen moves it at once: a vCPU on a pCPU it may no longer use ends
	 * its slice, and the pCPUs it may use look for it. */
	if (v->running && !(v->affinity >> v->pcpu & 1))
		__atomic_store_n(&v->yielded, true, __ATOMIC_RELEASE);
	arch_kick_cpus(v->affinity | (v->running ? 1ull << v->pcpu : 0));
	return 0;
}

static long getvcpuinfo(struct domain *d, struct tern_domctl_getvcpuinfo *info)
{
	struct vcpu *v;

	if (info->vcpu >= d->nr_vcpus)
		return -ENOENT;
	v = &d->vcpu[info->vcpu];
	info->online = v->online;
	info->blocked = v->blocked;
	/* dom0's started vCPUs own their pCPUs: always running there. */
	info->running = d->is_privileged ? v->online : v->running;
	info->cpu_time = vcpu_run_time(v);
	info->cpu = v->pcpu;
	info->cpumap = d->is_privileged ? 1ull << v->pcpu : v->affinity & online_cpus();
	info->cpumap_soft = d->is_privileged ? ~0ull : v->soft_affinity;
	return 0;
}

static long scheduler_op(struct domain *d, struct tern_domctl_scheduler_op *op)
{
	uint32_t weight = d->sched.weight, cap = d->sched.cap;

	if (op->sched_id != TERN_SCHEDULER_credit || op->pad0)
		return -EINVAL;
	if (op->cmd == TERN_SCHEDOP_getinfo) {
		/* dom0 has its pCPU to itself: Xen's defaults describe that. */
		op->weight = d->is_privileged ? SCHED_WEIGHT_DEFAULT : weight;
		op->cap = d->is_privileged ? 0 : cap;
		return 0;
	}
	if (op->cmd != TERN_SCHEDOP_putinfo || d->is_privileged ||
	    op->flags & ~(TERN_SCHED_set_weight | TERN_SCHED_set_cap))
		return -EINVAL;
	if (op->flags & TERN_SCHED_set_weight)
		weight = op->weight;
	if (op->flags & TERN_SCHED_set_cap)
		cap = op->cap;
	if (sched_check_params(weight, cap, d->nr_vcpus))
		return -EINVAL;
	sched_set_params(&d->sched, weight, cap, system_time_ns());
	return 0;
}

/* The ops on a domU; dom0 (or the caller) gets -EINVAL for the ones that stop it. */
static long domu_op(struct vcpu *caller, struct tern_domctl *op, struct domain *d)
{
	bool self = d->is_privileged;

	switch (op->cmd) {
	case TERN_DOMCTL_destroydomain:
		return self ? -EINVAL : domain_destroy(caller, d);
	case TERN_DOMCTL_pausedomain:
		if (self)
			return -EINVAL;
		d->paused = true;
		vcpu_runstate_domain(d);
		domain_stop_vcpus(d, ALL_VCPUS, PAUSE_WAIT_MS);
		return 0;
	case TERN_DOMCTL_unpausedomain:
		if (self)
			return -EINVAL;
		d->paused = false;
		vcpu_runstate_domain(d);
		arch_kick_cpus(d->vcpu[0].affinity);
		return 0;
	case TERN_DOMCTL_max_mem:
		return self ? -EINVAL : domu_set_max_mem(d, op->u.max_mem.max_memkb >> 2);
	case TERN_DOMCTL_vcpu_start:
		return self ? -EINVAL : vcpu_start(d, &op->u.vcpu_start);
	case TERN_DOMCTL_setvcpuaffinity:
		return self ? -EINVAL : vcpu_affinity(d, &op->u.vcpuaffinity);
	case TERN_DOMCTL_getvcpuinfo:
		return getvcpuinfo(d, &op->u.getvcpuinfo);
	case TERN_DOMCTL_scheduler_op:
		return scheduler_op(d, &op->u.scheduler_op);
	case TERN_DOMCTL_set_param:
	case TERN_DOMCTL_get_param:
		if (op->u.param.index >= HVM_NR_PARAMS || op->u.param.pad0)
			return -EINVAL;
		if (op->cmd == TERN_DOMCTL_get_param)
			op->u.param.value = d->hvm_params[op->u.param.index];
		else
			d->hvm_params[op->u.param.index] = op->u.param.value;
		return 0;
	case TERN_DOMCTL_getdomaininfo:
		control_domaininfo(d, &op->u.getdomaininfo.info);
		return 0;
	default:
		return -ENOSYS;
	}
}

long do_domctl(struct vcpu *v, uint64_t arg)
{
	struct tern_domctl op;
	struct domain *d;
	long rc;

	if (!v->domain->is_privileged)
		return -EPERM;
	if (copy_from_guest(v, &op, arg, sizeof(op)))
		return -EFAULT;
	if (op.interface_version != TERN_DOMCTL_INTERFACE_VERSION)
		return -EACCES;
	if (op.pad0[0] || op.pad0[1] || op.pad0[2])
		return -EINVAL;
	if (op.cmd == TERN_DOMCTL_createdomain) {
		rc = createdomain(&op);
	} else {
		d = op.domain == DOMID_SELF ? v->domain : domain_by_id(op.domain);
		if (!d)
			return -ESRCH;
		/* A destroy that found a vCPU still running may be tried again. */
		if (d->dying && op.cmd != TERN_DOMCTL_destroydomain)
			return -EBUSY;
		rc = domu_op(v, &op, d);
		/* d may be gone, or the call continues: nothing to copy back. */
		if (op.cmd == TERN_DOMCTL_destroydomain || v->hcall.continued)
			return rc;
	}
	if (rc)
		return rc;
	return copy_to_guest(v, arg, &op, sizeof(op));
}
