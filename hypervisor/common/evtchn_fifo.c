/*
 * The FIFO event-channel ABI (public/event_channel.h): an event word per
 * port in array pages the guest gives us, and per vCPU a control block with
 * sixteen priority queues. Raising an unmasked port links it at the tail of
 * its queue (the previous tail's LINK field, or the queue's head when the
 * queue is empty), marks the queue ready and sends the upcall; the guest
 * unlinks from the head.
 *
 * The guest changes event words concurrently (it may set or clear MASKED,
 * clear PENDING, clear LINKED and LINK), so every access is atomic, and
 * changing LINK is a compare-and-swap that gives up after a few tries: a
 * guest that keeps changing its word only loses its own event. Nothing the
 * guest writes is followed: the hypervisor never walks a queue, it only
 * remembers each queue's tail itself.
 */
#include <tern/errno.h>
#include <tern/string.h>
#include "evtchn_port.h"

#define WORDS_PER_PAGE EVTCHN_FIFO_WORDS_PER_PAGE
#define MAX_ARRAY_PAGES EVTCHN_FIFO_MAX_ARRAY_PAGES
#define LINK_TRIES 4

#define W_PENDING (1u << EVTCHN_FIFO_PENDING)
#define W_MASKED (1u << EVTCHN_FIFO_MASKED)
#define W_LINKED (1u << EVTCHN_FIFO_LINKED)
#define W_BUSY (1u << EVTCHN_FIFO_BUSY)

static event_word_t *word_of(const struct evtchn_domain *ed, evtchn_port_t port)
{
	const struct evtchn_fifo *f = ed->fifo;

	if (port / WORDS_PER_PAGE >= f->nr_pages)
		return NULL;
	return &f->array[port / WORDS_PER_PAGE][port % WORDS_PER_PAGE];
}

/*
 * Points the LINK field of word (the queue's tail) at port if the tail is
 * still LINKED, i.e. the guest has not consumed it yet. true: linked; false:
 * the queue is empty and port becomes its head. BUSY keeps the guest from
 * unmasking the tail under us (it asks us instead), which leaves the guest
 * few changes to race with.
 */
static bool link_after(event_word_t *word, evtchn_port_t port)
{
	event_word_t w = __atomic_fetch_or(word, W_BUSY, __ATOMIC_SEQ_CST) | W_BUSY;
	bool linked = true;

	for (unsigned int i = 0; i < LINK_TRIES; i++) {
		event_word_t new = (w & ~(W_BUSY | EVTCHN_FIFO_LINK_MASK)) | port;

		if (!(w & W_LINKED)) {
			linked = false;
			break;
		}
		if (__atomic_compare_exchange_n(word, &w, new, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return true;
	}
	/* Out of tries (a guest fighting us): its event is dropped. */
	__atomic_fetch_and(word, ~W_BUSY, __ATOMIC_SEQ_CST);
	return linked;
}

void evtchn_fifo_set_pending(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			     evtchn_port_t port)
{
	struct evtchn *chn = evtchn_port(ed, port);
	event_word_t *word = word_of(ed, port);
	struct evtchn_fifo_vcpu *fv = &ed->fifo->vcpu[chn->vcpu];
	struct evtchn_fifo_queue *q, *last;
	bool linked = false;

	/* No page for its word yet: raised once the guest adds it. */
	if (!word) {
		chn->unseen = true;
		return;
	}
	chn->unseen = false;
	/* A vCPU without a control block cannot have unmasked anything. */
	if (!fv->control)
		return;
	if (!(__atomic_fetch_or(word, W_PENDING, __ATOMIC_SEQ_CST) & W_PENDING) &&
	    ops->wake_poller)
		ops->wake_poller(ed, chn->vcpu);
	if (__atomic_load_n(word, __ATOMIC_SEQ_CST) & W_MASKED ||
	    __atomic_fetch_or(word, W_LINKED, __ATOMIC_SEQ_CST) & W_LINKED)
		return;

	/* If it was the tail of the queue it last went to, that queue is now
	 * empty: forget the tail, or the next event there would link to it. */
	last = &ed->fifo->vcpu[chn->last_vcpu].queue[chn->last_priority];
	if (last->tail == port)
		last->tail = 0;
	q = &fv->queue[chn->priority];
	chn->last_vcpu = chn->vcpu;
	chn->last_priority = chn->priority;

	if (q->tail && word_of(ed, q->tail))
		linked = link_after(word_of(ed, q->tail), port);
	if (!linked)
		__atomic_store_n(q->head, port, __ATOMIC_SEQ_CST);
	q->tail = port;
	if (!linked && !(__atomic_fetch_or(&fv->control->ready, 1u << chn->priority,
					   __ATOMIC_SEQ_CST) & (1u << chn->priority)))
		evtchn_notify_vcpu(ops, ed, chn->vcpu);
}

/* Only PENDING: the guest unlinks and skips events that are not pending. */
void evtchn_fifo_clear_pending(struct evtchn_domain *ed, evtchn_port_t port)
{
	event_word_t *word = word_of(ed, port);

	evtchn_port(ed, port)->unseen = false;
	if (word)
		__atomic_fetch_and(word, ~W_PENDING, __ATOMIC_SEQ_CST);
}

void evtchn_fifo_unmask(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			evtchn_port_t port)
{
	event_word_t *word = word_of(ed, port);

	if (!word)
		return;
	__atomic_fetch_and(word, ~W_MASKED, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(word, __ATOMIC_SEQ_CST) & W_PENDING)
		evtchn_fifo_set_pending(ops, ed, port);
}

event_word_t evtchn_fifo_word(const struct evtchn_domain *ed, evtchn_port_t port)
{
	const event_word_t *word = word_of(ed, port);

	return word ? __atomic_load_n(word, __ATOMIC_SEQ_CST) : 0;
}

bool evtchn_fifo_is_pending(struct evtchn_domain *ed, evtchn_port_t port)
{
	const event_word_t *word = word_of(ed, port);

	if (!word)
		return evtchn_port(ed, port)->unseen;
	return __atomic_load_n(word, __ATOMIC_SEQ_CST) & W_PENDING;
}

void evtchn_fifo_bind(struct evtchn_domain *ed, evtchn_port_t port)
{
	struct evtchn *chn = evtchn_port(ed, port);

	chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
	chn->unseen = false;
}

void evtchn_fifo_destroy(const struct evtchn_ops *ops, struct evtchn_domain *ed)
{
	ops->free(ed->fifo);
	ed->fifo = NULL;
}

/* Moves the domain's bound ports over: priority 7, and a port pending under
 * the 2-level ABI stays pending (raised once its array page exists). */
static void adopt_ports(const struct evtchn_ops *ops, struct evtchn_domain *ed)
{
	for (evtchn_port_t port = 1; port < EVTCHN_2L_NR_PORTS; port++) {
		struct evtchn *chn = evtchn_port(ed, port);
		bool pending;

		if (!chn || chn->state == EVTCHNSTAT_closed)
			continue;
		pending = evtchn_2l_is_pending(ops, ed, port);
		evtchn_fifo_bind(ed, port);
		chn->unseen = pending;
	}
}

int evtchn_init_control(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			struct evtchn_init_control *op)
{
	struct evtchn_fifo_vcpu *fv;
	uint8_t *page;
	bool fresh = false;

	if (op->vcpu >= ed->nr_vcpus)
		return -ENOENT;
	if (op->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) || op->offset & 7)
		return -EINVAL;
	if (ed->fifo && ed->fifo->vcpu[op->vcpu].control)
		return -EINVAL;
	page = ops->guest_page(ed, op->control_gfn);
	if (!page)
		return -EINVAL;
	if (!ed->fifo) {
		ed->fifo = ops->alloc(sizeof(*ed->fifo));
		if (!ed->fifo)
			return -ENOMEM;
		fresh = true;
	}
	fv = &ed->fifo->vcpu[op->vcpu];
	fv->control = (struct evtchn_fifo_control_block *)(page + op->offset);
	for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_QUEUES; i++)
		fv->queue[i].head = &fv->control->head[i];
	if (fresh)
		adopt_ports(ops, ed);
	op->link_bits = EVTCHN_FIFO_LINK_BITS;
	return 0;
}

int evtchn_expand_array(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			const struct evtchn_expand_array *op)
{
	struct evtchn_fifo *f = ed->fifo;
	evtchn_port_t first;
	void *page;

	if (!f)
		return -EOPNOTSUPP;
	if (f->nr_pages >= MAX_ARRAY_PAGES)
		return -ENOSPC;
	page = ops->guest_page(ed, op->array_gfn);
	if (!page)
		return -EINVAL;
	f->array[f->nr_pages++] = page;
	/* Events raised while these ports had no word. */
	first = (evtchn_port_t)((f->nr_pages - 1) * WORDS_PER_PAGE);
	for (evtchn_port_t port = first; port < first + WORDS_PER_PAGE; port++) {
		struct evtchn *chn = evtchn_port(ed, port);

		if (chn && chn->unseen)
			evtchn_fifo_set_pending(ops, ed, port);
	}
	return 0;
}

int evtchn_set_priority(const struct evtchn_ops *ops, struct evtchn_domain *ed,
			const struct evtchn_set_priority *op)
{
	struct evtchn *chn = evtchn_port(ed, op->port);

	(void)ops;
	if (!ed->fifo)
		return -ENOSYS;
	if (!chn || op->port == 0 || op->priority > EVTCHN_FIFO_PRIORITY_MIN)
		return -EINVAL;
	/* An event already queued stays where it is; the next one moves. */
	chn->priority = (uint8_t)op->priority;
	return 0;
}
