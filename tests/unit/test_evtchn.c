/*
 * Event-channel state logic over plain memory (evtchn_fake.h), under the
 * 2-level ABI. Covers the life cycle of every binding, interdomain
 * connections, how a send shows up (pending, selector, upcall, exactly one
 * kick until the guest clears it), masking, and that every bad argument
 * returns its error with all state left byte-for-byte as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <tern/compat.h>
#include <tern/errno.h>

#include "evtchn_fake.h"

static bool pending(unsigned int d, evtchn_port_t p)
{
	return si[d].evtchn_pending[p / 64] >> (p % 64) & 1;
}

/* The guest's side of taking an upcall: clear upcall, selector, pending bit. */
static void guest_ack(unsigned int d, unsigned int vcpu, evtchn_port_t p)
{
	si[d].vcpu_info[vcpu].evtchn_upcall_pending = 0;
	si[d].vcpu_info[vcpu].evtchn_pending_sel = 0;
	si[d].evtchn_pending[p / 64] &= ~(1ull << (p % 64));
}

static void test_alloc_close_lowest_free(void **state)
{
	struct evtchn_status st;

	(void)state;
	assert_int_equal(alloc_unbound(1, DOMID_SELF, 0), 1);
	assert_int_equal(alloc_unbound(1, 1, DOMID_SELF), 2);
	assert_int_equal(alloc_unbound(1, DOMID_SELF, 2), 3);
	st = status(1, DOMID_SELF, 2);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 1); /* DOMID_SELF: the caller */
	assert_int_equal(st.vcpu, 0);
	assert_int_equal(evtchn_close(&ops, doms[1], 2), 0);
	assert_int_equal(status(1, DOMID_SELF, 2).status, EVTCHNSTAT_closed);
	assert_int_equal(alloc_unbound(1, DOMID_SELF, 0), 2);
	assert_int_equal(alloc_unbound(1, DOMID_SELF, 0), 4);
	/* Port 0 is never used; status calls it closed. */
	assert_int_equal(status(1, DOMID_SELF, 0).status, EVTCHNSTAT_closed);
}

static void test_alloc_for_other_domain(void **state)
{
	struct evtchn_alloc_unbound op = { .dom = 2, .remote_dom = 0 };
	struct evtchn_status st;

	(void)state;
	snapshot();
	assert_int_equal(evtchn_alloc_unbound(&ops, doms[1], &op), -EPERM);
	op.dom = 9;
	assert_int_equal(evtchn_alloc_unbound(&ops, doms[0], &op), -ESRCH);
	assert_int_equal(evtchn_alloc_unbound(&ops, doms[1], &op), -EPERM);
	assert_unchanged();

	/* dom0 allocates dom2's end for dom1, as a toolstack does. */
	assert_int_equal(alloc_unbound(0, 2, 1), 1);
	st = status(2, DOMID_SELF, 1);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 1);
	assert_int_equal(status(0, DOMID_SELF, 1).status, EVTCHNSTAT_closed);
}

static void test_interdomain_life_cycle(void **state)
{
	struct evtchn_bind_interdomain bi;
	struct evtchn_status st;
	evtchn_port_t rport, lport;

	(void)state;
	rport = alloc_unbound(1, DOMID_SELF, 0);
	bi = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = rport };
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[0], &bi), 0);
	lport = bi.local_port;
	assert_int_equal(lport, 1);
	/* The new local end is left pending once. */
	assert_true(pending(0, lport));
	assert_int_equal(kicks[0][0], 1);
	guest_ack(0, 0, lport);

	st = status(0, DOMID_SELF, lport);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, 1);
	assert_int_equal(st.u.interdomain.port, rport);
	st = status(0, 1, rport); /* privileged: another domain's port */
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, 0);
	assert_int_equal(st.u.interdomain.port, lport);

	/* Each end's send reaches the other. */
	assert_int_equal(evtchn_send(&ops, doms[0], lport), 0);
	assert_true(pending(1, rport));
	assert_int_equal(kicks[1][0], 1);
	assert_false(pending(0, lport));
	assert_int_equal(evtchn_send(&ops, doms[1], rport), 0);
	assert_true(pending(0, lport));
	assert_int_equal(kicks[0][0], 2);

	/* Closing one end puts the other back to waiting for the closer. */
	assert_int_equal(evtchn_close(&ops, doms[0], lport), 0);
	assert_false(pending(0, lport));
	st = status(1, DOMID_SELF, rport);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 0);
	assert_int_equal(evtchn_send(&ops, doms[1], rport), 0); /* unbound: dropped */
	assert_int_equal(kicks[0][0], 2);
	/* ... and can be connected again. */
	bi = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = rport };
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[0], &bi), 0);
	assert_int_equal(status(1, DOMID_SELF, rport).status, EVTCHNSTAT_interdomain);
}

static void test_interdomain_bad_arguments(void **state)
{
	struct evtchn_bind_interdomain bi;
	evtchn_port_t for0 = alloc_unbound(1, DOMID_SELF, 0);
	evtchn_port_t ipi = bind_ipi(1, 0);

	(void)state;
	snapshot();
	/* Reserved for dom0, not dom2. */
	bi = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = for0 };
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[2], &bi), -EINVAL);
	/* Not unbound. */
	bi.remote_port = ipi;
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[0], &bi), -EINVAL);
	/* Closed, zero, out of range. */
	bi.remote_port = 40;
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[0], &bi), -EINVAL);
	bi.remote_port = 0;
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[0], &bi), -EINVAL);
	bi.remote_port = EVTCHN_2L_NR_PORTS;
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[0], &bi), -EINVAL);
	/* No such domain. */
	bi = (struct evtchn_bind_interdomain){ .remote_dom = 7, .remote_port = for0 };
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[0], &bi), -ESRCH);
	assert_unchanged();
}

static void test_loopback(void **state)
{
	evtchn_port_t a = alloc_unbound(1, DOMID_SELF, DOMID_SELF);
	struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF, .remote_port = a };

	(void)state;
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[1], &bi), 0);
	assert_int_not_equal(bi.local_port, a);
	guest_ack(1, 0, bi.local_port);
	assert_int_equal(evtchn_send(&ops, doms[1], bi.local_port), 0);
	assert_true(pending(1, a));
	assert_int_equal(evtchn_close(&ops, doms[1], a), 0);
	assert_int_equal(status(1, DOMID_SELF, bi.local_port).status, EVTCHNSTAT_unbound);
}

static void test_send_kicks_once(void **state)
{
	evtchn_port_t p;

	(void)state;
	/* Use a port in word 1 of the bitmaps. */
	for (unsigned int i = 1; i < 70; i++)
		p = bind_ipi(1, 0);
	assert_int_equal(p, 69);
	assert_int_equal(evtchn_send(&ops, doms[1], p), 0);
	assert_true(pending(1, p));
	assert_int_equal(si[1].vcpu_info[0].evtchn_pending_sel, 1ull << 1);
	assert_int_equal(si[1].vcpu_info[0].evtchn_upcall_pending, 1);
	assert_int_equal(kicks[1][0], 1);
	/* Still pending: nothing more. */
	assert_int_equal(evtchn_send(&ops, doms[1], p), 0);
	assert_int_equal(kicks[1][0], 1);
	/* Another port while upcall_pending is still 1: selector, no new kick. */
	assert_int_equal(evtchn_send(&ops, doms[1], 3), 0);
	assert_int_equal(si[1].vcpu_info[0].evtchn_pending_sel, 3);
	assert_int_equal(kicks[1][0], 1);
	/* After the guest has handled it, the next send kicks again. */
	guest_ack(1, 0, p);
	si[1].evtchn_pending[0] = 0;
	assert_int_equal(evtchn_send(&ops, doms[1], p), 0);
	assert_int_equal(kicks[1][0], 2);
}

static void test_masked_and_unmask(void **state)
{
	evtchn_port_t p = bind_ipi(1, 0);
	evtchn_port_t q = bind_ipi(1, 0);

	(void)state;
	si[1].evtchn_mask[0] = 1ull << p;
	assert_int_equal(evtchn_send(&ops, doms[1], p), 0);
	assert_true(pending(1, p));
	assert_int_equal(si[1].vcpu_info[0].evtchn_pending_sel, 0);
	assert_int_equal(si[1].vcpu_info[0].evtchn_upcall_pending, 0);
	assert_int_equal(kicks[1][0], 0);
	/* A vCPU in SCHEDOP_poll waits on masked ports: it is woken all the same. */
	assert_int_equal(poller_wakes[1][0], 1);
	/* Already pending: nothing new to tell anyone. */
	assert_int_equal(evtchn_send(&ops, doms[1], p), 0);
	assert_int_equal(poller_wakes[1][0], 1);

	assert_int_equal(evtchn_unmask(&ops, doms[1], p), 0);
	assert_int_equal(si[1].evtchn_mask[0], 0);
	assert_int_equal(si[1].vcpu_info[0].evtchn_pending_sel, 1);
	assert_int_equal(si[1].vcpu_info[0].evtchn_upcall_pending, 1);
	assert_int_equal(kicks[1][0], 1);

	/* Linux clears the mask itself, then asks: still re-delivered. */
	guest_ack(1, 0, q);
	si[1].vcpu_info[0].evtchn_upcall_pending = 0;
	assert_int_equal(evtchn_unmask(&ops, doms[1], p), 0);
	assert_int_equal(kicks[1][0], 2);

	/* Unmasking a port that is not pending tells nobody. */
	si[1].vcpu_info[0].evtchn_upcall_pending = 0;
	si[1].evtchn_mask[0] = 1ull << q;
	assert_int_equal(evtchn_unmask(&ops, doms[1], q), 0);
	assert_int_equal(si[1].evtchn_mask[0], 0);
	assert_int_equal(kicks[1][0], 2);
}

static void test_virq(void **state)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct evtchn_status st;
	evtchn_port_t timer;

	(void)state;
	assert_int_equal(evtchn_bind_virq(&ops, doms[2], &bv), 0);
	timer = bv.port;
	st = status(2, DOMID_SELF, timer);
	assert_int_equal(st.status, EVTCHNSTAT_virq);
	assert_int_equal(st.u.virq, VIRQ_TIMER);

	/* Per-vCPU: vCPU 1 binds its own. */
	bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 1 };
	assert_int_equal(evtchn_bind_virq(&ops, doms[2], &bv), 0);
	assert_int_equal(status(2, DOMID_SELF, bv.port).vcpu, 1);
	assert_int_equal(evtchn_raise_virq(&ops, doms[2], VIRQ_TIMER, 1), 0);
	assert_true(pending(2, bv.port));
	assert_int_equal(kicks[2][1], 1);
	assert_int_equal(kicks[2][0], 0);
	assert_int_equal(si[2].vcpu_info[1].evtchn_upcall_pending, 1);

	snapshot();
	bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 0 };
	assert_int_equal(evtchn_bind_virq(&ops, doms[2], &bv), -EEXIST);
	bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 2 };
	assert_int_equal(evtchn_bind_virq(&ops, doms[2], &bv), -ENOENT);
	bv = (struct evtchn_bind_virq){ .virq = VIRQ_DOM_EXC, .vcpu = 1 }; /* global */
	assert_int_equal(evtchn_bind_virq(&ops, doms[2], &bv), -EINVAL);
	bv = (struct evtchn_bind_virq){ .virq = NR_VIRQS, .vcpu = 0 };
	assert_int_equal(evtchn_bind_virq(&ops, doms[2], &bv), -EINVAL);
	bv = (struct evtchn_bind_virq){ .virq = 0xffffffffu, .vcpu = 0 };
	assert_int_equal(evtchn_bind_virq(&ops, doms[2], &bv), -EINVAL);
	assert_int_equal(evtchn_raise_virq(&ops, doms[2], VIRQ_DOM_EXC, 0), -ENOENT);
	assert_int_equal(evtchn_raise_virq(&ops, doms[2], NR_VIRQS, 0), -EINVAL);
	assert_int_equal(evtchn_raise_virq(&ops, doms[2], VIRQ_TIMER, 2), -EINVAL);
	assert_unchanged();

	/* Closing frees the VIRQ for a new bind. */
	assert_int_equal(evtchn_close(&ops, doms[2], timer), 0);
	assert_int_equal(evtchn_raise_virq(&ops, doms[2], VIRQ_TIMER, 0), -ENOENT);
	bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 0 };
	assert_int_equal(evtchn_bind_virq(&ops, doms[2], &bv), 0);
	assert_int_equal(bv.port, timer);
}

static void test_global_virq_and_bind_vcpu(void **state)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
	struct evtchn_bind_vcpu bc;
	evtchn_port_t unbound = alloc_unbound(2, DOMID_SELF, 0);
	evtchn_port_t ipi = bind_ipi(2, 1);
	evtchn_port_t timer;

	(void)state;
	assert_int_equal(evtchn_bind_virq(&ops, doms[2], &bv), 0);
	bc = (struct evtchn_bind_vcpu){ .port = bv.port, .vcpu = 1 };
	assert_int_equal(evtchn_bind_vcpu(&ops, doms[2], &bc), 0);
	/* The global VIRQ now reaches vCPU 1, whatever vcpu the raiser names. */
	assert_int_equal(evtchn_raise_virq(&ops, doms[2], VIRQ_DOM_EXC, 0), 0);
	assert_int_equal(kicks[2][1], 1);
	assert_int_equal(si[2].vcpu_info[1].evtchn_pending_sel, 1);
	assert_int_equal(si[2].vcpu_info[0].evtchn_pending_sel, 0);

	bc = (struct evtchn_bind_vcpu){ .port = unbound, .vcpu = 1 };
	assert_int_equal(evtchn_bind_vcpu(&ops, doms[2], &bc), 0);
	assert_int_equal(status(2, DOMID_SELF, unbound).vcpu, 1);

	bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 0 };
	assert_int_equal(evtchn_bind_virq(&ops, doms[2], &bv), 0);
	timer = bv.port;
	snapshot();
	bc = (struct evtchn_bind_vcpu){ .port = timer, .vcpu = 1 }; /* per-vCPU VIRQ */
	assert_int_equal(evtchn_bind_vcpu(&ops, doms[2], &bc), -EINVAL);
	bc = (struct evtchn_bind_vcpu){ .port = ipi, .vcpu = 0 };
	assert_int_equal(evtchn_bind_vcpu(&ops, doms[2], &bc), -EINVAL);
	bc = (struct evtchn_bind_vcpu){ .port = unbound, .vcpu = 2 };
	assert_int_equal(evtchn_bind_vcpu(&ops, doms[2], &bc), -ENOENT);
	bc = (struct evtchn_bind_vcpu){ .port = 0, .vcpu = 0 };
	assert_int_equal(evtchn_bind_vcpu(&ops, doms[2], &bc), -EINVAL);
	bc = (struct evtchn_bind_vcpu){ .port = 100, .vcpu = 0 };
	assert_int_equal(evtchn_bind_vcpu(&ops, doms[2], &bc), -EINVAL);
	bc = (struct evtchn_bind_vcpu){ .port = EVTCHN_2L_NR_PORTS, .vcpu = 0 };
	assert_int_equal(evtchn_bind_vcpu(&ops, doms[2], &bc), -EINVAL);
	assert_unchanged();
}

static void test_ipi(void **state)
{
	struct evtchn_bind_ipi bi = { .vcpu = 1 };
	evtchn_port_t p;

	(void)state;
	assert_int_equal(evtchn_bind_ipi(&ops, doms[2], &bi), 0);
	p = bi.port;
	assert_int_equal(status(2, DOMID_SELF, p).status, EVTCHNSTAT_ipi);
	assert_int_equal(evtchn_send(&ops, doms[2], p), 0);
	assert_int_equal(kicks[2][1], 1);
	snapshot();
	bi.vcpu = 2;
	assert_int_equal(evtchn_bind_ipi(&ops, doms[2], &bi), -ENOENT);
	bi.vcpu = 1;
	assert_int_equal(evtchn_bind_ipi(&ops, doms[1], &bi), -ENOENT);
	assert_unchanged();
	assert_int_equal(evtchn_close(&ops, doms[2], p), 0);
	assert_false(pending(2, p));
}

static void test_bad_ports(void **state)
{
	evtchn_port_t virq;
	struct evtchn_bind_virq bv = { .virq = VIRQ_DEBUG, .vcpu = 0 };
	struct evtchn_status st = { .dom = DOMID_SELF, .port = EVTCHN_2L_NR_PORTS };
	static const evtchn_port_t bad[] = { 0, 5, EVTCHN_2L_NR_PORTS, 0xffffffffu };

	(void)state;
	alloc_unbound(1, DOMID_SELF, 0);
	assert_int_equal(evtchn_bind_virq(&ops, doms[1], &bv), 0);
	virq = bv.port;
	snapshot();
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(evtchn_send(&ops, doms[1], bad[i]), -EINVAL);
		assert_int_equal(evtchn_close(&ops, doms[1], bad[i]), -EINVAL);
		assert_int_equal(evtchn_raise(&ops, doms[1], bad[i]), -EINVAL);
		/* Xen unmasks any valid port, bound or not: 0 and 5 included. */
		if (bad[i] != 5 && bad[i] != 0)
			assert_int_equal(evtchn_unmask(&ops, doms[1], bad[i]), -EINVAL);
	}
	/* A VIRQ port is not for sending. */
	assert_int_equal(evtchn_send(&ops, doms[1], virq), -EINVAL);
	assert_int_equal(evtchn_status(&ops, doms[1], &st), -EINVAL);
	st = (struct evtchn_status){ .dom = 2, .port = 1 };
	assert_int_equal(evtchn_status(&ops, doms[1], &st), -EPERM);
	st = (struct evtchn_status){ .dom = 9, .port = 1 };
	assert_int_equal(evtchn_status(&ops, doms[0], &st), -ESRCH);
	/* Unmasking port 0, never bound or pending, changes nothing else. */
	assert_int_equal(evtchn_unmask(&ops, doms[1], 0), 0);
	assert_unchanged();
	/* A closed port: already closed twice over. */
	assert_int_equal(evtchn_close(&ops, doms[1], virq), 0);
	assert_int_equal(evtchn_close(&ops, doms[1], virq), -EINVAL);
}

static void test_port_exhaustion(void **state)
{
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 0 };
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct evtchn_bind_ipi bi = { .vcpu = 0 };
	struct evtchn_bind_interdomain bd;
	evtchn_port_t for1 = alloc_unbound(0, DOMID_SELF, 1);

	(void)state;
	for (evtchn_port_t p = 1; p < EVTCHN_2L_NR_PORTS; p++)
		assert_int_equal(alloc_unbound(1, DOMID_SELF, 0), p);
	snapshot();
	assert_int_equal(evtchn_alloc_unbound(&ops, doms[1], &au), -ENOSPC);
	assert_int_equal(evtchn_bind_virq(&ops, doms[1], &bv), -ENOSPC);
	assert_int_equal(evtchn_bind_ipi(&ops, doms[1], &bi), -ENOSPC);
	bd = (struct evtchn_bind_interdomain){ .remote_dom = 0, .remote_port = for1 };
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[1], &bd), -ENOSPC);
	assert_unchanged();
	assert_int_equal(evtchn_close(&ops, doms[1], 4000), 0);
	assert_int_equal(alloc_unbound(1, DOMID_SELF, 0), 4000);
}

/* Xen's toolstack default: a domU may use ports 1..1023, whatever the ABI. */
static int setup_1023(void **state)
{
	(void)state;
	return fake_setup_ports(EVTCHN_DEFAULT_MAX_PORT);
}

static void test_port_limit(void **state)
{
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 0 };
	struct evtchn_status st = { .dom = DOMID_SELF, .port = 1024 };

	(void)state;
	for (evtchn_port_t p = 1; p <= 1023; p++)
		assert_int_equal(alloc_unbound(1, DOMID_SELF, 0), p);
	snapshot();
	assert_int_equal(evtchn_alloc_unbound(&ops, doms[1], &au), -ENOSPC);
	assert_int_equal(evtchn_status(&ops, doms[1], &st), -EINVAL);
	assert_int_equal(evtchn_send(&ops, doms[1], 1024), -EINVAL);
	assert_unchanged();
}

static void test_reset(void **state)
{
	evtchn_port_t r = alloc_unbound(1, DOMID_SELF, 0);
	struct evtchn_bind_interdomain bd = { .remote_dom = 1, .remote_port = r };
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };

	(void)state;
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[0], &bd), 0);
	assert_int_equal(evtchn_bind_virq(&ops, doms[1], &bv), 0);
	bind_ipi(1, 0);
	snapshot();
	assert_int_equal(evtchn_reset(&ops, doms[1], 2), -EPERM);
	assert_int_equal(evtchn_reset(&ops, doms[0], 9), -ESRCH);
	assert_unchanged();

	assert_int_equal(evtchn_reset(&ops, doms[0], 1), 0);
	for (evtchn_port_t p = 0; p < 4; p++)
		assert_int_equal(status(1, DOMID_SELF, p).status, EVTCHNSTAT_closed);
	assert_int_equal(status(0, DOMID_SELF, bd.local_port).status, EVTCHNSTAT_unbound);
	/* The VIRQ may be bound again. */
	assert_int_equal(evtchn_bind_virq(&ops, doms[1], &bv), 0);
	assert_int_equal(evtchn_reset(&ops, doms[1], DOMID_SELF), 0);
	assert_int_equal(status(1, DOMID_SELF, bv.port).status, EVTCHNSTAT_closed);
}

static void test_close_all_and_missing_peer(void **state)
{
	evtchn_port_t r = alloc_unbound(1, DOMID_SELF, 2);
	struct evtchn_bind_interdomain bd = { .remote_dom = 1, .remote_port = r };

	(void)state;
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[2], &bd), 0);
	/* dom1 goes away: dom2's end waits for it again. */
	evtchn_close_all(&ops, doms[1]);
	assert_int_equal(status(2, DOMID_SELF, bd.local_port).status, EVTCHNSTAT_unbound);
	assert_int_equal(status(1, DOMID_SELF, r).status, EVTCHNSTAT_closed);

	/* A peer that is no longer found drops the event quietly. */
	r = alloc_unbound(1, DOMID_SELF, 2);
	bd = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = r };
	assert_int_equal(evtchn_bind_interdomain(&ops, doms[2], &bd), 0);
	for (unsigned int b = 0; b < EVTCHN_NR_BUCKETS; b++)
		free(doms[1]->bucket[b]);
	free(doms[1]);
	doms[1] = NULL;
	assert_int_equal(evtchn_send(&ops, doms[2], bd.local_port), 0);
	assert_int_equal(evtchn_close(&ops, doms[2], bd.local_port), 0);
}

static void test_no_shared_info_yet(void **state)
{
	evtchn_port_t p = bind_ipi(1, 0);

	(void)state;
	si_mapped[1] = false;
	assert_int_equal(evtchn_send(&ops, doms[1], p), 0);
	assert_int_equal(evtchn_unmask(&ops, doms[1], p), 0);
	assert_int_equal(kicks[1][0], 0);
	assert_false(pending(1, p));
	si_mapped[1] = true;
	assert_int_equal(evtchn_raise(&ops, doms[1], p), 0);
	assert_int_equal(kicks[1][0], 1);
}

/* A 32-bit guest's 2-level layout (docs/compat-abi.md): the same bit
 * positions, the mask bitmap at 2176, a 32-bit selector at offset 4 naming
 * 32-port words, and 1024 ports. */
static void test_compat_layout(void **state)
{
	struct compat_shared_info *c = (struct compat_shared_info *)&si[1];
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 0 };
	evtchn_port_t p = 0;

	(void)state;
	doms[1]->compat_2l = true;
	for (unsigned int i = 1; i < 41; i++)
		p = bind_ipi(1, 0);
	assert_int_equal(p, 40);
	c->evtchn_mask[1] = 1u << 9; /* port 41 masked */
	assert_int_equal(evtchn_send(&ops, doms[1], p), 0);
	assert_int_equal(c->evtchn_pending[1], 1u << 8);
	assert_int_equal(c->vcpu_info[0].evtchn_pending_sel, 1u << 1);
	assert_int_equal(c->vcpu_info[0].evtchn_upcall_pending, 1);
	assert_int_equal(kicks[1][0], 1);
	/* Nothing where a 64-bit guest's selector and mask words would be. */
	assert_int_equal(si[1].vcpu_info[0].evtchn_pending_sel >> 32, 0);
	assert_int_equal(si[1].evtchn_mask[0], 0);

	p = bind_ipi(1, 0);
	assert_int_equal(p, 41);
	c->vcpu_info[0].evtchn_upcall_pending = 0;
	assert_int_equal(evtchn_send(&ops, doms[1], p), 0);
	assert_int_equal(c->evtchn_pending[1], 3u << 8);
	assert_int_equal(kicks[1][0], 1); /* masked */
	assert_int_equal(evtchn_unmask(&ops, doms[1], p), 0);
	assert_int_equal(c->evtchn_mask[1], 0);
	assert_int_equal(kicks[1][0], 2);

	/* Port 1024 is past the 32-bit bitmaps. */
	for (evtchn_port_t q = 42; q <= 1023; q++)
		assert_int_equal(alloc_unbound(1, DOMID_SELF, 0), q);
	snapshot();
	assert_int_equal(evtchn_alloc_unbound(&ops, doms[1], &au), -ENOSPC);
	assert_int_equal(evtchn_send(&ops, doms[1], 1024), -EINVAL);
	assert_unchanged();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_close_lowest_free, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_alloc_for_other_domain, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_interdomain_life_cycle, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_interdomain_bad_arguments, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_loopback, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_send_kicks_once, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_masked_and_unmask, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_virq, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_global_virq_and_bind_vcpu, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_ipi, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_bad_ports, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_port_exhaustion, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_port_limit, setup_1023, fake_teardown),
		cmocka_unit_test_setup_teardown(test_reset, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_close_all_and_missing_peer, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_no_shared_info_yet, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_compat_layout, fake_setup, fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
