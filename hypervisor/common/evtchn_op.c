/*
 * event_channel_op for guests, and event channels for the rest of the
 * hypervisor: binds common/evtchn.c's state logic to struct domain, guest
 * memory and vcpu_kick. One lock serialises all event-channel state, since
 * interdomain operations touch two domains at once; the kicks an operation
 * causes are sent after it is dropped.
 */
#include <asm/spinlock.h>
#include <public/xen.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/domu.h>
#include <tern/errno.h>
#include <tern/evtchn.h>
#include <tern/hypercall.h>
#include <tern/mm.h>
#include <tern/sched.h>
#include <tern/string.h>

static struct spinlock evtchn_lock = SPINLOCK_INIT;

/*
 * Kicks are noted under the lock and sent once it is dropped: a kick is an
 * IPI (or a domU's wakeup, which is one), slow under QEMU (each LAPIC access
 * takes the emulator's global lock), and the other CPU would spin for
 * evtchn_lock meanwhile (docs/blkback.md). One operation kicks at most one
 * domain; more are sent at once, under the lock. A domain with a kick noted
 * has d->evtchn_kicks raised until it is sent, and evtchn_domain_destroy()
 * waits for that, so no kick reaches a domain being freed.
 */
#define DEFERRED_KICK_DOMAINS 2

static struct deferred_kick {
	struct domain *d;
	uint64_t vcpus; /* bit n: vCPU n */
} deferred[DEFERRED_KICK_DOMAINS];
_Static_assert(TERN_MAX_VCPUS <= 64, "a domain's vCPUs fit a deferred kick's mask");

static void kick_vcpus(struct domain *d, uint64_t vcpus)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (vcpus >> i & 1)
			vcpu_kick(&d->vcpu[i]);
}

static void evtchn_unlock(void)
{
	struct deferred_kick now[DEFERRED_KICK_DOMAINS];

	memcpy(now, deferred, sizeof(now));
	memset(deferred, 0, sizeof(deferred));
	spin_unlock(&evtchn_lock);
	for (unsigned int i = 0; i < DEFERRED_KICK_DOMAINS && now[i].d; i++) {
		kick_vcpus(now[i].d, now[i].vcpus);
		__atomic_fetch_sub(&now[i].d->evtchn_kicks, 1, __ATOMIC_RELEASE);
	}
}

/* Under the lock: vCPU vcpu of d gets its kick when the lock is dropped. */
static void defer_kick(struct domain *d, unsigned int vcpu)
{
	for (unsigned int i = 0; i < DEFERRED_KICK_DOMAINS; i++) {
		if (!deferred[i].d) {
			deferred[i].d = d;
			__atomic_fetch_add(&d->evtchn_kicks, 1, __ATOMIC_ACQUIRE);
		}
		if (deferred[i].d == d) {
			deferred[i].vcpus |= 1ull << vcpu;
			return;
		}
	}
	vcpu_kick(&d->vcpu[vcpu]);
}

static struct domain *owner(const struct evtchn_domain *ed)
{
	return ed->ctx;
}

static struct evtchn_domain *ops_find_domain(domid_t id)
{
	struct domain *d = domain_by_id(id);

	return d ? d->evtchn : NULL;
}

static bool ops_is_privileged(const struct evtchn_domain *ed)
{
	return owner(ed)->is_privileged;
}

static struct shared_info *ops_shared_info(const struct evtchn_domain *ed)
{
	return owner(ed)->shared_info;
}

/* Before VCPUOP_register_vcpu_info a vCPU's slot in shared_info is used. */
static struct vcpu_info *ops_vcpu_info(const struct evtchn_domain *ed, unsigned int vcpu)
{
	struct domain *d = owner(ed);

	if (vcpu >= d->nr_vcpus)
		return NULL;
	if (d->vcpu[vcpu].vcpu_info)
		return d->vcpu[vcpu].vcpu_info;
	return d->shared_info ? &d->shared_info->vcpu_info[vcpu] : NULL;
}

static void ops_kick(const struct evtchn_domain *ed, unsigned int vcpu)
{
	struct domain *d = owner(ed);

	if (vcpu < d->nr_vcpus)
		defer_kick(d, vcpu);
}

static void ops_wake_poller(const struct evtchn_domain *ed, unsigned int vcpu)
{
	if (vcpu < owner(ed)->nr_vcpus)
		sched_end_poll(&owner(ed)->vcpu[vcpu]);
}

static void *ops_alloc(size_t size)
{
	void *p = xmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* The domain's own RAM only (no grant or foreign mapping, no MMIO), held:
 * the domain can no longer give it back until it is destroyed. */
static void *ops_guest_page(const struct evtchn_domain *ed, uint64_t gfn)
{
	paddr_t hpa;

	if (domu_hold_ram(owner(ed), gfn, &hpa))
		return NULL;
	return (void *)(uintptr_t)hpa;
}

static const struct evtchn_ops evtchn_hv_ops = {
	.find_domain = ops_find_domain,
	.is_privileged = ops_is_privileged,
	.shared_info = ops_shared_info,
	.vcpu_info = ops_vcpu_info,
	.kick = ops_kick,
	.wake_poller = ops_wake_poller,
	.alloc = ops_alloc,
	.free = xfree,
	.guest_page = ops_guest_page,
};

int evtchn_domain_init(struct domain *d, evtchn_port_t max_port)
{
	struct evtchn_domain *ed = xmalloc(sizeof(*ed));

	if (!ed)
		return -ENOMEM;
	if (evtchn_setup(&evtchn_hv_ops, ed, d, d->id, d->nr_vcpus, max_port)) {
		xfree(ed);
		return -ENOMEM;
	}
	spin_lock(&evtchn_lock);
	d->evtchn = ed;
	evtchn_unlock();
	return 0;
}

void evtchn_domain_set_compat(struct domain *d, bool compat)
{
	spin_lock(&evtchn_lock);
	if (d->evtchn)
		d->evtchn->compat_2l = compat;
	evtchn_unlock();
}

void evtchn_domain_destroy(struct domain *d)
{
	struct evtchn_domain *ed;

	spin_lock(&evtchn_lock);
	ed = d->evtchn;
	if (ed)
		evtchn_teardown(&evtchn_hv_ops, ed);
	/* From here on peers find no such domain, and note no kick for it;
	 * those already noted are sent before d can be freed. */
	d->evtchn = NULL;
	evtchn_unlock();
	while (__atomic_load_n(&d->evtchn_kicks, __ATOMIC_ACQUIRE))
		cpu_relax();
	xfree(ed);
}

int evtchn_send_virq(struct domain *d, unsigned int virq, unsigned int vcpu)
{
	int rc = -ENOENT;

	spin_lock(&evtchn_lock);
	if (d->evtchn)
		rc = evtchn_raise_virq(&evtchn_hv_ops, d->evtchn, virq, vcpu);
	evtchn_unlock();
	return rc;
}

static const char *const state_names[] = {
	[EVTCHNSTAT_unbound] = "unbound", [EVTCHNSTAT_interdomain] = "interdomain",
	[EVTCHNSTAT_pirq] = "pirq", [EVTCHNSTAT_virq] = "virq", [EVTCHNSTAT_ipi] = "ipi",
};

/*
 * The FIFO queues as tern and the guest see them: per vCPU the ready bits,
 * the guest's heads and tern's tails of the queues in use; per port its
 * binding, where its last event was queued and its event word (Pending,
 * Masked, Linked, Busy and the LINK). dom0 has many ports: only its
 * pending or linked ones are listed.
 */
static void dump_fifo(const struct domain *d, const struct evtchn_domain *ed)
{
	const struct evtchn_fifo *f = ed->fifo;

	for (unsigned int v = 0; v < ed->nr_vcpus; v++) {
		const struct evtchn_fifo_vcpu *fv = &f->vcpu[v];

		if (!fv->control)
			continue;
		pr_info("    v%u: ready %#x\n", v, fv->control->ready);
		for (unsigned int q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++)
			if (*fv->queue[q].head || fv->queue[q].tail)
				pr_info("    v%u queue %u: head %u, tail %u\n", v, q,
					*fv->queue[q].head, fv->queue[q].tail);
	}
	for (evtchn_port_t port = 1; port <= ed->max_port; port++) {
		const struct evtchn *chn = evtchn_port(ed, port);
		event_word_t w;

		if (!chn || chn->state == EVTCHNSTAT_closed || chn->state >= ARRAY_SIZE(state_names))
			continue;
		w = evtchn_fifo_word(ed, port);
		if (d->is_privileged &&
		    !(w & (1u << EVTCHN_FIFO_PENDING | 1u << EVTCHN_FIFO_LINKED)))
			continue;
		pr_info("    port %u: %s v%u (last v%u/%u) prio %u, word %c%c%c%c link %u\n", port,
			state_names[chn->state], chn->vcpu, chn->last_vcpu, chn->last_priority,
			chn->priority, w >> EVTCHN_FIFO_PENDING & 1 ? 'P' : '-',
			w >> EVTCHN_FIFO_MASKED & 1 ? 'M' : '-', w >> EVTCHN_FIFO_LINKED & 1 ? 'L' : '-',
			w >> EVTCHN_FIFO_BUSY & 1 ? 'B' : '-', w & EVTCHN_FIFO_LINK_MASK);
	}
}

void evtchn_dump(const struct domain *d)
{
	const struct evtchn_domain *ed;

	spin_lock(&evtchn_lock);
	ed = d->evtchn;
	if (ed && ed->fifo) {
		pr_info("  event channels: FIFO ABI, %u array page(s), ports up to %u\n",
			ed->fifo->nr_pages, ed->max_port);
		dump_fifo(d, ed);
	} else if (ed && d->shared_info)
		pr_info("  event channels: 2-level ABI, ports 0-63 pending %#lx, masked %#lx\n",
			(unsigned long)d->shared_info->evtchn_pending[0],
			(unsigned long)d->shared_info->evtchn_mask[0]);
	evtchn_unlock();
}

int evtchn_port_pending(struct domain *d, evtchn_port_t port)
{
	int rc = -EINVAL;

	spin_lock(&evtchn_lock);
	if (d->evtchn)
		rc = evtchn_is_pending(&evtchn_hv_ops, d->evtchn, port);
	evtchn_unlock();
	return rc;
}

int evtchn_send_port(struct domain *d, evtchn_port_t port)
{
	int rc = -EINVAL;

	spin_lock(&evtchn_lock);
	if (d->evtchn)
		rc = evtchn_raise(&evtchn_hv_ops, d->evtchn, port);
	evtchn_unlock();
	return rc;
}

union evtchn_args {
	struct evtchn_alloc_unbound alloc_unbound;
	struct evtchn_bind_interdomain bind_interdomain;
	struct evtchn_bind_virq bind_virq;
	struct evtchn_bind_ipi bind_ipi;
	struct evtchn_bind_vcpu bind_vcpu;
	struct evtchn_close close;
	struct evtchn_send send;
	struct evtchn_status status;
	struct evtchn_unmask unmask;
	struct evtchn_reset reset;
	struct evtchn_init_control init_control;
	struct evtchn_expand_array expand_array;
	struct evtchn_set_priority set_priority;
};

/* Argument size and whether the op writes it back; size 0: not supported
 * (bind_pirq: no physical IRQs for guests). */
static const struct {
	uint8_t size;
	bool out;
} evtchn_args_of[] = {
	[EVTCHNOP_bind_interdomain] = { sizeof(struct evtchn_bind_interdomain), true },
	[EVTCHNOP_bind_virq] = { sizeof(struct evtchn_bind_virq), true },
	[EVTCHNOP_close] = { sizeof(struct evtchn_close), false },
	[EVTCHNOP_send] = { sizeof(struct evtchn_send), false },
	[EVTCHNOP_status] = { sizeof(struct evtchn_status), true },
	[EVTCHNOP_alloc_unbound] = { sizeof(struct evtchn_alloc_unbound), true },
	[EVTCHNOP_bind_ipi] = { sizeof(struct evtchn_bind_ipi), true },
	[EVTCHNOP_bind_vcpu] = { sizeof(struct evtchn_bind_vcpu), false },
	[EVTCHNOP_unmask] = { sizeof(struct evtchn_unmask), false },
	[EVTCHNOP_reset] = { sizeof(struct evtchn_reset), false },
	[EVTCHNOP_init_control] = { sizeof(struct evtchn_init_control), true },
	[EVTCHNOP_expand_array] = { sizeof(struct evtchn_expand_array), false },
	[EVTCHNOP_set_priority] = { sizeof(struct evtchn_set_priority), false },
};

static int evtchn_run(struct evtchn_domain *ed, uint64_t cmd, union evtchn_args *a)
{
	const struct evtchn_ops *ops = &evtchn_hv_ops;

	switch (cmd) {
	case EVTCHNOP_bind_interdomain:
		return evtchn_bind_interdomain(ops, ed, &a->bind_interdomain);
	case EVTCHNOP_bind_virq:
		return evtchn_bind_virq(ops, ed, &a->bind_virq);
	case EVTCHNOP_close:
		return evtchn_close(ops, ed, a->close.port);
	case EVTCHNOP_send:
		return evtchn_send(ops, ed, a->send.port);
	case EVTCHNOP_status:
		return evtchn_status(ops, ed, &a->status);
	case EVTCHNOP_alloc_unbound:
		return evtchn_alloc_unbound(ops, ed, &a->alloc_unbound);
	case EVTCHNOP_bind_ipi:
		return evtchn_bind_ipi(ops, ed, &a->bind_ipi);
	case EVTCHNOP_bind_vcpu:
		return evtchn_bind_vcpu(ops, ed, &a->bind_vcpu);
	case EVTCHNOP_unmask:
		return evtchn_unmask(ops, ed, a->unmask.port);
	case EVTCHNOP_reset:
		return evtchn_reset(ops, ed, a->reset.dom);
	case EVTCHNOP_init_control:
		return evtchn_init_control(ops, ed, &a->init_control);
	case EVTCHNOP_expand_array:
		return evtchn_expand_array(ops, ed, &a->expand_array);
	case EVTCHNOP_set_priority:
		return evtchn_set_priority(ops, ed, &a->set_priority);
	}
	return -ENOSYS;
}

long do_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct domain *d = v->domain;
	union evtchn_args a;
	size_t size;
	bool out;
	long rc;

	if (cmd >= ARRAY_SIZE(evtchn_args_of) || !evtchn_args_of[cmd].size)
		return -ENOSYS;
	size = evtchn_args_of[cmd].size;
	out = evtchn_args_of[cmd].out;
	if (copy_from_guest(v, &a, arg, size))
		return -EFAULT;
	/* Make sure the result can be written back before anything changes. */
	if (out && copy_to_guest(v, arg, &a, size))
		return -EFAULT;

	spin_lock(&evtchn_lock);
	rc = d->evtchn ? evtchn_run(d->evtchn, cmd, &a) : -ENOSYS;
	evtchn_unlock();

	if (rc == 0 && out && copy_to_guest(v, arg, &a, size))
		rc = -EFAULT;
	return rc;
}
