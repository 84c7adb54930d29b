/*
 * bad_arguments: hypercalls with bad numbers, commands and pointers get
 * exactly the codes Xen 4.17 returns, and nothing else happens. Proves:
 * unknown hypercalls (through the page and by VMMCALL) and unknown commands
 * give -ENOSYS, buffers at unmapped guest-virtual addresses -EFAULT, bad
 * spaces and closed or reserved ports -EINVAL (unmasking port 0 is allowed,
 * as in Xen), a vCPU that does not exist -ENOENT, console_io's count is 32
 * bits wide as in Xen's prototype, and the domain (and so tern) keeps running
 * to print its result.
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

	expect("xen_version(12345)", xen_version(12345, NULL), -ENOSYS);
	expect("xen_version(-1)", xen_version(-1, NULL), -ENOSYS);
	expect("xen_version(extraversion, unmapped)", xen_version(XENVER_extraversion, UNMAPPED),
	       -EFAULT);
	expect("xen_version(get_features, unmapped)", xen_version(XENVER_get_features, UNMAPPED),
	       -EFAULT);
	expect("console_io(write, 16, unmapped)", console_io(CONSOLEIO_write, 16, UNMAPPED), -EFAULT);
	expect("console_io(write, 64 KiB, unmapped)", console_io(CONSOLEIO_write, 1ul << 16,
								  UNMAPPED), -EFAULT);
	/* The count is an unsigned int in Xen's prototype: 1 TiB + 3 is 3 (and
	 * 1 TiB is 0, nothing written), not a count to loop over. */
	expect("console_io(write, 1 TiB + 3, \"ok\\n\")", console_io(CONSOLEIO_write,
								   (1ul << 40) + 3, "ok\n"), 0);
	expect("console_io(write, 1 TiB, unmapped)", console_io(CONSOLEIO_write, 1ul << 40,
								UNMAPPED), 0);
	expect("console_io(12345)", console_io(12345, 0, NULL), -ENOSYS);

	struct xen_add_to_physmap xatp = { .domid = DOMID_SELF, .space = 77, .gpfn = 0x200 };
	expect("memory_op(add_to_physmap, space 77)", memory_op(XENMEM_add_to_physmap, &xatp),
	       -EINVAL);
	expect("memory_op(add_to_physmap, unmapped)", memory_op(XENMEM_add_to_physmap, UNMAPPED),
	       -EFAULT);
	expect("memory_op(12345)", memory_op(12345, NULL), -ENOSYS);

	struct evtchn_send send = { .port = 0 };
	expect("event_channel_op(send, port 0)", event_channel_op(EVTCHNOP_send, &send), -EINVAL);
	send.port = 5000;
	expect("event_channel_op(send, port 5000)", event_channel_op(EVTCHNOP_send, &send), -EINVAL);
	struct evtchn_close cl = { .port = 5000 };
	expect("event_channel_op(close, port 5000)", event_channel_op(EVTCHNOP_close, &cl), -EINVAL);
	/* Port 0 is never bound, but it is a valid port: Xen unmasks it. */
	struct evtchn_unmask um = { .port = 0 };
	expect("event_channel_op(unmask, port 0)", event_channel_op(EVTCHNOP_unmask, &um), 0);
	um.port = 5000;
	expect("event_channel_op(unmask, port 5000)", event_channel_op(EVTCHNOP_unmask, &um),
	       -EINVAL);
	expect("event_channel_op(send, unmapped)", event_channel_op(EVTCHNOP_send, UNMAPPED),
	       -EFAULT);
	expect("event_channel_op(12345)", event_channel_op(12345, &send), -ENOSYS);

	expect("sched_op(12345)", sched_op(12345, NULL), -ENOSYS);
	expect("sched_op(shutdown, unmapped)", sched_op(SCHEDOP_shutdown, UNMAPPED), -EFAULT);
	expect("vcpu_op(is_up, vcpu 4096)", vcpu_op(VCPUOP_is_up, 4096, NULL), -ENOENT);
	expect("vcpu_op(register_vcpu_info, unmapped)",
	       vcpu_op(VCPUOP_register_vcpu_info, 0, UNMAPPED), -EFAULT);
	expect("hvm_op(12345)", hvm_op(12345, NULL), -ENOSYS);

	/* Still here: print something through the console once more. */
	expect("console_io(write) after all that", console_io(CONSOLEIO_write, 3, "ok\n"), 0);
}
