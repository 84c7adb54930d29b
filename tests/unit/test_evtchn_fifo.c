/*
 * The FIFO event-channel ABI over plain memory (evtchn_fake.h): switching a
 * domain over with EVTCHNOP_init_control (with Xen's argument checks), the
 * event array growing page by page, how raised ports are linked into the
 * vCPU's priority queues (head, LINK fields, ready bits, one upcall),
 * masking, priorities, events raised before their array page exists, the
 * port limit, and going back to 2-level with EVTCHNOP_reset. Every failed
 * call leaves all state, guest memory included, as it was.
 *
 * Cannot tell: races with a guest changing its words concurrently (the
 * compare-and-swap retry paths): the tests are single-threaded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <tern/errno.h>

#include "evtchn_fake.h"

#define CONTROL_GFN 0
#define ARRAY_GFN 1 /* array pages go at gfns 1, 2, ... */
#define W_PENDING (1u << EVTCHN_FIFO_PENDING)
#define W_MASKED (1u << EVTCHN_FIFO_MASKED)
#define W_LINKED (1u << EVTCHN_FIFO_LINKED)
#define W_BUSY (1u << EVTCHN_FIFO_BUSY)

static struct evtchn_fifo_control_block *control(unsigned int d, unsigned int offset)
{
	return (struct evtchn_fifo_control_block *)(ram[d][CONTROL_GFN] + offset);
}

static event_word_t *word(unsigned int d, evtchn_port_t port)
{
	return (event_word_t *)ram[d][ARRAY_GFN + port / 1024] + port % 1024;
}

static int init_control(unsigned int d, uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
	struct evtchn_init_control op = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };
	int rc = evtchn_init_control(&ops, doms[d], &op);

	if (rc == 0)
		assert_int_equal(op.link_bits, 17);
	return rc;
}

static int expand(unsigned int d, uint64_t gfn)
{
	struct evtchn_expand_array op = { .array_gfn = gfn };

	return evtchn_expand_array(&ops, doms[d], &op);
}

static int set_priority(unsigned int d, evtchn_port_t port, uint32_t priority)
{
	struct evtchn_set_priority op = { .port = port, .priority = priority };

	return evtchn_set_priority(&ops, doms[d], &op);
}

/* dom d under FIFO, vCPU 0's control block at offset 0, one array page. */
static void go_fifo(unsigned int d)
{
	assert_int_equal(init_control(d, CONTROL_GFN, 0, 0), 0);
	assert_int_equal(expand(d, ARRAY_GFN), 0);
}

/* The guest's side of an upcall: take the queue's head off (clears LINKED). */
static evtchn_port_t guest_pop(unsigned int d, unsigned int offset, unsigned int prio)
{
	struct evtchn_fifo_control_block *cb = control(d, offset);
	evtchn_port_t port = cb->head[prio];
	event_word_t *w = word(d, port);

	cb->head[prio] = *w & EVTCHN_FIFO_LINK_MASK;
	if (!cb->head[prio])
		cb->ready &= ~(1u << prio);
	*w &= ~(W_LINKED | EVTCHN_FIFO_LINK_MASK | W_PENDING);
	return port;
}

static void test_init_control_checks(void **state)
{
	struct evtchn_expand_array ea = { .array_gfn = ARRAY_GFN };
	struct evtchn_set_priority sp = { .port = 1, .priority = 3 };

	(void)state;
	bind_ipi(1, 0);
	snapshot();
	/* Before init_control: the 2-level ABI, where these do not exist. */
	assert_int_equal(evtchn_expand_array(&ops, doms[1], &ea), -EOPNOTSUPP);
	assert_int_equal(evtchn_set_priority(&ops, doms[1], &sp), -ENOSYS);
	/* No such vCPU; an offset that is misaligned or crosses the page; a
	 * frame that is not the domain's RAM. */
	assert_int_equal(init_control(1, CONTROL_GFN, 0, 1), -ENOENT);
	assert_int_equal(init_control(1, CONTROL_GFN, 0, 0xffffffffu), -ENOENT);
	assert_int_equal(init_control(1, CONTROL_GFN, 4, 0), -EINVAL);
	assert_int_equal(init_control(1, CONTROL_GFN, 4096 - 72 + 8, 0), -EINVAL);
	assert_int_equal(init_control(1, CONTROL_GFN, 0xfffffff8u, 0), -EINVAL);
	assert_int_equal(init_control(1, FAKE_RAM_PAGES, 0, 0), -EINVAL);
	assert_int_equal(init_control(1, ~0ull, 0, 0), -EINVAL);
	assert_null(doms[1]->fifo);
	assert_unchanged();

	/* The last offset that fits; then the same vCPU again is refused. */
	assert_int_equal(init_control(1, CONTROL_GFN, 4096 - 72, 0), 0);
	assert_non_null(doms[1]->fifo);
	snapshot();
	assert_int_equal(init_control(1, CONTROL_GFN, 0, 0), -EINVAL);
	assert_int_equal(expand(1, FAKE_RAM_PAGES), -EINVAL);
	assert_int_equal(set_priority(1, 1, 16), -EINVAL);
	assert_int_equal(set_priority(1, 0, 3), -EINVAL);
	assert_int_equal(set_priority(1, 300, 3), -EINVAL); /* no bucket there */
	assert_int_equal(set_priority(1, EVTCHN_FIFO_NR_CHANNELS, 3), -EINVAL);
	assert_unchanged();
}

static void test_raise_links_in_order(void **state)
{
	struct evtchn_fifo_control_block *cb = control(1, 0);
	evtchn_port_t a = bind_ipi(1, 0), b = bind_ipi(1, 0), c = bind_ipi(1, 0);

	(void)state;
	go_fifo(1);
	assert_int_equal(evtchn_send(&ops, doms[1], a), 0);
	assert_int_equal(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
	assert_int_equal(cb->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
	assert_int_equal(*word(1, a), W_PENDING | W_LINKED);
	assert_int_equal(si[1].vcpu_info[0].evtchn_upcall_pending, 1);
	assert_int_equal(kicks[1][0], 1);
	assert_int_equal(poller_wakes[1][0], 1);
	/* The next ones are linked behind it: no new upcall. */
	assert_int_equal(evtchn_send(&ops, doms[1], b), 0);
	assert_int_equal(evtchn_send(&ops, doms[1], c), 0);
	assert_int_equal(*word(1, a), W_PENDING | W_LINKED | b);
	assert_int_equal(*word(1, b), W_PENDING | W_LINKED | c);
	assert_int_equal(*word(1, c), W_PENDING | W_LINKED);
	assert_int_equal(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
	assert_int_equal(kicks[1][0], 1);
	/* Pending already: a second send changes nothing. */
	assert_int_equal(evtchn_send(&ops, doms[1], b), 0);
	assert_int_equal(*word(1, b), W_PENDING | W_LINKED | c);
	/* The 2-level bitmaps are not used any more. */
	assert_int_equal(si[1].evtchn_pending[0], 0);
	assert_int_equal(si[1].vcpu_info[0].evtchn_pending_sel, 0);

	/* The guest drains the queue; the next event starts it again. */
	assert_int_equal(guest_pop(1, 0, EVTCHN_FIFO_PRIORITY_DEFAULT), a);
	assert_int_equal(guest_pop(1, 0, EVTCHN_FIFO_PRIORITY_DEFAULT), b);
	assert_int_equal(guest_pop(1, 0, EVTCHN_FIFO_PRIORITY_DEFAULT), c);
	assert_int_equal(cb->ready, 0);
	si[1].vcpu_info[0].evtchn_upcall_pending = 0;
	assert_int_equal(evtchn_send(&ops, doms[1], b), 0);
	assert_int_equal(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], b);
	assert_int_equal(*word(1, c), 0); /* the old tail was not linked to */
	assert_int_equal(cb->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
	assert_int_equal(kicks[1][0], 2);
}

static void test_masked_and_unmask(void **state)
{
	struct evtchn_fifo_control_block *cb = control(1, 0);
	evtchn_port_t p = bind_ipi(1, 0);

	(void)state;
	go_fifo(1);
	*word(1, p) = W_MASKED;
	assert_int_equal(evtchn_send(&ops, doms[1], p), 0);
	assert_int_equal(*word(1, p), W_MASKED | W_PENDING);
	assert_int_equal(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], 0);
	assert_int_equal(cb->ready, 0);
	assert_int_equal(kicks[1][0], 0);
	/* A poller waits on masked ports too. */
	assert_int_equal(poller_wakes[1][0], 1);
	assert_int_equal(evtchn_is_pending(&ops, doms[1], p), 1);

	assert_int_equal(evtchn_unmask(&ops, doms[1], p), 0);
	assert_int_equal(*word(1, p), W_PENDING | W_LINKED);
	assert_int_equal(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p);
	assert_int_equal(kicks[1][0], 1);
	/* Unmasking a port that is not pending only clears the mask. */
	assert_int_equal(guest_pop(1, 0, EVTCHN_FIFO_PRIORITY_DEFAULT), p);
	*word(1, p) = W_MASKED;
	assert_int_equal(evtchn_unmask(&ops, doms[1], p), 0);
	assert_int_equal(*word(1, p), 0);
	assert_int_equal(kicks[1][0], 1);
	assert_int_equal(evtchn_is_pending(&ops, doms[1], p), 0);
}

static void test_priorities_and_vcpus(void **state)
{
	evtchn_port_t lo = bind_ipi(2, 0), hi = bind_ipi(2, 0), other = bind_ipi(2, 1);
	struct evtchn_fifo_control_block *cb0 = control(2, 0), *cb1 = control(2, 128);

	(void)state;
	go_fifo(2);
	assert_int_equal(set_priority(2, hi, EVTCHN_FIFO_PRIORITY_MAX), 0);
	assert_int_equal(evtchn_send(&ops, doms[2], lo), 0);
	assert_int_equal(evtchn_send(&ops, doms[2], hi), 0);
	assert_int_equal(cb0->head[EVTCHN_FIFO_PRIORITY_DEFAULT], lo);
	assert_int_equal(cb0->head[EVTCHN_FIFO_PRIORITY_MAX], hi);
	assert_int_equal(cb0->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT | 1u);
	assert_int_equal(kicks[2][0], 1);

	/* vCPU 1 has no control block yet: its event is dropped, as in Xen
	 * (the guest cannot have unmasked anything there). */
	assert_int_equal(evtchn_send(&ops, doms[2], other), 0);
	assert_int_equal(*word(2, other), 0);
	assert_int_equal(kicks[2][1], 0);
	assert_int_equal(init_control(2, CONTROL_GFN, 128, 1), 0);
	assert_int_equal(evtchn_send(&ops, doms[2], other), 0);
	assert_int_equal(cb1->head[EVTCHN_FIFO_PRIORITY_DEFAULT], other);
	assert_int_equal(kicks[2][1], 1);
}

static void test_moved_port_leaves_its_old_queue(void **state)
{
	evtchn_port_t a = alloc_unbound(2, DOMID_SELF, DOMID_SELF);
	struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF, .remote_port = a };
	struct evtchn_fifo_control_block *cb0 = control(2, 0), *cb1 = control(2, 128);
	struct evtchn_bind_vcpu bv;
	evtchn_port_t b, x;

	(void)state;
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[2], &bi), 0);
	b = bi.local_port;
	x = bind_ipi(2, 0);
	si[2].evtchn_pending[0] = 0; /* the bind left b pending: not part of this test */
	go_fifo(2);
	assert_int_equal(init_control(2, CONTROL_GFN, 128, 1), 0);
	/* a is the tail of vCPU 0's default queue; the guest consumes it. */
	assert_int_equal(evtchn_send(&ops, doms[2], b), 0);
	assert_int_equal(cb0->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
	assert_int_equal(guest_pop(2, 0, EVTCHN_FIFO_PRIORITY_DEFAULT), a);
	/* a moves to vCPU 1 and fires there; then x fires on vCPU 0: x must
	 * become vCPU 0's head, not be linked behind a in vCPU 1's queue. */
	bv = (struct evtchn_bind_vcpu){ .port = a, .vcpu = 1 };
	assert_int_equal(evtchn_bind_vcpu(&ops, doms[2], &bv), 0);
	assert_int_equal(evtchn_send(&ops, doms[2], b), 0);
	assert_int_equal(cb1->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
	assert_int_equal(evtchn_send(&ops, doms[2], x), 0);
	assert_int_equal(cb0->head[EVTCHN_FIFO_PRIORITY_DEFAULT], x);
	assert_int_equal(*word(2, a) & EVTCHN_FIFO_LINK_MASK, 0);
}

/*
 * The same through a port number that is closed and bound again on another
 * vCPU (Linux closes a CPU's IPI and timer ports when the CPU goes offline,
 * and the next binding takes the lowest free port): the new binding must
 * not make tern forget that the port is vCPU 0's old tail, or vCPU 0's
 * next event is linked behind it in vCPU 1's queue, and vCPU 1's next one
 * then overwrites that link: an event that stays LINKED in no queue, whose
 * port never fires again.
 */
static void test_reused_port_leaves_its_old_queue(void **state)
{
	evtchn_port_t a = bind_ipi(2, 0), x = bind_ipi(2, 0), y, z;
	struct evtchn_fifo_control_block *cb0 = control(2, 0), *cb1 = control(2, 128);

	(void)state;
	go_fifo(2);
	assert_int_equal(init_control(2, CONTROL_GFN, 128, 1), 0);
	assert_int_equal(evtchn_send(&ops, doms[2], a), 0);
	assert_int_equal(guest_pop(2, 0, EVTCHN_FIFO_PRIORITY_DEFAULT), a);
	assert_int_equal(evtchn_close(&ops, doms[2], a), 0);
	y = bind_ipi(2, 1);
	assert_int_equal(y, a);
	z = bind_ipi(2, 1);
	assert_int_equal(evtchn_send(&ops, doms[2], y), 0);
	assert_int_equal(cb1->head[EVTCHN_FIFO_PRIORITY_DEFAULT], y);
	assert_int_equal(evtchn_send(&ops, doms[2], x), 0);
	assert_int_equal(cb0->head[EVTCHN_FIFO_PRIORITY_DEFAULT], x);
	assert_true(cb0->ready & 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
	assert_int_equal(*word(2, y) & EVTCHN_FIFO_LINK_MASK, 0);
	/* vCPU 1's queue goes on from y to z, and vCPU 0 finds x. */
	assert_int_equal(evtchn_send(&ops, doms[2], z), 0);
	assert_int_equal(guest_pop(2, 128, EVTCHN_FIFO_PRIORITY_DEFAULT), y);
	assert_int_equal(guest_pop(2, 128, EVTCHN_FIFO_PRIORITY_DEFAULT), z);
	assert_int_equal(guest_pop(2, 0, EVTCHN_FIFO_PRIORITY_DEFAULT), x);
}

/*
 * What `xl vcpu-set` did to a Linux guest's CPU 1 (seen in tern's 'q' dump:
 * its timer port pending and linked to itself, its queue's ready bit clear):
 * the CPU's timer port, at priority 0, is the tail of that queue when the
 * CPU goes offline and the port is closed; when the CPU comes back its new
 * timer port gets the same number, bound at the default priority and then
 * moved to 0. Its first event must start the queue again (head, ready bit,
 * upcall), not be linked behind itself, which tells the guest nothing and
 * leaves the port LINKED: every later timer event of that CPU was dropped.
 */
static void test_reused_port_is_not_linked_behind_itself(void **state)
{
	struct evtchn_fifo_control_block *cb = control(2, 0);
	evtchn_port_t p = bind_ipi(2, 0), q;
	unsigned int kicks_before;

	(void)state;
	go_fifo(2);
	assert_int_equal(set_priority(2, p, EVTCHN_FIFO_PRIORITY_MAX), 0);
	assert_int_equal(evtchn_send(&ops, doms[2], p), 0);
	assert_int_equal(guest_pop(2, 0, EVTCHN_FIFO_PRIORITY_MAX), p);
	cb->ready = 0;
	si[2].vcpu_info[0].evtchn_upcall_pending = 0;
	assert_int_equal(evtchn_close(&ops, doms[2], p), 0);
	q = bind_ipi(2, 0);
	assert_int_equal(q, p);
	assert_int_equal(set_priority(2, q, EVTCHN_FIFO_PRIORITY_MAX), 0);
	kicks_before = kicks[2][0];
	assert_int_equal(evtchn_send(&ops, doms[2], q), 0);
	assert_int_equal(*word(2, q) & EVTCHN_FIFO_LINK_MASK, 0);
	assert_int_equal(cb->head[EVTCHN_FIFO_PRIORITY_MAX], q);
	assert_true(cb->ready & 1u << EVTCHN_FIFO_PRIORITY_MAX);
	assert_int_equal(kicks[2][0], kicks_before + 1);
	assert_int_equal(guest_pop(2, 0, EVTCHN_FIFO_PRIORITY_MAX), q);
}

static void test_pending_before_switch_and_beyond_the_array(void **state)
{
	struct evtchn_fifo_control_block *cb = control(0, 0);
	evtchn_port_t early = bind_ipi(0, 0), p;

	(void)state;
	/* Pending under 2-level, then the switch: it stays pending and is
	 * queued once its array page exists. */
	assert_int_equal(evtchn_send(&ops, doms[0], early), 0);
	si[0].vcpu_info[0].evtchn_upcall_pending = 0;
	assert_int_equal(init_control(0, CONTROL_GFN, 0, 0), 0);
	assert_int_equal(evtchn_is_pending(&ops, doms[0], early), 1);
	assert_int_equal(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], 0);
	assert_int_equal(expand(0, ARRAY_GFN), 0);
	assert_int_equal(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], early);
	assert_int_equal(*word(0, early), W_PENDING | W_LINKED);
	assert_int_equal(kicks[0][0], 2);
	assert_int_equal(guest_pop(0, 0, EVTCHN_FIFO_PRIORITY_DEFAULT), early);
	si[0].vcpu_info[0].evtchn_upcall_pending = 0;

	/* Under FIFO, ports go past the 2-level ABI's 4095. */
	for (p = early + 1; p < 4200; p++)
		assert_int_equal(bind_ipi(0, 0), p);
	p = 4100;
	assert_int_equal(evtchn_send(&ops, doms[0], p), 0);
	assert_int_equal(evtchn_is_pending(&ops, doms[0], p), 1);
	assert_int_equal(cb->ready, 0);
	for (uint64_t gfn = ARRAY_GFN + 1; gfn <= ARRAY_GFN + 4; gfn++)
		assert_int_equal(expand(0, gfn), 0);
	assert_int_equal(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p);
	assert_int_equal(*word(0, p), W_PENDING | W_LINKED);
	assert_int_equal(kicks[0][0], 3);
}

static void test_array_full(void **state)
{
	(void)state;
	assert_int_equal(init_control(0, CONTROL_GFN, 0, 0), 0);
	for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_ARRAY_PAGES; i++)
		assert_int_equal(expand(0, ARRAY_GFN + i), 0);
	snapshot();
	assert_int_equal(expand(0, ARRAY_GFN + EVTCHN_FIFO_MAX_ARRAY_PAGES), -ENOSPC);
	assert_unchanged();
}

static int setup_1023(void **state)
{
	(void)state;
	return fake_setup_ports(EVTCHN_DEFAULT_MAX_PORT);
}

/* The configured limit holds under FIFO as under 2-level. */
static void test_limit_under_fifo(void **state)
{
	struct evtchn_bind_ipi bi = { .vcpu = 0 };

	(void)state;
	go_fifo(1);
	for (evtchn_port_t p = 1; p <= EVTCHN_DEFAULT_MAX_PORT; p++)
		assert_int_equal(bind_ipi(1, 0), p);
	snapshot();
	assert_int_equal(evtchn_bind_ipi(&ops, doms[1], &bi), -ENOSPC);
	assert_unchanged();
}

static void test_reset_goes_back_to_2level(void **state)
{
	evtchn_port_t p = bind_ipi(1, 0);

	(void)state;
	go_fifo(1);
	assert_int_equal(evtchn_reset(&ops, doms[1], DOMID_SELF), 0);
	assert_null(doms[1]->fifo);
	assert_int_equal(set_priority(1, p, 3), -ENOSYS);
	p = bind_ipi(1, 0);
	assert_int_equal(evtchn_send(&ops, doms[1], p), 0);
	assert_true(si[1].evtchn_pending[0] & (1ull << p));
	/* And to FIFO again. */
	assert_int_equal(init_control(1, CONTROL_GFN, 0, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_control_checks, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_raise_links_in_order, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_masked_and_unmask, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_priorities_and_vcpus, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_moved_port_leaves_its_old_queue, fake_setup,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_reused_port_leaves_its_old_queue, fake_setup,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_reused_port_is_not_linked_behind_itself,
						fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_pending_before_switch_and_beyond_the_array,
						fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_array_full, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_limit_under_fifo, setup_1023, fake_teardown),
		cmocka_unit_test_setup_teardown(test_reset_goes_back_to_2level, fake_setup,
						fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
