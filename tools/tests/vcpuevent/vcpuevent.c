/*
 * vcpuevent: raises an event for one of dom0's own vCPUs.
 *
 *   vcpuevent VCPU [VECTOR]
 *
 * With VECTOR, first makes it VCPU's upcall vector
 * (HVMOP_set_evtchn_upcall_vector), as dom0's kernel does just before it
 * starts a CPU: it must be the vector the kernel itself uses (Linux: 0xf3).
 * Then binds an IPI event channel to dom0's vCPU VCPU (EVTCHNOP_bind_ipi),
 * unmasks it (dom0's kernel masks every port it has not bound itself), sends
 * it once and closes it. The event is nobody's in dom0's kernel, which
 * ignores it; what matters is what the hypervisor does with the
 * notification, for a vCPU dom0 has not started yet above all
 * (tests/system/test_dom0_smp.py). Prints "vcpuevent: port P sent" and
 * exits 0, or names the call that failed and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/event_channel.h>
#include <public/hvm.h>
#include <public/xen.h>

#include "ternctl.h"

#define BUF_LEN 4096u

static struct tc_handle h;
static void *buf; /* hypercall arguments: resident memory */

/* One event channel op on the port in buf; exits with a message if it fails. */
static void port_op(int cmd, const char *name, evtchn_port_t port)
{
	long rc;

	*(evtchn_port_t *)buf = port;
	rc = tc_hypercall(&h, __HYPERVISOR_event_channel_op, (uint64_t)cmd, (uint64_t)buf, 0, 0,
			  0);
	if (rc < 0) {
		fprintf(stderr, "vcpuevent: %s of port %u: %s\n", name, port, strerror((int)-rc));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct xen_hvm_evtchn_upcall_vector *upcall;
	struct evtchn_bind_ipi *bind;
	unsigned long vcpu, vector = 0;
	char *end;
	long rc;

	if (argc < 2 || argc > 3 || (vcpu = strtoul(argv[1], &end, 0), *end) ||
	    vcpu > UINT32_MAX || (argc == 3 && ((vector = strtoul(argv[2], &end, 0)), *end)) ||
	    vector > UINT8_MAX) {
		fprintf(stderr, "usage: vcpuevent VCPU [VECTOR]\n");
		return 1;
	}
	rc = tc_open(&h, NULL);
	if (rc < 0) {
		fprintf(stderr, "vcpuevent: %s: %s\n", TC_PRIVCMD_PATH, strerror((int)-rc));
		return 1;
	}
	buf = tc_buf_alloc(BUF_LEN);
	if (!buf) {
		fprintf(stderr, "vcpuevent: no memory\n");
		return 1;
	}
	if (vector) {
		upcall = buf;
		upcall->vcpu = (uint32_t)vcpu;
		upcall->vector = (uint8_t)vector;
		rc = tc_hypercall(&h, __HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
				  (uint64_t)upcall, 0, 0, 0);
		if (rc < 0) {
			fprintf(stderr, "vcpuevent: upcall vector %#lx for vCPU %lu: %s\n", vector,
				vcpu, strerror((int)-rc));
			return 1;
		}
	}
	bind = buf;
	memset(bind, 0, sizeof(*bind));
	bind->vcpu = (uint32_t)vcpu;
	rc = tc_hypercall(&h, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, (uint64_t)bind, 0,
			  0, 0);
	if (rc < 0) {
		fprintf(stderr, "vcpuevent: bind_ipi to vCPU %lu: %s\n", vcpu, strerror((int)-rc));
		return 1;
	}
	evtchn_port_t port = bind->port;

	/* unmask, send and close each take a struct of one port. */
	_Static_assert(sizeof(struct evtchn_send) == sizeof(evtchn_port_t), "send: a port");
	_Static_assert(sizeof(struct evtchn_close) == sizeof(evtchn_port_t), "close: a port");
	port_op(EVTCHNOP_unmask, "unmask", port);
	port_op(EVTCHNOP_send, "send", port);
	port_op(EVTCHNOP_close, "close", port);
	printf("vcpuevent: port %u sent\n", port);
	tc_buf_free(buf, BUF_LEN);
	tc_close(&h);
	return 0;
}
