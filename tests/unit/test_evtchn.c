/*
 * Event-channel state logic over plain memory: three fake domains (dom0
 * privileged with one vCPU, dom1 with one, dom2 with two), each with its own
 * shared_info. Covers the life cycle of every binding, interdomain
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

#include <public/xen.h>
#include <tern/errno.h>
#include <tern/evtchn.h>

#define NDOMS 3

static struct evtchn_domain *doms[NDOMS];
static struct shared_info si[NDOMS];
static bool si_mapped[NDOMS];
static bool privileged[NDOMS];
static unsigned int kicks[NDOMS][EVTCHN_MAX_VCPUS];
static unsigned int poller_wakes[NDOMS][EVTCHN_MAX_VCPUS];

static unsigned int idx(const struct evtchn_domain *ed)
{
	return (unsigned int)(uintptr_t)ed->ctx;
}

static struct evtchn_domain *fake_find(domid_t id)
{
	for (unsigned int i = 0; i < NDOMS; i++)
		if (doms[i] && doms[i]->id == id)
			return doms[i];
	return NULL;
}

static bool fake_privileged(const struct evtchn_domain *ed)
{
	return privileged[idx(ed)];
}

static struct shared_info *fake_shared_info(const struct evtchn_domain *ed)
{
	return si_mapped[idx(ed)] ? &si[idx(ed)] : NULL;
}

static struct vcpu_info *fake_vcpu_info(const struct evtchn_domain *ed, unsigned int vcpu)
{
	assert_true(vcpu < ed->nr_vcpus);
	return si_mapped[idx(ed)] ? &si[idx(ed)].vcpu_info[vcpu] : NULL;
}

static void fake_kick(const struct evtchn_domain *ed, unsigned int vcpu)
{
	assert_true(vcpu < ed->nr_vcpus);
	kicks[idx(ed)][vcpu]++;
}

static void fake_wake_poller(const struct evtchn_domain *ed, unsigned int vcpu)
{
	assert_true(vcpu < ed->nr_vcpus);
	poller_wakes[idx(ed)][vcpu]++;
}

static const struct evtchn_ops ops = {
	.find_domain = fake_find,
	.is_privileged = fake_privileged,
	.shared_info = fake_shared_info,
	.vcpu_info = fake_vcpu_info,
	.kick = fake_kick,
	.wake_poller = fake_wake_poller,
};

static int setup(void **state)
{
	static const unsigned int nr_vcpus[NDOMS] = { 1, 1, 2 };

	(void)state;
	memset(si, 0, sizeof(si));
	memset(kicks, 0, sizeof(kicks));
	memset(poller_wakes, 0, sizeof(poller_wakes));
	for (unsigned int i = 0; i < NDOMS; i++) {
		doms[i] = malloc(sizeof(*doms[i]));
		evtchn_setup(doms[i], (void *)(uintptr_t)i, (domid_t)i, nr_vcpus[i]);
		si_mapped[i] = true;
		privileged[i] = i == 0;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < NDOMS; i++) {
		free(doms[i]);
		doms[i] = NULL;
	}
	return 0;
}

/* A copy of all state, to show a failed call changed nothing. */
static struct {
	struct evtchn_domain d[NDOMS];
	struct shared_info si[NDOMS];
	unsigned int kicks[NDOMS][EVTCHN_MAX_VCPUS];
} snap;

static void snapshot(void)
{
	for (unsigned int i = 0; i < NDOMS; i++)
		memcpy(&snap.d[i], doms[i], sizeof(snap.d[i]));
	memcpy(snap.si, si, sizeof(si));
	memcpy(snap.kicks, kicks, sizeof(kicks));
}

static void assert_unchanged(void)
{
	for (unsigned int i = 0; i < NDOMS; i++)
		assert_memory_equal(&snap.d[i], doms[i], sizeof(snap.d[i]));
	assert_memory_equal(snap.si, si, sizeof(si));
	assert_memory_equal(snap.kicks, kicks, sizeof(kicks));
}

static bool pending(unsigned int d, evtchn_port_t p)
{
	return si[d].evtchn_pending[p / 64] >> (p % 64) & 1;
}

static evtchn_port_t alloc_unbound(unsigned int d, domid_t dom, domid_t remote)
{
	struct evtchn_alloc_unbound op = { .dom = dom, .remote_dom = remote };

	assert_int_equal(evtchn_alloc_unbound(&ops, doms[d], &op), 0);
	return op.port;
}

static evtchn_port_t bind_ipi(unsigned int d, unsigned int vcpu)
{
	struct evtchn_bind_ipi op = { .vcpu = vcpu };

	assert_int_equal(evtchn_bind_ipi(&ops, doms[d], &op), 0);
	return op.port;
}

static struct evtchn_status status(unsigned int d, domid_t dom, evtchn_port_t port)
{
	struct evtchn_status op = { .dom = dom, .port = port };

	assert_int_equal(evtchn_status(&ops, doms[d], &op), 0);
	return op;
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
	bi.remote_port = EVTCHN_NR_PORTS;
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
	bc = (struct evtchn_bind_vcpu){ .port = EVTCHN_NR_PORTS, .vcpu = 0 };
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
	struct evtchn_status st = { .dom = DOMID_SELF, .port = EVTCHN_NR_PORTS };
	static const evtchn_port_t bad[] = { 0, 5, EVTCHN_NR_PORTS, 0xffffffffu };

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
	for (evtchn_port_t p = 1; p < EVTCHN_NR_PORTS; p++)
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_close_lowest_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_for_other_domain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interdomain_life_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interdomain_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_kicks_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked_and_unmask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_virq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_global_virq_and_bind_vcpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_all_and_missing_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_shared_info_yet, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
