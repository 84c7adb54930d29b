/*
 * Destroying a domU (TERN_DOMCTL_destroydomain), in steps that each take a
 * bounded time: the toolstack's hypercall is continued (hypercall_continue())
 * between them, so dom0 takes its interrupts meanwhile and a domain whose
 * vCPUs are busy, or whose memory is large, never holds dom0's CPU.
 *
 *  1. Stop: mark it dying under the scheduler's lock, kick the pCPUs its
 *     vCPUs run on, and continue until none is on a pCPU any more.
 *  2. Tear down what others reach it by: event channels, grant table,
 *     others' mappings of its RAM; its vCPUs' state.
 *  3. Give its RAM back, DESTROY_FREE_STEP guest frames per call.
 *  4. Leave the domain table and free the rest.
 *
 * Why step 1 takes the scheduler's lock: a pCPU's scheduler picks a vCPU and
 * marks it running under that lock, after checking that its domain is not
 * dying. Setting dying and looking at `running` without the lock let a pick
 * that had just seen "not dying" mark a vCPU running after destroy had seen
 * it stopped; that pCPU then ran the vCPU while its VMCB and domain were
 * being freed. Under the lock, a pick either came first (and its `running`
 * is seen) or sees dying and passes the domain by; a vCPU's `running` is
 * cleared under the same lock once its pCPU has let go of it.
 */
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/domain_destroy.h>
#include <tern/domu.h>
#include <tern/errno.h>
#include <tern/evtchn.h>
#include <tern/grant_table.h>
#include <tern/hypercall.h>
#include <tern/mm.h>
#include <tern/p2m.h>
#include <tern/sched.h>

#define DESTROY_WAIT_NS 2000000000ull /* a vCPU still on a pCPU after this: -EBUSY */
#define DESTROY_FREE_STEP 65536       /* guest frames looked at per call */

enum destroy_step { DESTROY_STOP, DESTROY_FREE_RAM, DESTROY_FINISH };

/* Kicks the pCPUs d's vCPUs in vcpus are on; whether none is on one any more. */
static bool vcpus_stopped(struct domain *d, uint64_t vcpus)
{
	uint64_t cpus = sched_running_cpus(d, vcpus);

	arch_kick_cpus(cpus);
	return !cpus;
}

bool domain_stop_vcpus(struct domain *d, uint64_t vcpus, unsigned int wait_ms)
{
	for (unsigned int ms = 0; !vcpus_stopped(d, vcpus); ms++) {
		if (ms >= wait_ms)
			return false;
		mdelay(1);
	}
	return true;
}

/* Step 2. If others' mappings of its RAM cannot be taken back, its RAM
 * stays out of the heap for good (p2m.c says why). */
static void teardown(struct domain *d)
{
	evtchn_domain_destroy(d);
	grant_table_destroy(d);
	if (p2m_revoke_foreign(d)) {
		pr_err("Domain %u: its memory stays out of the heap\n", d->id);
		d->destroy.next_gfn = d->p2m_size;
	}
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		hvm->vcpu_destroy(&d->vcpu[i]);
	if (d->shared_info)
		free_pages(d->shared_info, 0);
	d->shared_info = NULL;
}

static void finish(struct domain *d)
{
	sched_domain_unregister(d);
	domu_arch_destroy(d);
	pr_info("Domain %u destroyed\n", d->id);
	xfree(d);
	domain_notify_dom0();
}

long domain_destroy(struct vcpu *caller, struct domain *d)
{
	uint64_t now = system_time_ns();

	switch (d->destroy.step) {
	case DESTROY_STOP:
		if (!d->destroy.started_ns) {
			sched_set_dying(d);
			d->destroy.started_ns = now;
		}
		if (!vcpus_stopped(d, ALL_VCPUS)) {
			if (now - d->destroy.started_ns < DESTROY_WAIT_NS)
				return hypercall_continue(caller, 0, 0, 0, 0);
			d->destroy.started_ns = 0; /* a later destroy waits afresh */
			return -EBUSY;
		}
		teardown(d);
		d->destroy.step = DESTROY_FREE_RAM;
		return hypercall_continue(caller, 0, 0, 0, 0);
	case DESTROY_FREE_RAM:
		d->destroy.next_gfn = domu_free_ram(d, d->destroy.next_gfn, DESTROY_FREE_STEP);
		if (d->destroy.next_gfn < d->p2m_size)
			return hypercall_continue(caller, 0, 0, 0, 0);
		d->destroy.step = DESTROY_FINISH;
		return hypercall_continue(caller, 0, 0, 0, 0);
	default:
		finish(d);
		return 0;
	}
}
