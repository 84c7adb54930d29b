/*
 * Event-channel state: which ports exist, what they are bound to, and
 * raising, masking and closing them, under whichever ABI the domain uses
 * (evtchn_2l.c or evtchn_fifo.c keep the bits in guest memory). Each
 * operation checks all its arguments first and only then changes state, so
 * a failing call leaves everything as it was.
 */
#include <public/xen.h>
#include <tern/domid_naming.h>
#include <tern/errno.h>
#include <tern/string.h>
#include "evtchn_port.h"

/* Xen's per-vCPU VIRQs besides TIMER and DEBUG (profiling). */
#define EVTCHN_VIRQ_XENPMU 13

int evtchn_setup(const struct evtchn_ops *ops, struct evtchn_domain *ed, void *ctx, domid_t id,
		 unsigned int nr_vcpus, evtchn_port_t max_port)
{
	memset(ed, 0, sizeof(*ed));
	ed->ctx = ctx;
	ed->id = id;
	ed->nr_vcpus = MIN(nr_vcpus, (unsigned int)EVTCHN_MAX_VCPUS);
	ed->max_port = max_port;
	ed->bucket[0] = ops->alloc(EVTCHN_BUCKET_PORTS * sizeof(struct evtchn));
	return ed->bucket[0] ? 0 : -ENOMEM;
}

bool evtchn_virq_is_per_vcpu(unsigned int virq)
{
	return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
	       virq == EVTCHN_VIRQ_XENPMU;
}

/* The highest port the domain may use under the ABI it uses now. */
static evtchn_port_t port_limit(const struct evtchn_domain *ed)
{
	evtchn_port_t abi = ed->fifo       ? EVTCHN_FIFO_NR_CHANNELS - 1
			    : ed->compat_2l ? EVTCHN_2L_NR_PORTS_COMPAT - 1
					    : EVTCHN_2L_NR_PORTS - 1;

	return MIN(ed->max_port, abi);
}

struct evtchn *evtchn_port(const struct evtchn_domain *ed, evtchn_port_t port)
{
	struct evtchn *bucket;

	if (port >= EVTCHN_FIFO_NR_CHANNELS)
		return NULL;
	bucket = ed->bucket[port / EVTCHN_BUCKET_PORTS];
	return bucket ? &bucket[port % EVTCHN_BUCKET_PORTS] : NULL;
}

/* A port the domain may name: within its limit and in a bucket in use. */
static struct evtchn *port_valid(const struct evtchn_domain *ed, evtchn_port_t port)
{
	if (port == 0 || port > port_limit(ed))
		return NULL;
	return evtchn_port(ed, port);
}

/* The port in use at port, or NULL for an invalid or closed port. */
static struct evtchn *port_in_use(const struct evtchn_domain *ed, evtchn_port_t port)
{
	struct evtchn *chn = port_valid(ed, port);

	return chn && chn->state != EVTCHNSTAT_closed ? chn : NULL;
}

/*
 * The lowest closed port, allocating its bucket if it has none yet: 0, or
 * -ENOSPC (all ports up to the limit in use), -ENOMEM.
 */
static int free_port(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		     evtchn_port_t *out)
{
	evtchn_port_t limit = port_limit(ed);

	for (evtchn_port_t p = 1; p <= limit; p++) {
		struct evtchn **bucket = &ed->bucket[p / EVTCHN_BUCKET_PORTS];

		if (!*bucket) {
			*bucket = ops->alloc(EVTCHN_BUCKET_PORTS * sizeof(**bucket));
			if (!*bucket)
				return -ENOMEM;
		}
		if ((*bucket)[p % EVTCHN_BUCKET_PORTS].state == EVTCHNSTAT_closed) {
			*out = p;
			return 0;
		}
	}
	return -ENOSPC;
}

/*
 * Gives a free port its binding, under the ABI in use. Where the port's last
 * FIFO event was queued outlives the binding: the port may still be that
 * queue's tail (evtchn_fifo.c), whatever vCPU and priority it has now.
 */
static void bind_port(struct evtchn_domain *ed, evtchn_port_t port, struct evtchn chn)
{
	struct evtchn *slot = evtchn_port(ed, port);

	chn.last_vcpu = slot->last_vcpu;
	chn.last_priority = slot->last_priority;
	*slot = chn;
	if (ed->fifo)
		evtchn_fifo_bind(ed, port);
}

static void set_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			evtchn_port_t port)
{
	if (ed->fifo)
		evtchn_fifo_set_pending(ops, ed, port);
	else
		evtchn_2l_set_pending(ops, ed, port);
}

/* Frees port; a stale pending bit would fire on the port's next user. Its
 * last queue stays known (bind_port). */
static void free_one(const struct evtchn_ops *ops, struct evtchn_domain *ed, evtchn_port_t port)
{
	struct evtchn *chn = evtchn_port(ed, port);

	if (ed->fifo)
		evtchn_fifo_clear_pending(ed, port);
	else
		evtchn_2l_clear_pending(ops, ed, port);
	*chn = (struct evtchn){ .last_vcpu = chn->last_vcpu, .last_priority = chn->last_priority };
}

/* The domain a caller names (tern/domid_naming.h). */
static int lookup_domain(const struct evtchn_ops *ops, struct evtchn_domain *ed, domid_t dom,
			 struct evtchn_domain **out)
{
	switch (domid_naming(dom, ed->id, ops->is_privileged(ed))) {
	case DOMID_NAMES_CALLER:
		*out = ed;
		return 0;
	case DOMID_NAMES_OTHER:
		*out = ops->find_domain(dom);
		return *out ? 0 : -ESRCH;
	default:
		return -EPERM;
	}
}

int evtchn_alloc_unbound(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			 struct evtchn_alloc_unbound *op)
{
	struct evtchn_domain *d;
	evtchn_port_t port;
	int rc;

	rc = lookup_domain(ops, ed, op->dom, &d);
	if (!rc)
		rc = free_port(ops, d, &port);
	if (rc)
		return rc;
	bind_port(d, port, (struct evtchn){
		.state = EVTCHNSTAT_unbound,
		.remote_dom = op->remote_dom == DOMID_SELF ? ed->id : op->remote_dom,
	});
	op->port = port;
	return 0;
}

int evtchn_bind_interdomain(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			    struct evtchn_bind_interdomain *op)
{
	struct evtchn_domain *rd;
	struct evtchn *rchn;
	evtchn_port_t lport;
	int rc;

	if (op->remote_dom == DOMID_SELF || op->remote_dom == ed->id)
		rd = ed;
	else
		rd = ops->find_domain(op->remote_dom);
	if (!rd)
		return -ESRCH;
	rchn = port_in_use(rd, op->remote_port);
	if (!rchn || rchn->state != EVTCHNSTAT_unbound || rchn->remote_dom != ed->id)
		return -EINVAL;
	rc = free_port(ops, ed, &lport);
	if (rc)
		return rc;

	bind_port(ed, lport, (struct evtchn){
		.state = EVTCHNSTAT_interdomain,
		.remote_dom = rd->id,
		.remote_port = op->remote_port,
	});
	rchn->state = EVTCHNSTAT_interdomain;
	rchn->remote_dom = ed->id;
	rchn->remote_port = lport;
	op->local_port = lport;
	/* The peer may have signalled before we were connected: look once. */
	set_pending(ops, ed, lport);
	return 0;
}

int evtchn_bind_virq(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		     struct evtchn_bind_virq *op)
{
	evtchn_port_t port;
	int rc;

	if (op->virq >= NR_VIRQS)
		return -EINVAL;
	if (!evtchn_virq_is_per_vcpu(op->virq) && op->vcpu != 0)
		return -EINVAL;
	if (op->vcpu >= ed->nr_vcpus)
		return -ENOENT;
	if (ed->virq_port[op->vcpu][op->virq])
		return -EEXIST;
	rc = free_port(ops, ed, &port);
	if (rc)
		return rc;

	bind_port(ed, port, (struct evtchn){
		.state = EVTCHNSTAT_virq,
		.virq = (uint8_t)op->virq,
		.vcpu = (uint16_t)op->vcpu,
	});
	ed->virq_port[op->vcpu][op->virq] = port;
	op->port = port;
	return 0;
}

int evtchn_bind_ipi(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		    struct evtchn_bind_ipi *op)
{
	evtchn_port_t port;
	int rc;

	if (op->vcpu >= ed->nr_vcpus)
		return -ENOENT;
	rc = free_port(ops, ed, &port);
	if (rc)
		return rc;
	bind_port(ed, port, (struct evtchn){ .state = EVTCHNSTAT_ipi, .vcpu = (uint16_t)op->vcpu });
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
	struct evtchn *chn = evtchn_port(ed, port);

	if (chn->state == EVTCHNSTAT_virq) {
		unsigned int slot = evtchn_virq_is_per_vcpu(chn->virq) ? chn->vcpu : 0;

		ed->virq_port[slot][chn->virq] = 0;
	} else if (chn->state == EVTCHNSTAT_interdomain) {
		struct evtchn_domain *rd = chn->remote_dom == ed->id ? ed :
					   ops->find_domain(chn->remote_dom);
		struct evtchn *peer = rd ? evtchn_port(rd, chn->remote_port) : NULL;

		/* The peer's end waits again, for us. */
		if (peer && peer->state == EVTCHNSTAT_interdomain && peer->remote_dom == ed->id &&
		    peer->remote_port == port) {
			peer->state = EVTCHNSTAT_unbound;
			peer->remote_port = 0;
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
	if (op->port == 0) {
		memset(&op->u, 0, sizeof(op->u));
		op->status = EVTCHNSTAT_closed;
		op->vcpu = 0;
		return 0;
	}
	chn = port_valid(d, op->port);
	if (!chn)
		return -EINVAL;
	op->status = chn->state;
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

int evtchn_unmask(const struct evtchn_ops *ops, struct evtchn_domain *ed, evtchn_port_t port)
{
	/* Port 0 is reserved, never bound, yet a valid port to unmask in Xen:
	 * any port in a bucket in use is. */
	if (port > port_limit(ed) || !evtchn_port(ed, port))
		return -EINVAL;
	if (ed->fifo)
		evtchn_fifo_unmask(ops, ed, port);
	else
		evtchn_2l_unmask(ops, ed, port);
	return 0;
}

int evtchn_is_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
		      evtchn_port_t port)
{
	if (port == 0 || port > port_limit(ed))
		return -EINVAL;
	if (!evtchn_port(ed, port))
		return 0;
	return ed->fifo ? evtchn_fifo_is_pending(ed, port) : evtchn_2l_is_pending(ops, ed, port);
}

void evtchn_close_all(const struct evtchn_ops *ops, struct evtchn_domain *ed)
{
	for (unsigned int b = 0; b < EVTCHN_NR_BUCKETS; b++) {
		if (!ed->bucket[b])
			continue;
		for (unsigned int i = 0; i < EVTCHN_BUCKET_PORTS; i++) {
			evtchn_port_t p = b * EVTCHN_BUCKET_PORTS + i;

			if (p && ed->bucket[b][i].state != EVTCHNSTAT_closed)
				close_port(ops, ed, p);
		}
	}
	if (ed->fifo)
		evtchn_fifo_destroy(ops, ed);
}

void evtchn_teardown(const struct evtchn_ops *ops, struct evtchn_domain *ed)
{
	evtchn_close_all(ops, ed);
	for (unsigned int b = 0; b < EVTCHN_NR_BUCKETS; b++) {
		ops->free(ed->bucket[b]);
		ed->bucket[b] = NULL;
	}
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
