/*
 * Debug keys, as `xl debug-keys` sends them on Xen: each prints part of the
 * hypervisor's state to its console, for `xl dmesg`. A stuck guest can be
 * looked at without a debugger: is its vCPU blocked, is an event pending,
 * when does its timer fire, where is it executing. One key is a test aid
 * and stops tern: 'O' overflows the stack of the CPU it runs on, which must
 * end in tern's report of a page fault in that stack's guard page
 * (tests/system/test_dom0.py).
 */
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/evtchn.h>
#include <tern/format.h>
#include <asm/time.h>
#include <tern/keyhandler.h>
#include <tern/runstate.h>
#include <tern/sched.h>
#include <public/xen.h>

static const char *domain_state(const struct domain *d)
{
	if (d->dying)
		return "dying";
	if (d->shutdown)
		return "shut down";
	return d->paused ? "paused" : "active";
}

/* Nanoseconds from now to t, as signed milliseconds (negative: overdue). */
static long ms_from_now(uint64_t t, uint64_t now)
{
	return (long)((int64_t)(t - now) / 1000000);
}

static unsigned long tsc_to_us(uint64_t ticks)
{
	return (unsigned long)(ticks * 1000 / tsc_khz);
}

/* Exits by kind and hypercalls by number since the vCPU started, with the
 * time the hypervisor spent on them: two dumps apart, what a workload cost. */
static void dump_stats(const struct vcpu_stats *s)
{
	static const char *const kind[VCPU_EXIT_KINDS] = {
		"hypercall", "intr", "hlt", "npf", "io", "msr", "other",
	};
	char line[512];
	size_t n = 0;

	line[0] = 0;
	for (unsigned int i = 0; i < VCPU_EXIT_KINDS && n < sizeof(line); i++)
		n += (size_t)format_snprintf(line + n, sizeof(line) - n, " %s %lu/%lu", kind[i],
					     (unsigned long)s->exits[i], tsc_to_us(s->exit_tsc[i]));
	pr_info("    exits (count/us):%s; upcalls %lu\n", line, (unsigned long)s->upcalls);
	n = 0;
	line[0] = 0;
	for (unsigned int i = 0; i < VCPU_COUNTED_HYPERCALLS && n < sizeof(line); i++)
		if (s->hypercalls[i])
			n += (size_t)format_snprintf(line + n, sizeof(line) - n, " %u:%lu/%lu", i,
						     (unsigned long)s->hypercalls[i],
						     tsc_to_us(s->hypercall_tsc[i]));
	pr_info("    hypercalls (number:count/us):%s\n", line);
}

static void dump_vcpu(struct vcpu *v, uint64_t now)
{
	const struct vcpu_info *vi = v->vcpu_info;
	const struct vcpu_timer *t = &v->timer;

	pr_info("  d%uv%u: %s%s%s on CPU%u, ran %lu ms, affinity %#lx\n", v->domain->id, v->id,
		v->online ? "online" : "offline",
		v->blocked ? " blocked" : "", v->running ? " running" : "", v->pcpu,
		(unsigned long)(vcpu_run_time(v) / 1000000), (unsigned long)v->affinity);
	pr_info("    events: upcall vector %#x, pending %u, mask %u, selector %#lx, to inject %u\n",
		vcpu_upcall_vector(v), vi ? vi->evtchn_upcall_pending : 0,
		vi ? vi->evtchn_upcall_mask : 0, vi ? (unsigned long)vi->evtchn_pending_sel : 0,
		v->upcall_to_inject);
	if (!v->domain->passthrough && t->singleshot)
		pr_info("    timers: singleshot in %ld ms, periodic every %lu ms\n",
			ms_from_now(t->singleshot, now), (unsigned long)(t->period / 1000000));
	else if (!v->domain->passthrough)
		pr_info("    timers: no singleshot, periodic every %lu ms\n",
			(unsigned long)(t->period / 1000000));
	dump_stats(&v->stats);
	if (hvm)
		hvm->vcpu_dump(v);
}

static void dump_domains(void)
{
	uint64_t now = system_time_ns();

	pr_info("'q' pressed -> dumping domain info (now %lu ms)\n", (unsigned long)(now / 1000000));
	sched_dump();
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id((domid_t)id);

		if (!d)
			continue;
		pr_info("d%u: %s, shutdown reason %u, %lu of %lu pages, %u vCPU(s), "
			"nested table %lu of %lu pages\n", d->id, domain_state(d), d->shutdown_reason,
			(unsigned long)d->tot_pages, (unsigned long)d->max_pages, d->nr_vcpus,
			(unsigned long)d->npt_pages, (unsigned long)d->npt_pages_max);
		evtchn_dump(d);
		for (unsigned int i = 0; i < d->nr_vcpus; i++)
			dump_vcpu(&d->vcpu[i], now);
	}
}

/* Set to stop overflow_stack() early: never is. It makes the recursion's end
 * depend on memory, so the compiler keeps every call. */
static volatile unsigned int overflow_depth_limit = ~0u;

/* Calls itself until this CPU's stack runs into its guard page. */
static __attribute__((noinline)) unsigned int overflow_stack(unsigned int depth)
{
	volatile uint8_t frame[256];

	frame[0] = (uint8_t)depth;
	frame[1] = 0;
	if (depth < overflow_depth_limit)
		frame[1] = (uint8_t)overflow_stack(depth + 1);
	return frame[0] + frame[1]; /* used after the call: not a tail call */
}

void debug_key(char key)
{
	switch (key) {
	case 'h':
		pr_info("'h' pressed -> showing installed handlers\n");
		pr_info(" key 'h': show this message\n");
		pr_info(" key 'q': dump domain (and guest debug) info\n");
		pr_info(" key 'O': overflow this CPU's stack (a test aid: stops tern)\n");
		break;
	case 'q':
		dump_domains();
		break;
	case 'O':
		pr_info("'O' pressed -> overflowing CPU%u's stack\n", smp_processor_id());
		overflow_stack(0);
		break;
	default:
		pr_info("'%c' (ascii %02x) pressed -> no handler installed\n",
			key >= 0x20 && key < 0x7f ? key : '?', (unsigned char)key);
		break;
	}
}
