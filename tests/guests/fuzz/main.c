/*
 * fuzz: an unprivileged domU that throws hypercalls at tern. Its command
 * line says "seed=S count=N [raw=P] [victim=D] [trace=T]": it prints "fuzz:
 * seed S" first (so a failure replays; trace=T prints every call from the
 * T-th on), then makes N calls, P percent of them raw
 * (random numbers below 64 and random arguments, skipping those that would
 * legitimately stop or corrupt this guest) and the rest structure-aware
 * (tools/tests/hcfuzz/hcgen.c: well-formed structs of every family with
 * mutated fields, naming dom0 and domain D as other domains, mapping things
 * only at its playground pages or far beyond its memory). It runs with
 * interrupts off throughout, so nothing it sets up (upcall vectors, timers,
 * events) can interrupt it.
 * Proves: tern answers every call and this guest is still alive to print
 * its count (the system test checks tern, dom0 and another domU).
 * Cannot tell: whether a call that returned did the right thing.
 */
#include "lib.h"

#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/hvm.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>

#include "hcgen.h"

const char test_title[] = "hypercall fuzzer (command line \"seed=S count=N [raw=P] [victim=D] [trace=T]\")";

#define ARENA_PAGES 32
#define PLAYGROUND_PAGES 8
#define FAULT_VA 0xdead00000000ul /* the guest's page tables map only 4 GiB */

static uint8_t arena[ARENA_PAGES * PAGE_SIZE] __aligned(PAGE_SIZE);
/* Never touched by this guest: tern may map anything there, or unmap it. */
static uint8_t playground[PLAYGROUND_PAGES * PAGE_SIZE] __aligned(PAGE_SIZE);
static uint64_t arena_gfns[ARENA_PAGES];

/* The value of "key=" on the command line (def if absent). */
static uint64_t option(const char *key, uint64_t def)
{
	const struct hvm_start_info *si = start_info();
	const char *p = si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : "";
	size_t n = strlen(key);

	for (; *p; p++) {
		uint64_t v = 0;

		if ((p != (const char *)(uintptr_t)si->cmdline_paddr && p[-1] != ' ') ||
		    memcmp(p, key, n) || p[n] != '=')
			continue;
		for (p += n + 1; *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (uint64_t)(*p - '0');
		return v;
	}
	return def;
}

/*
 * A raw argument: anything but an address in this guest's memory (all of it
 * below 4 GiB) other than the arena, where tern would write. Page 0 is never
 * used by it.
 */
static uint64_t raw_word(struct hcgen_rng *r)
{
	uint64_t v;

	switch (hcgen_below(r, 6)) {
	case 0: /* tern writes up to 1 KiB at a handle (xen_version's largest) */
		return (uintptr_t)arena + hcgen_below(r, sizeof(arena) - 2 * PAGE_SIZE);
	case 1:
		return FAULT_VA + hcgen_below(r, 1u << 20);
	case 2:
		return hcgen_below(r, 64);
	default:
		v = hcgen_rand(r) >> hcgen_below(r, 64);
		return v >= PAGE_SIZE && v < (1ull << 32) ? FAULT_VA : v;
	}
}

/*
 * The raw calls allowed: those that write only through their own handle
 * arguments (kept off this guest's memory by raw_word), not at frames or
 * addresses named inside a struct of random words, and that neither stop
 * nor block it, nor print its console budget away.
 */
static bool raw_allowed(unsigned int nr, uint64_t arg0)
{
	uint32_t cmd = (uint32_t)arg0; /* Xen's sub-commands are ints: judge the low bits */

	switch (nr) {
	case __HYPERVISOR_memory_op:
		cmd &= MEMOP_CMD_MASK;
		return cmd == XENMEM_maximum_ram_page || cmd == XENMEM_current_reservation ||
		       cmd == XENMEM_maximum_reservation || cmd == XENMEM_populate_physmap;
	case __HYPERVISOR_console_io:
		return cmd != CONSOLEIO_write;
	case __HYPERVISOR_grant_table_op:
		return cmd != GNTTABOP_map_grant_ref && cmd != GNTTABOP_unmap_grant_ref &&
		       cmd != GNTTABOP_copy && cmd != GNTTABOP_setup_table;
	case __HYPERVISOR_vcpu_op:
		return cmd != VCPUOP_register_vcpu_info &&
		       cmd != VCPUOP_register_runstate_memory_area &&
		       cmd != VCPUOP_register_vcpu_time_memory_area &&
		       cmd != VCPUOP_set_singleshot_timer;
	case __HYPERVISOR_sched_op:
		return cmd == SCHEDOP_yield || cmd >= SCHEDOP_shutdown_code;
	default:
		return true;
	}
}

static void raw_call(struct hcgen_rng *r, struct hcgen_call *c)
{
	static const unsigned int families[] = { 12, 17, 18, 20, 24, 29, 32, 34, 35, 36 };
	uint64_t *words = (uint64_t *)arena;

	do {
		c->nr = hcgen_below(r, 2) ? families[hcgen_below(r, ARRAY_SIZE(families))]
					  : (unsigned int)hcgen_below(r, 64);
		for (int i = 0; i < 5; i++)
			c->arg[i] = raw_word(r);
		if (hcgen_below(r, 2))
			c->arg[0] = hcgen_below(r, 24);
	} while (!raw_allowed(c->nr, c->arg[0]));
	for (unsigned int i = 0; i < 64; i++) /* what a handle into the arena reads */
		words[hcgen_below(r, sizeof(arena) / 8)] = raw_word(r);
	c->name = "raw";
}

void test_main(void)
{
	uint64_t seed = option("seed", 1), count = option("count", 2000);
	uint64_t raw = option("raw", 25), victim = option("victim", 0);
	uint64_t trace = option("trace", UINT64_MAX);
	struct hcgen_world w = {
		.arena = arena, .arena_va = (uintptr_t)arena, .arena_len = sizeof(arena),
		.arena_gfns = arena_gfns,
		.spare_gfn = (uintptr_t)playground / PAGE_SIZE, .nr_spare = PLAYGROUND_PAGES,
		.fault_va = FAULT_VA, .fault_len = 1u << 20,
		.self = guest_domid(), .nr_victims = 2, .victims = { 0, (domid_t)victim },
	};
	static uint64_t per_nr[XEN_NR_HYPERCALLS][2]; /* calls, successes by number */
	struct hcgen_rng r;
	uint64_t errors = 0;

	printf("fuzz: seed %lu count %lu raw %lu%% victim %lu\n", (unsigned long)seed,
	       (unsigned long)count, (unsigned long)raw, (unsigned long)victim);
	for (unsigned int i = 0; i < ARENA_PAGES; i++)
		arena_gfns[i] = (uintptr_t)(arena + i * PAGE_SIZE) / PAGE_SIZE;
	hcgen_seed(&r, seed);
	irq_disable();
	for (uint64_t i = 1; i <= count; i++) {
		struct hcgen_call c;
		long rc;

		if (hcgen_below(&r, 100) < raw)
			raw_call(&r, &c);
		else
			hcgen_next(&r, &w, &c);
		if (i >= trace)
			printf("call %lu: %s %u(%#lx, %#lx, %#lx, %#lx, %#lx)\n", (unsigned long)i,
			       c.name, c.nr, c.arg[0], c.arg[1], c.arg[2], c.arg[3], c.arg[4]);
		/* Through the hypercall page mostly, by VMMCALL for numbers beyond it. */
		if (c.nr < XEN_NR_HYPERCALLS && hcgen_below(&r, 4))
			rc = hypercall(c.nr, c.arg[0], c.arg[1], c.arg[2], c.arg[3], c.arg[4]);
		else
			rc = hypercall_direct(c.nr, c.arg[0], c.arg[1], c.arg[2], c.arg[3],
					      c.arg[4]);
		errors += rc < 0;
		if (c.nr < XEN_NR_HYPERCALLS) {
			per_nr[c.nr][0]++;
			per_nr[c.nr][1] += rc >= 0;
		}
		if (i % (count / 10 ? count / 10 : 1) == 0)
			printf("fuzz: %lu calls, %lu errors\n", (unsigned long)i,
			       (unsigned long)errors);
	}
	for (unsigned int nr = 0; nr < XEN_NR_HYPERCALLS; nr++)
		if (per_nr[nr][0] > count / 50)
			printf("fuzz: hypercall %u: %lu calls, %lu succeeded\n", nr,
			       (unsigned long)per_nr[nr][0], (unsigned long)per_nr[nr][1]);
	printf("fuzz: done, %lu calls\n", (unsigned long)count);
}
