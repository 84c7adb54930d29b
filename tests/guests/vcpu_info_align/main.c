/*
 * vcpu_info_align: a hostile guest registers its vcpu_info where Xen refuses
 * it: at offsets that are not a multiple of 8, and across the end of its
 * page. Each attempt must be -EINVAL and leave the vcpu_info where it was
 * (an event still reaches the old one); a well-placed registration then
 * works and events follow it.
 * Proves: the alignment and page-boundary checks of VCPUOP_register_vcpu_info.
 * Cannot tell: what a bus lock on a split vcpu_info would have cost the
 * machine (the reason for the check); a tern without it just says 0.
 */
#include "lib.h"

#include <public/event_channel.h>
#include <public/vcpu.h>

const char test_title[] = "VCPUOP_register_vcpu_info refuses misaligned and page-crossing offsets";

static uint8_t pages[2 * PAGE_SIZE] __aligned(PAGE_SIZE);

static long register_at(unsigned int offset)
{
	struct vcpu_register_vcpu_info info = {
		.mfn = (uintptr_t)pages / PAGE_SIZE,
		.offset = offset,
	};

	return vcpu_op(VCPUOP_register_vcpu_info, 0, &info);
}

/* Sends an event to itself and checks it arrives (through whichever
 * vcpu_info tern uses). */
static void event_arrives(const char *when)
{
	struct evtchn_bind_ipi bind = { .vcpu = 0 };
	struct evtchn_send send;
	unsigned int before;
	long rc = event_channel_op(EVTCHNOP_bind_ipi, &bind);

	if (rc)
		return test_error("%s: EVTCHNOP_bind_ipi: %ld", when, rc);
	before = upcall_count;
	send.port = bind.port;
	rc = event_channel_op(EVTCHNOP_send, &send);
	if (rc)
		return test_error("%s: EVTCHNOP_send: %ld", when, rc);
	if (!wait_upcall(before, WAIT_LONG))
		test_failure("%s: the event never arrived", when);
}

void test_main(void)
{
	static const unsigned int bad[] = { 1, 4, 7, 60, 129, 4032 + 4, 4033, 4088, 4095 };
	long rc;

	if ((rc = events_map_shared_info()) || (rc = events_set_upcall_vector()))
		return test_error("event setup: %ld", rc);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		rc = register_at(bad[i]);
		printf("register_vcpu_info at offset %u -> %ld\n", bad[i], rc);
		if (rc != -EINVAL)
			test_failure("register_vcpu_info at offset %u returned %ld, expected %d",
				     bad[i], rc, -EINVAL);
	}
	event_arrives("after the refused registrations");
	/* The last offset that fits, 8-aligned: accepted, and events follow it. */
	rc = register_at(PAGE_SIZE - sizeof(struct vcpu_info));
	printf("register_vcpu_info at offset %lu -> %ld\n", PAGE_SIZE - sizeof(struct vcpu_info), rc);
	if (rc)
		return test_failure("register_vcpu_info at offset %lu returned %ld",
				    PAGE_SIZE - sizeof(struct vcpu_info), rc);
	vcpu_info = (struct vcpu_info *)(pages + PAGE_SIZE - sizeof(struct vcpu_info));
	event_arrives("after moving vcpu_info to the end of its page");
}
