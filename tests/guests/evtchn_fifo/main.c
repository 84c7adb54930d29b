/*
 * evtchn_fifo: Xen's FIFO event-channel ABI within one domain. Proves: the
 * FIFO operations refuse what Xen refuses (expand_array before
 * init_control: -EOPNOTSUPP; set_priority under 2-level: -ENOSYS; a vCPU
 * that does not exist: -ENOENT; a misaligned or page-crossing control block
 * or a frame that is not RAM: -EINVAL; a second control block for a vCPU:
 * -EINVAL); a port left pending under 2-level is queued once the switch and
 * its array page are done; raised ports arrive through the upcall in the
 * order they were raised, each queue's head first, higher priority queues
 * before lower ones; a masked port is marked pending but not queued until
 * EVTCHNOP_unmask; EVTCHNOP_reset goes back to 2-level.
 * Cannot tell: other vCPUs' queues, ports past the first array page, or
 * races with the hypervisor on a word.
 */
#include "lib.h"

#include <public/event_channel.h>

const char test_title[] = "FIFO event channels: init, queues, priorities, mask, reset";

#define W_PENDING (1u << EVTCHN_FIFO_PENDING)
#define W_MASKED (1u << EVTCHN_FIFO_MASKED)
#define W_LINKED (1u << EVTCHN_FIFO_LINKED)
#define NOT_RAM_GFN 0xfee00 /* the local APIC's page: never RAM */
#define MAX_SEEN 16

static uint8_t control_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static event_word_t array_page[PAGE_SIZE / sizeof(event_word_t)] __aligned(PAGE_SIZE);
static struct evtchn_fifo_control_block *const cb = (void *)control_page;
static uint32_t local_head[EVTCHN_FIFO_MAX_QUEUES]; /* the consumer's own heads */
static volatile evtchn_port_t seen[MAX_SEEN];
static volatile unsigned int nr_seen;

static uint64_t gfn_of(const void *p)
{
	return (uintptr_t)p >> 12; /* identity mapped */
}

/* Takes the head off queue q, as Linux does: the hypervisor writes the
 * control block's head only when the queue was empty. */
static void consume_one(unsigned int q)
{
	evtchn_port_t port = local_head[q] ? local_head[q] : cb->head[q];
	event_word_t *w = &array_page[port];
	event_word_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST), new;

	do
		new = old & ~(W_LINKED | EVTCHN_FIFO_LINK_MASK);
	while (!__atomic_compare_exchange_n(w, &old, new, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST));
	local_head[q] = old & EVTCHN_FIFO_LINK_MASK;
	if (!local_head[q])
		__atomic_fetch_and(&cb->ready, ~(1u << q), __ATOMIC_SEQ_CST);
	if ((old & (W_PENDING | W_MASKED)) == W_PENDING) {
		__atomic_fetch_and(w, ~W_PENDING, __ATOMIC_SEQ_CST);
		if (nr_seen < MAX_SEEN)
			seen[nr_seen++] = port;
	}
}

static void fifo_upcall(struct trap_frame *frame)
{
	uint32_t ready;

	(void)frame;
	upcall_count++;
	vcpu_info->evtchn_upcall_pending = 0;
	while ((ready = __atomic_load_n(&cb->ready, __ATOMIC_SEQ_CST)))
		consume_one((unsigned int)__builtin_ctz(ready)); /* highest priority first */
	upcall_eoi();
}

static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
	struct evtchn_init_control ic = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };
	long rc = event_channel_op(EVTCHNOP_init_control, &ic);

	if (rc == 0 && ic.link_bits != EVTCHN_FIFO_LINK_BITS)
		test_failure("init_control: link_bits %u", ic.link_bits);
	return rc;
}

static void expect(const char *what, long rc, long want)
{
	if (rc != want)
		test_failure("%s: %ld, expected %ld", what, rc, want);
}

static evtchn_port_t bind_ipi(void)
{
	struct evtchn_bind_ipi bi = { .vcpu = 0 };

	expect("bind_ipi", event_channel_op(EVTCHNOP_bind_ipi, &bi), 0);
	return bi.port;
}

static long send(evtchn_port_t port)
{
	struct evtchn_send s = { .port = port };

	return event_channel_op(EVTCHNOP_send, &s);
}

/* Lets the upcall in and checks it took exactly `ports`, in that order. */
static void expect_seen(const char *what, const evtchn_port_t *ports, unsigned int n)
{
	unsigned int upcalls = upcall_count;

	nr_seen = 0;
	if (!wait_upcall(upcalls, WAIT_LONG))
		return test_failure("%s: no upcall", what);
	if (nr_seen != n)
		return test_failure("%s: %u event(s) taken, expected %u", what, nr_seen, n);
	for (unsigned int i = 0; i < n; i++)
		if (seen[i] != ports[i])
			return test_failure("%s: event %u was port %u, expected %u", what, i,
					    seen[i], ports[i]);
}

static void refusals_before_init(void)
{
	struct evtchn_expand_array ea = { .array_gfn = gfn_of(array_page) };
	struct evtchn_set_priority sp = { .port = 1, .priority = 3 };

	expect("expand_array before init_control",
	       event_channel_op(EVTCHNOP_expand_array, &ea), -EOPNOTSUPP);
	expect("set_priority under 2-level", event_channel_op(EVTCHNOP_set_priority, &sp), -ENOSYS);
	expect("init_control for vCPU 1", init_control(gfn_of(control_page), 0, 1), -ENOENT);
	expect("init_control at offset 4", init_control(gfn_of(control_page), 4, 0), -EINVAL);
	expect("init_control crossing the page",
	       init_control(gfn_of(control_page), PAGE_SIZE - 64, 0), -EINVAL);
	expect("init_control on a frame that is not RAM", init_control(NOT_RAM_GFN, 0, 0), -EINVAL);
}

void test_main(void)
{
	struct evtchn_set_priority sp;
	evtchn_port_t a, b, c, early;
	long rc;

	if ((rc = events_map_shared_info()) || (rc = events_register_vcpu_info()) ||
	    (rc = events_set_upcall_vector()))
		return test_error("events setup: %ld", rc);
	refusals_before_init();

	/* Raised under 2-level while interrupts are off: it must survive the switch. */
	early = bind_ipi();
	expect("send before the switch", send(early), 0);
	set_irq_handler(UPCALL_VECTOR, fifo_upcall);
	expect("init_control", init_control(gfn_of(control_page), 0, 0), 0);
	expect("init_control again", init_control(gfn_of(control_page), 0, 0), -EINVAL);
	struct evtchn_expand_array ea = { .array_gfn = gfn_of(array_page) };
	expect("expand_array", event_channel_op(EVTCHNOP_expand_array, &ea), 0);
	if (array_page[early] != (W_PENDING | W_LINKED) ||
	    cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT] != early)
		test_failure("port %u pending before the switch: word %#x, head %u", early,
			     array_page[early], cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT]);
	expect_seen("the early event", &early, 1);

	/* Three ports raised in order arrive in order. */
	a = bind_ipi();
	b = bind_ipi();
	c = bind_ipi();
	expect("send a", send(a), 0);
	expect("send b", send(b), 0);
	expect("send c", send(c), 0);
	if ((array_page[a] & EVTCHN_FIFO_LINK_MASK) != b || (array_page[b] & EVTCHN_FIFO_LINK_MASK) != c)
		test_failure("links: a -> %u, b -> %u", array_page[a] & EVTCHN_FIFO_LINK_MASK,
			     array_page[b] & EVTCHN_FIFO_LINK_MASK);
	expect_seen("a, b, c", (const evtchn_port_t[]){ a, b, c }, 3);

	/* A higher priority queue is served first. */
	sp = (struct evtchn_set_priority){ .port = c, .priority = 2 };
	expect("set_priority", event_channel_op(EVTCHNOP_set_priority, &sp), 0);
	sp.priority = EVTCHN_FIFO_PRIORITY_MIN + 1;
	expect("set_priority 16", event_channel_op(EVTCHNOP_set_priority, &sp), -EINVAL);
	expect("send a", send(a), 0);
	expect("send c", send(c), 0);
	expect_seen("c (priority 2) before a", (const evtchn_port_t[]){ c, a }, 2);

	/* Masked: pending, not queued, no upcall; unmask queues it. */
	__atomic_fetch_or(&array_page[b], W_MASKED, __ATOMIC_SEQ_CST);
	expect("send to a masked port", send(b), 0);
	if (array_page[b] != (W_MASKED | W_PENDING) || cb->ready)
		test_failure("masked port %u: word %#x, ready %#x", b, array_page[b], cb->ready);
	__atomic_fetch_and(&array_page[b], ~W_MASKED, __ATOMIC_SEQ_CST);
	struct evtchn_unmask um = { .port = b };
	expect("unmask", event_channel_op(EVTCHNOP_unmask, &um), 0);
	expect_seen("b after unmask", &b, 1);

	/* Reset: all ports closed, the 2-level ABI again. */
	struct evtchn_reset rs = { .dom = DOMID_SELF };
	expect("reset", event_channel_op(EVTCHNOP_reset, &rs), 0);
	sp = (struct evtchn_set_priority){ .port = a, .priority = 3 };
	expect("set_priority after reset", event_channel_op(EVTCHNOP_set_priority, &sp), -ENOSYS);
	expect("events_set_upcall_vector", events_set_upcall_vector(), 0);
	a = bind_ipi();
	expect("send under 2-level", send(a), 0);
	if (!port_pending(a))
		test_failure("port %u not pending in shared_info after the reset", a);
}
