/*
 * Event-channel state (2-level ABI): which ports exist, what they are bound
 * to, and how raising one shows up in the guest's shared_info and vcpu_info.
 * Each operation checks all its arguments first and only then changes state,
 * so a failing call leaves everything as it was. The guest reads and writes
 * the pending, mask and selector words concurrently, so those are touched
 * only with atomic operations.
 */
#include <public/xen.h>
#include <tern/errno.h>
#include <tern/evtchn.h>
#include <tern/string.h>

/* Xen's per-vCPU VIRQs besides TIMER and DEBUG (profiling). */
#define EVTCHN_VIRQ_XENPMU 13

void evtchn_setup(struct evtchn_domain *ed, void *ctx, domid_t id, unsigned int nr_vcpus)
{
	memset(ed, 0, sizeof(*ed));
	ed->ctx = ctx;
	ed->id = id;
	ed->nr_vcpus = MIN(nr_vcpus, (unsigned int)EVTCHN_MAX_VCPUS);
}

bool evtchn_virq_is_per_vcpu(unsigned int virq)
{
	return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
	       virq == EVTCHN_VIRQ_XENPMU;
}

static bool port_valid(evtchn_port_t port)
{
	return port != 0 && port < EVTCHN_NR_PORTS;
}

/* The port in use at port, or NULL for an invalid or closed port. */
static struct evtchn *port_in_use(struct evtchn_domain *ed, evtchn_port_t port)
{
	if (!port_valid(port) || ed->port[port].state == EVTCHNSTAT_closed)
		return NULL;
	return &ed->port[port];
}

/* The lowest closed port, or 0 if all are in use. */
static evtchn_port_t free_port(const struct evtchn_domain *ed)
{
	for (evtchn_port_t p = 1; p < EVTCHN_NR_PORTS; p++)
		if (ed->port[p].state == EVTCHNSTAT_closed)
			return p;
	return 0;
}

/*
 * The domain a caller names: DOMID_SELF or its own id is itself; another
 * domain needs privilege (-EPERM) and must exist (-ESRCH).
 */
static int lookup_domain(const struct evtchn_ops *ops, struct evtchn_domain *ed, domid_t dom,
			 struct evtchn_domain **out)
{
	struct evtchn_domain *d;

	if (dom == DOMID_SELF || dom == ed->id) {
		*out = ed;
		return 0;
	}
	if (!ops->is_privileged(ed))
		return -EPERM;
	d = ops->find_domain(dom);
	if (!d)
		return -ESRCH;
	*out = d;
	return 0;
}

/*
 * Marks port pending and, unless it is masked, tells its vCPU: selector bit,
 * then upcall_pending, then (only on upcall_pending's 0 -> 1) the interrupt.
 * A port already pending needs nothing more: its notification is on its way.
 */
static void set_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			evtchn_port_t port)
{
	struct shared_info *si = ops->shared_info(ed);
	unsigned int vcpu = ed->port[port].vcpu;
	uint64_t bit = 1ull << (port % 64);
	struct vcpu_info *vi;

	/* Before the guest maps shared_info there is nowhere to record it. */
	if (!si)
		return;
	if (__atomic_fetch_or(&si->evtchn_pending[port / 64], bit, __ATOMIC_SEQ_CST) & bit)
		return;
	if (ops->wake_poller)
		ops->wake_poller(ed, vcpu);
	if (__atomic_load_n(&si->evtchn_mask[port / 64], __ATOMIC_SEQ_CST) & bit)
		return;
	vi = ops->vcpu_info(ed, vcpu);
	if (!vi)
		return;
	__atomic_fetch_or(&vi->evtchn_pending_sel, 1ull << (port / 64), __ATOMIC_SEQ_CST);
	if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) == 0)
		ops->kick(ed, vcpu);
}

static void clear_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			  evtchn_port_t port)
{
	struct shared_info *si = ops->shared_info(ed);

	if (si)
		__atomic_fetch_and(&si->evtchn_pending[port / 64], ~(1ull << (port % 64)),
				   __ATOMIC_SEQ_CST);
}

/* Frees port; a stale pending bit would fire on the port's next user. */
static void free_one(const struct evtchn_ops *ops, struct evtchn_domain *ed, evtchn_port_t port)
{
	clear_pending(ops, ed, port);
	memset(&ed->port[port], 0, sizeof(ed->port[port]));
}

int evtchn_alloc_unbound(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			 struct evtchn_alloc_unbound *op)
{
	struct evtchn_domain *d;
	evtchn_port_t port;
	int rc;

	rc = lookup_domain(ops, ed, op->dom, &d);
	if (rc)
		return rc;
	port = free_port(d);
	if (!port)
		return -ENOSPC;
	d->port[port].state = EVTCHNSTAT_unbound;
	d->port[port].vcpu = 0;
	d->port[port].remote_dom = op->remote_dom == DOMID_SELF ? ed->id : op->remote_dom;
	op->port = port;
	return 0;
}

int evtchn_bind_interdomain(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			    struct evtchn_bind_interdomain *op)
{
	struct evtchn_domain *rd;
	struct evtchn *rchn;
	evtchn_port_t lport;

	if (op->remote_dom == DOMID_SELF || op->remote_dom == ed->id)
		rd = ed;
	else
		rd = ops->find_domain(op->remote_dom);
	if (!rd)
		return -ESRCH;
	rchn = port_in_use(rd, op->remote_port);
	if (!rchn || rchn->state != EVTCHNSTAT_unbound || rchn->remote_dom != ed->id)
		return -EINVAL;
	lport = free_port(ed);
	if (!lport)
		return -ENOSPC;

	ed->port[lport] = (struct evtchn){
		.state = EVTCHNSTAT_interdomain,
		.remote_dom = rd->id,
		.remote_port = (uint16_t)op->remote_port,
	};
	rchn->state = EVTCHNSTAT_interdomain;
	rchn->remote_dom = ed->id;
	rchn->remote_port = (uint16_t)lport;
	op->local_port = lport;
	/* The peer may have signalled before we were connected: look once. */
	set_pending(ops, ed, lport);
	return 0;
}

int evtchn_bind_virq(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		     struct evtchn_bind_virq *op)
{
	unsigned int slot;
	evtchn_port_t port;

	(void)ops;
	if (op->virq >= NR_VIRQS)
		return -EINVAL;
	if (!evtchn_virq_is_per_vcpu(op->virq) && op->vcpu != 0)
		return -EINVAL;
	if (op->vcpu >= ed->nr_vcpus)
		return -ENOENT;
	slot = op->vcpu;
	if (ed->virq_port[slot][op->virq])
		return -EEXIST;
	port = free_port(ed);
	if (!port)
		return -ENOSPC;

	ed->port[port] = (struct evtchn){
		.state = EVTCHNSTAT_virq,
		.virq = (uint8_t)op->virq,
		.vcpu = (uint16_t)op->vcpu,
	};
	ed->virq_port[slot][op->virq] = (uint16_t)port;
	op->port = port;
	return 0;
}

int evtchn_bind_ipi(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		    struct evtchn_bind_ipi *op)
{
	evtchn_port_t port;

	(void)ops;
	if (op->vcpu >= ed->nr_vcpus)
		return -ENOENT;
	port = free_port(ed);
	if (!port)
		return -ENOSPC;
	ed->port[port] = (struct evtchn){ .state = EVTCHNSTAT_ipi, .vcpu = (uint16_t)op->vcpu };
	op->port = port;
	return 0;
}

int evtchn_bind_vcpu(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		     const struct evtchn_bind_vcpu *op)
{
	struct evtchn *chn = port_in_use(ed, op->port);

	(void)ops;
	if (op->vcpu >= ed->nr_vcpus)
		return -ENOENT;
	if (!chn)
		return -EINVAL;
	switch (chn->state) {
	case EVTCHNSTAT_unbound:
	case EVTCHNSTAT_interdomain:
		break;
	case EVTCHNSTAT_virq:
		/* A per-vCPU VIRQ belongs to the vCPU it was bound on. */
		if (evtchn_virq_is_per_vcpu(chn->virq))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	chn->vcpu = (uint16_t)op->vcpu;
	return 0;
}

/* Closes a port known to be in use. */
static void close_port(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		       evtchn_port_t port)
{
	struct evtchn *chn = &ed->port[port];

	if (chn->state == EVTCHNSTAT_virq) {
		unsigned int slot = evtchn_virq_is_per_vcpu(chn->virq) ? chn->vcpu : 0;

		ed->virq_port[slot][chn->virq] = 0;
	} else if (chn->state == EVTCHNSTAT_interdomain) {
		struct evtchn_domain *rd = chn->remote_dom == ed->id ? ed :
					   ops->find_domain(chn->remote_dom);

		/* The peer's end waits again, for us. */
		if (rd && rd->port[chn->remote_port].state == EVTCHNSTAT_interdomain &&
		    rd->port[chn->remote_port].remote_dom == ed->id &&
		    rd->port[chn->remote_port].remote_port == port) {
			rd->port[chn->remote_port].state = EVTCHNSTAT_unbound;
			rd->port[chn->remote_port].remote_port = 0;
		}
	}
	free_one(ops, ed, port);
}

int evtchn_close(const struct evtchn_ops *ops, struct evtchn_domain *ed, evtchn_port_t port)
{
	if (!port_in_use(ed, port))
		return -EINVAL;
	close_port(ops, ed, port);
	return 0;
}

int evtchn_send(const struct evtchn_ops *ops, struct evtchn_domain *ed, evtchn_port_t port)
{
	struct evtchn *chn = port_in_use(ed, port);
	struct evtchn_domain *rd;

	if (!chn)
		return -EINVAL;
	switch (chn->state) {
	case EVTCHNSTAT_interdomain:
		rd = chn->remote_dom == ed->id ? ed : ops->find_domain(chn->remote_dom);
		/* A peer being torn down drops the event. */
		if (rd)
			set_pending(ops, rd, chn->remote_port);
		return 0;
	case EVTCHNSTAT_ipi:
		set_pending(ops, ed, port);
		return 0;
	case EVTCHNSTAT_unbound:
		return 0; /* nobody to tell yet */
	default:
		return -EINVAL;
	}
}

int evtchn_status(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		  struct evtchn_status *op)
{
	struct evtchn_domain *d;
	struct evtchn *chn;
	int rc;

	rc = lookup_domain(ops, ed, op->dom, &d);
	if (rc)
		return rc;
	if (op->port >= EVTCHN_NR_PORTS)
		return -EINVAL;
	chn = &d->port[op->port];
	op->status = op->port == 0 ? EVTCHNSTAT_closed : chn->state;
	op->vcpu = chn->vcpu;
	memset(&op->u, 0, sizeof(op->u));
	switch (op->status) {
	case EVTCHNSTAT_unbound:
		op->u.unbound.dom = chn->remote_dom;
		break;
	case EVTCHNSTAT_interdomain:
		op->u.interdomain.dom = chn->remote_dom;
		op->u.interdomain.port = chn->remote_port;
		break;
	case EVTCHNSTAT_virq:
		op->u.virq = chn->virq;
		break;
	}
	return 0;
}

/*
 * Linux clears the mask bit itself and calls this when the port may have
 * been raised while masked: if it is pending, notify as a fresh event would.
 */
int evtchn_unmask(const struct evtchn_ops *ops, struct evtchn_domain *ed, evtchn_port_t port)
{
	struct shared_info *si;
	struct vcpu_info *vi;
	uint64_t bit = 1ull << (port % 64);

	/* Port 0 is reserved, never bound, yet a valid port to unmask in Xen. */
	if (port >= EVTCHN_NR_PORTS)
		return -EINVAL;
	si = ops->shared_info(ed);
	if (!si)
		return 0;
	__atomic_fetch_and(&si->evtchn_mask[port / 64], ~bit, __ATOMIC_SEQ_CST);
	if (!(__atomic_load_n(&si->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) & bit))
		return 0;
	vi = ops->vcpu_info(ed, ed->port[port].vcpu);
	if (!vi)
		return 0;
	__atomic_fetch_or(&vi->evtchn_pending_sel, 1ull << (port / 64), __ATOMIC_SEQ_CST);
	if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) == 0)
		ops->kick(ed, ed->port[port].vcpu);
	return 0;
}

void evtchn_close_all(const struct evtchn_ops *ops, struct evtchn_domain *ed)
{
	for (evtchn_port_t p = 1; p < EVTCHN_NR_PORTS; p++)
		if (ed->port[p].state != EVTCHNSTAT_closed)
			close_port(ops, ed, p);
}

int evtchn_reset(const struct evtchn_ops *ops, struct evtchn_domain *ed, domid_t dom)
{
	struct evtchn_domain *d;
	int rc;

	rc = lookup_domain(ops, ed, dom, &d);
	if (rc)
		return rc;
	evtchn_close_all(ops, d);
	return 0;
}

int evtchn_raise(const struct evtchn_ops *ops, struct evtchn_domain *ed, evtchn_port_t port)
{
	if (!port_in_use(ed, port))
		return -EINVAL;
	set_pending(ops, ed, port);
	return 0;
}

int evtchn_raise_virq(const struct evtchn_ops *ops, struct evtchn_domain *ed, unsigned int virq,
		      unsigned int vcpu)
{
	unsigned int slot = 0;
	evtchn_port_t port;

	if (virq >= NR_VIRQS)
		return -EINVAL;
	if (evtchn_virq_is_per_vcpu(virq)) {
		if (vcpu >= ed->nr_vcpus)
			return -EINVAL;
		slot = vcpu;
	}
	port = ed->virq_port[slot][virq];
	if (!port)
		return -ENOENT;
	set_pending(ops, ed, port);
	return 0;
}
