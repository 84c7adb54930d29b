/*
 * sched_poll: when SCHEDOP_poll and HLT may sleep. Proves, for a domU vCPU:
 * a poll returns at once when one of its ports is pending, when its timeout
 * has passed, and (as on Xen) when an interrupt already waits for the guest
 * and its interrupts are on (an STI right before the hypercall holds the
 * upcall back, as when an event races a Linux PV spinlock's poll); with
 * interrupts off the same waiting upcall does not end it, its timeout does,
 * not before; bad arguments get -EINVAL; and STI; HLT with a local APIC
 * interrupt waiting does not sleep. Before, tern slept through such a
 * waiting interrupt until something else woke the vCPU: the checks below
 * then see the safety timeout instead.
 * Cannot tell: wake-ups by other vCPUs or domains (event_channels,
 * evtchn_fifo), or how late a timeout ends the poll.
 */
#include "lib.h"

#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char test_title[] = "SCHEDOP_poll and HLT with an interrupt waiting";

#define MS 1000000ull
/* Far enough that only a missed wake-up reaches it, even on a slow host. */
#define SAFETY_NS (10000 * MS)
#define XAPIC_ICR 0xfee00300ull
#define ICR_SELF (1u << 18)
#define IPI_VECTOR 0x40
#define SCHED_POLL_MAX 128 /* ports in one poll, as Xen */

static volatile unsigned int ipis;

static long poll(const evtchn_port_t *ports, unsigned int nr, uint64_t timeout)
{
	struct sched_poll p = { .ports = (uint64_t)ports, .nr_ports = nr, .timeout = timeout };

	return sched_op(SCHEDOP_poll, &p);
}

/* SCHEDOP_poll issued in the STI shadow: an interrupt that waits for IF is
 * still waiting when the hypervisor looks. Interrupts end on. */
static long poll_after_sti(const evtchn_port_t *ports, unsigned int nr, uint64_t timeout)
{
	struct sched_poll p = { .ports = (uint64_t)ports, .nr_ports = nr, .timeout = timeout };
	unsigned long cmd = SCHEDOP_poll, arg = (unsigned long)&p;
	long ret;

	if (hypercall_vmcall)
		__asm__ volatile("sti; vmcall"
				 : "=a"(ret), "+D"(cmd), "+S"(arg)
				 : "a"(__HYPERVISOR_sched_op)
				 : "memory", "rcx", "rdx", "r8", "r9", "r10", "r11");
	else
		__asm__ volatile("sti; vmmcall"
				 : "=a"(ret), "+D"(cmd), "+S"(arg)
				 : "a"(__HYPERVISOR_sched_op)
				 : "memory", "rcx", "rdx", "r8", "r9", "r10", "r11");
	return ret;
}

/* With interrupts off: the port goes pending and an upcall waits for IF. */
static void raise_event(evtchn_port_t port)
{
	struct evtchn_send send = { .port = port };
	long rc = event_channel_op(EVTCHNOP_send, &send);

	if (rc)
		test_failure("send on %u: %ld", port, rc);
}

/* Lets the upcall in; it must come (it was waiting). */
static void take_upcall(unsigned int before, const char *after)
{
	if (!wait_upcall(before, WAIT_LONG))
		test_failure("after %s, the waiting upcall never came", after);
}

static void on_ipi(struct trap_frame *frame)
{
	(void)frame;
	ipis++;
	upcall_eoi();
}

static void poll_returns(evtchn_port_t kick, evtchn_port_t idle)
{
	evtchn_port_t both[2] = { idle, kick }, bad = 1u << 20;
	evtchn_port_t many[SCHED_POLL_MAX] = { 0 };
	unsigned int upcalls = upcall_count;
	uint64_t deadline;
	long rc;

	if ((rc = poll(many, SCHED_POLL_MAX + 1, 0)) != -EINVAL)
		test_failure("poll on %u ports: %ld, expected -EINVAL", SCHED_POLL_MAX + 1, rc);
	if ((rc = poll(&bad, 1, 0)) != -EINVAL)
		test_failure("poll on port %u: %ld, expected -EINVAL", bad, rc);
	if ((rc = poll(&idle, 1, 1)))
		test_failure("poll with a timeout in the past: %ld", rc);

	/* A pending port, masked or not, ends it (Linux polls with events off). */
	raise_event(kick);
	if ((rc = poll(both, 2, 0)))
		test_failure("poll with port %u pending: %ld", kick, rc);
	take_upcall(upcalls, "a poll on a pending port");

	/* Interrupts on and an upcall waiting: at once, then the upcall. */
	upcalls = upcall_count;
	raise_event(kick);
	deadline = xen_system_time() + SAFETY_NS;
	rc = poll_after_sti(&idle, 1, deadline);
	irq_disable();
	if (rc)
		test_failure("poll with an upcall waiting: %ld", rc);
	if (xen_system_time() >= deadline)
		test_failure("poll with interrupts on and an upcall waiting slept until its "
			     "timeout (%u s)", (unsigned int)(SAFETY_NS / 1000000000));
	take_upcall(upcalls, "a poll with interrupts on");
	printf("poll with an upcall waiting: returned\n");

	/* Interrupts off: the upcall cannot be taken, so the poll sleeps on. */
	upcalls = upcall_count;
	raise_event(kick);
	deadline = xen_system_time() + 50 * MS;
	if ((rc = poll(&idle, 1, deadline)))
		test_failure("poll with interrupts off: %ld", rc);
	if (xen_system_time() < deadline)
		test_failure("poll with interrupts off ended %lu us before its timeout",
			     (deadline - xen_system_time()) / 1000);
	take_upcall(upcalls, "a poll with interrupts off");
}

/*
 * STI; HLT with a self-IPI already taken for delivery: the HLT ends at once
 * and the IPI comes before the CLI (a timer bounds the wait if it does not).
 * The ICR write exits, so the STI is the first instruction after an entry:
 * under QEMU, a host STI right before VMRUN used to leave that STI without
 * its shadow (the IPI came before the HLT, which then slept), or delay the
 * IPI past the HLT's next instruction (svm/entry.S).
 */
static void hlt_returns(void)
{
	struct evtchn_bind_virq timer = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = xen_system_time() + SAFETY_NS };
	long rc;

	set_irq_handler(IPI_VECTOR, on_ipi);
	if ((rc = event_channel_op(EVTCHNOP_bind_virq, &timer)))
		return test_failure("bind_virq(VIRQ_TIMER): %ld", rc);
	if ((rc = vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss)))
		return test_failure("set_singleshot_timer: %ld", rc);
	*(volatile uint32_t *)XAPIC_ICR = ICR_SELF | IPI_VECTOR;
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	if (ipis != 1)
		test_failure("STI; HLT with a self-IPI waiting: %u IPIs taken", ipis);
	if (xen_system_time() >= ss.timeout_abs_ns)
		test_failure("STI; HLT with a self-IPI waiting slept until the safety timer (%u s)",
			     (unsigned int)(SAFETY_NS / 1000000000));
	if ((rc = vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL)))
		test_failure("stop_singleshot_timer: %ld", rc);
}

void test_main(void)
{
	struct evtchn_bind_ipi kick = { .vcpu = 0 }, idle = { .vcpu = 0 };
	long rc;

	if ((rc = events_map_shared_info()) || (rc = events_register_vcpu_info()) ||
	    (rc = events_set_upcall_vector()))
		return test_failure("event setup (shared_info, vcpu_info, upcall vector): %ld", rc);
	if ((rc = event_channel_op(EVTCHNOP_bind_ipi, &kick)) ||
	    (rc = event_channel_op(EVTCHNOP_bind_ipi, &idle)))
		return test_failure("bind_ipi: %ld", rc);
	poll_returns(kick.port, idle.port);
	printf("SCHEDOP_poll: done, %u upcalls taken\n", upcall_count);
	hlt_returns();
}
