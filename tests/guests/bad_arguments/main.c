/*
 * bad_arguments: hypercalls with bad numbers, commands and pointers get
 * Xen's error codes and nothing else happens. Proves: unknown hypercalls
 * (through the page and by VMMCALL) give -ENOSYS, unknown commands an error,
 * buffers at unmapped guest-virtual addresses -EFAULT, bad spaces and ports
 * -EINVAL, and the domain (and so tern) keeps running to print its result.
 * Cannot tell: that no state changed inside tern beyond what it reports.
 */
#include "lib.h"

#include <public/event_channel.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>

const char test_title[] = "bad hypercall numbers, commands and pointers";

/* Not mapped by the guest's page tables (which cover only the low 4 GiB). */
#define UNMAPPED ((void *)0xdead00000000ul)

static void expect(const char *what, long rc, long want)
{
	printf("%-48s -> %ld\n", what, rc);
	if (rc != want)
		test_failure("%s returned %ld, expected %ld", what, rc, want);
}

static void expect_error(const char *what, long rc)
{
	printf("%-48s -> %ld\n", what, rc);
	if (rc >= 0)
		test_failure("%s returned %ld, expected an error", what, rc);
}

void test_main(void)
{
	static const unsigned int unknown[] = { 1, 2, 44, 50, 63 };
	char name[64];

	for (unsigned int i = 0; i < ARRAY_SIZE(unknown); i++) {
		snprintf(name, sizeof(name), "hypercall %u (page)", unknown[i]);
		expect(name, hypercall(unknown[i], 0, 0, 0, 0, 0), -ENOSYS);
	}
	static const unsigned long direct[] = { 64, 127, 4096, 0xffffffffu, 0x100000011ul };

	for (unsigned int i = 0; i < ARRAY_SIZE(direct); i++) {
		snprintf(name, sizeof(name), "hypercall %#lx (vmmcall)", direct[i]);
		expect(name, hypercall_direct(direct[i], 0, 0, 0, 0, 0), -ENOSYS);
	}

	expect_error("xen_version(12345)", xen_version(12345, NULL));
	expect_error("xen_version(-1)", xen_version(-1, NULL));
	expect("xen_version(extraversion, unmapped)", xen_version(XENVER_extraversion, UNMAPPED),
	       -EFAULT);
	expect("xen_version(get_features, unmapped)", xen_version(XENVER_get_features, UNMAPPED),
	       -EFAULT);
	expect("console_io(write, 16, unmapped)", console_io(CONSOLEIO_write, 16, UNMAPPED), -EFAULT);
	/* A huge count (on a buffer that cannot be read, so that a tern which
	 * honours the count prints nothing) is refused, not hung on. */
	expect_error("console_io(write, 1 TiB, unmapped)", console_io(CONSOLEIO_write, 1ul << 40,
								     UNMAPPED));
	expect_error("console_io(12345)", console_io(12345, 0, NULL));

	struct xen_add_to_physmap xatp = { .domid = DOMID_SELF, .space = 77, .gpfn = 0x200 };
	expect("memory_op(add_to_physmap, space 77)", memory_op(XENMEM_add_to_physmap, &xatp),
	       -EINVAL);
	expect("memory_op(add_to_physmap, unmapped)", memory_op(XENMEM_add_to_physmap, UNMAPPED),
	       -EFAULT);
	expect_error("memory_op(12345)", memory_op(12345, NULL));

	struct evtchn_send send = { .port = 0 };
	expect("event_channel_op(send, port 0)", event_channel_op(EVTCHNOP_send, &send), -EINVAL);
	send.port = 5000;
	expect("event_channel_op(send, port 5000)", event_channel_op(EVTCHNOP_send, &send), -EINVAL);
	struct evtchn_close cl = { .port = 5000 };
	expect("event_channel_op(close, port 5000)", event_channel_op(EVTCHNOP_close, &cl), -EINVAL);
	struct evtchn_unmask um = { .port = 0 };
	expect("event_channel_op(unmask, port 0)", event_channel_op(EVTCHNOP_unmask, &um), -EINVAL);
	expect("event_channel_op(send, unmapped)", event_channel_op(EVTCHNOP_send, UNMAPPED),
	       -EFAULT);
	expect_error("event_channel_op(12345)", event_channel_op(12345, &send));

	long rc = sched_op(12345, NULL);
	printf("%-48s -> %ld\n", "sched_op(12345)", rc);
	if (rc != -EINVAL && rc != -ENOSYS)
		test_failure("sched_op(12345) returned %ld, expected -EINVAL or -ENOSYS", rc);
	expect("sched_op(shutdown, unmapped)", sched_op(SCHEDOP_shutdown, UNMAPPED), -EFAULT);
	expect_error("vcpu_op(is_up, vcpu 4096)", vcpu_op(VCPUOP_is_up, 4096, NULL));
	expect("vcpu_op(register_vcpu_info, unmapped)",
	       vcpu_op(VCPUOP_register_vcpu_info, 0, UNMAPPED), -EFAULT);
	expect_error("hvm_op(12345)", hvm_op(12345, NULL));

	/* Still here: print something through the console once more. */
	expect("console_io(write) after all that", console_io(CONSOLEIO_write, 3, "ok\n"), 0);
}
