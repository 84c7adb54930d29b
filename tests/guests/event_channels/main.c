/*
 * event_channels: 2-level event channels within one domain. Proves:
 * shared_info and vcpu_info can be placed, the per-vCPU upcall vector is
 * accepted, a loopback interdomain pair (alloc_unbound + bind_interdomain to
 * DOMID_SELF) carries an event to the other end (pending bit, selector,
 * upcall_pending, then an upcall once interrupts are on), a masked port
 * stays silent until EVTCHNOP_unmask re-delivers, close leaves the peer
 * unbound and the port closed, and an IPI port signals the same vCPU.
 * Cannot tell: delivery to other vCPUs or other domains, or latency.
 */
#include "lib.h"

#include <public/event_channel.h>

const char test_title[] = "event channels: loopback, mask/unmask, close, IPI";

static long status_of(evtchn_port_t port, struct evtchn_status *st)
{
	*st = (struct evtchn_status){ .dom = DOMID_SELF, .port = port };
	return event_channel_op(EVTCHNOP_status, st);
}

/* Sends on from with interrupts off, checks the pending state of to, then
 * lets the upcall in and checks it counted one event on to. */
static void send_and_deliver(evtchn_port_t from, evtchn_port_t to, const char *what)
{
	struct evtchn_send send = { .port = from };
	unsigned int before = port_events[to], upcalls = upcall_count;
	long rc = event_channel_op(EVTCHNOP_send, &send);

	if (rc)
		return test_failure("%s: send on %u: %ld", what, from, rc);
	if (!port_pending(to) || !(vcpu_info->evtchn_pending_sel >> (to / 64) & 1) ||
	    !vcpu_info->evtchn_upcall_pending)
		return test_failure("%s: after send, port %u pending %d sel %#lx upcall_pending %u",
				    what, to, port_pending(to), vcpu_info->evtchn_pending_sel,
				    vcpu_info->evtchn_upcall_pending);
	if (!wait_upcall(upcalls, WAIT_LONG))
		return test_failure("%s: no upcall for port %u", what, to);
	if (port_events[to] != before + 1)
		test_failure("%s: upcall saw %u events on port %u", what, port_events[to] - before, to);
}

void test_main(void)
{
	long rc;

	if ((rc = events_map_shared_info()))
		return test_failure("XENMEM_add_to_physmap(shared_info): %ld", rc);
	if ((rc = events_register_vcpu_info()))
		return test_failure("VCPUOP_register_vcpu_info: %ld", rc);
	if ((rc = events_set_upcall_vector()))
		return test_failure("HVMOP_set_evtchn_upcall_vector: %ld", rc);

	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	if ((rc = event_channel_op(EVTCHNOP_alloc_unbound, &au)))
		return test_failure("alloc_unbound: %ld", rc);
	struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF, .remote_port = au.port };
	if ((rc = event_channel_op(EVTCHNOP_bind_interdomain, &bi)))
		return test_failure("bind_interdomain to port %u: %ld", au.port, rc);
	evtchn_port_t a = au.port, b = bi.local_port;

	printf("loopback pair: %u <-> %u\n", a, b);
	/* Xen leaves the new local port pending once; let that event go by. */
	wait_upcall(upcall_count, WAIT_SHORT);
	port_clear(b);

	send_and_deliver(a, b, "a->b");
	send_and_deliver(b, a, "b->a");

	/* Masked: the bit goes pending, but no selector, no upcall. */
	port_mask(b);
	unsigned int upcalls = upcall_count;
	struct evtchn_send send = { .port = a };

	vcpu_info->evtchn_upcall_pending = 0;
	if ((rc = event_channel_op(EVTCHNOP_send, &send)))
		test_failure("send to a masked port: %ld", rc);
	if (!port_pending(b))
		test_failure("masked port %u not marked pending", b);
	if (wait_upcall(upcalls, WAIT_SHORT) || vcpu_info->evtchn_upcall_pending)
		test_failure("masked port %u raised an upcall", b);
	struct evtchn_unmask um = { .port = b };

	if ((rc = event_channel_op(EVTCHNOP_unmask, &um)))
		test_failure("unmask %u: %ld", b, rc);
	if (port_masked(b))
		test_failure("unmask left port %u masked", b);
	if (!wait_upcall(upcalls, WAIT_LONG))
		test_failure("unmask of pending port %u did not deliver", b);

	struct evtchn_close cl = { .port = b };
	struct evtchn_status st;

	if ((rc = event_channel_op(EVTCHNOP_close, &cl)))
		test_failure("close %u: %ld", b, rc);
	if ((rc = status_of(b, &st)) || st.status != EVTCHNSTAT_closed)
		test_failure("status of closed port %u: rc %ld status %u", b, rc, st.status);
	if ((rc = status_of(a, &st)) || st.status != EVTCHNSTAT_unbound)
		test_failure("status of port %u whose peer closed: rc %ld status %u", a, rc, st.status);
	send.port = b;
	if ((rc = event_channel_op(EVTCHNOP_send, &send)) != -EINVAL)
		test_failure("send on closed port %u: %ld, expected -EINVAL", b, rc);
	cl.port = a;
	if ((rc = event_channel_op(EVTCHNOP_close, &cl)))
		test_failure("close %u: %ld", a, rc);

	struct evtchn_bind_ipi ipi = { .vcpu = 0 };

	if ((rc = event_channel_op(EVTCHNOP_bind_ipi, &ipi)))
		return test_failure("bind_ipi: %ld", rc);
	if ((rc = status_of(ipi.port, &st)) || st.status != EVTCHNSTAT_ipi || st.vcpu != 0)
		test_failure("status of IPI port %u: rc %ld status %u vcpu %u", ipi.port, rc,
			     st.status, st.vcpu);
	send_and_deliver(ipi.port, ipi.port, "ipi");
	printf("%u upcalls taken\n", upcall_count);
}
