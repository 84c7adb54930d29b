/*
 * hcgen, the fuzzers' structure-aware generator: the same seed gives the
 * same calls; over many calls every family and sub-operation comes up; and
 * every call is safe for its caller by the rules of hcgen.h, which this test
 * states again independently by decoding what was generated: handles point
 * into the arena or where nothing is, frames tern may map at are spare,
 * and a privileged caller changes only victims and nobody, never itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <public/domctl.h>
#include <public/event_channel.h>
#include <public/hvm.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include <public/vcpu.h>
#include <public/version.h>

#include "hcgen.h"

#define ARENA_PAGES 32
#define CALLS 200000
#define SELF_ID 7
#define VICTIM 3
#define SPARE 0x40000
#define NR_SPARE 256
#define FAULT 0xdead00000000ull

static uint8_t arena[ARENA_PAGES * HCGEN_PAGE] __attribute__((aligned(4096)));
static uint64_t arena_gfns[ARENA_PAGES];

static struct hcgen_world world(bool privileged)
{
	struct hcgen_world w = {
		.arena = arena, .arena_va = (uint64_t)(uintptr_t)arena, .arena_len = sizeof(arena),
		.arena_gfns = arena_gfns, .arena_is_spare = !privileged,
		.spare_gfn = SPARE, .nr_spare = NR_SPARE, .fault_va = FAULT, .fault_len = 1 << 20,
		.self = privileged ? 0 : SELF_ID, .nr_victims = 1, .victims = { VICTIM },
		.privileged = privileged,
	};

	for (unsigned int i = 0; i < ARENA_PAGES; i++)
		arena_gfns[i] = 0x100 + i;
	return w;
}

/* ---- the rules, stated again ---- */

static const struct hcgen_world *W;
static const struct hcgen_call *current; /* for messages */

static bool bad(uint64_t va)
{
	return (va >= FAULT && va < FAULT + (1 << 20)) || va >= 1ull << 47;
}

/* A handle to len bytes: wholly in the arena, or nothing there at all. */
static void *handle(uint64_t va, size_t len)
{
	uint64_t base = W->arena_va;

	if (va >= base && va - base <= sizeof(arena) && sizeof(arena) - (va - base) >= len)
		return arena + (va - base);
	if (!bad(va))
		fprintf(stderr, "%s: handle %#lx for %zu bytes\n", current->name,
			(unsigned long)va, len);
	assert_true(bad(va));
	return NULL;
}

/* A frame tern may map something at or unmap, in the caller. */
static void spare(uint64_t gfn)
{
	bool in_arena = false;

	for (unsigned int i = 0; i < ARENA_PAGES; i++)
		in_arena |= gfn == arena_gfns[i];
	if (!in_arena && !((gfn >= SPARE && gfn < SPARE + NR_SPARE) || gfn >= 1ull << 36))
		fprintf(stderr, "%s (%#lx): gfn %#lx is not spare\n", current->name,
			(unsigned long)current->arg[0], (unsigned long)gfn);
	if (in_arena)
		assert_true(W->arena_is_spare);
	else
		assert_true((gfn >= SPARE && gfn < SPARE + NR_SPARE) || gfn >= 1ull << 36);
}

/* A frame tern may write into: the caller's arena, or a spare one. */
static void own_or_spare(uint64_t gfn)
{
	for (unsigned int i = 0; i < ARENA_PAGES; i++)
		if (gfn == arena_gfns[i])
			return;
	spare(gfn);
}

static bool is_self(domid_t d)
{
	return d == DOMID_SELF || d == W->self;
}


/* Another domain a privileged caller changes: a victim, or no domain at all
 * (bystanders, such as a guest running beside the fuzzer, are left alone). */
static void changed_other(domid_t d)
{
	if (W->privileged)
		assert_true(d == VICTIM || d >= DOMID_FIRST_RESERVED || d == 0x7fef);
}

/* A domain a privileged caller changes: never itself, nor a bystander. */
static void changed(domid_t d)
{
	if (W->privileged)
		assert_false(is_self(d));
	changed_other(d);
}

static void check_memory_op(const struct hcgen_call *c)
{
	unsigned int op = c->arg[0] & MEMOP_CMD_MASK;

	if (op == XENMEM_populate_physmap) {
		const struct xen_memory_reservation *r = handle(c->arg[1], sizeof(*r));
		const xen_pfn_t *gfns;

		if (!r)
			return;
		gfns = handle(r->extent_start, 8 * (r->nr_extents < 64 ? r->nr_extents : 64));
		for (uint64_t i = 0; gfns && is_self(r->domid) && i < r->nr_extents && i < 64; i++)
			spare(gfns[i]);
	} else if (op == XENMEM_add_to_physmap) {
		const struct xen_add_to_physmap *x = handle(c->arg[1], sizeof(*x));

		if (x && is_self(x->domid))
			spare(x->gpfn);
		else if (x)
			changed(x->domid);
	} else if (op == XENMEM_add_to_physmap_batch) {
		const struct xen_add_to_physmap_batch *b = handle(c->arg[1], sizeof(*b));
		unsigned int room;
		const xen_pfn_t *gpfns;

		if (!b)
			return;
		room = b->size < 1024 ? b->size : 1024;
		gpfns = handle(b->gpfns, 8 * room);
		handle(b->idxs, 8 * room);
		handle(b->errs, 4 * room);
		for (unsigned int i = 0; gpfns && is_self(b->domid) && i < room; i++)
			spare(gpfns[i]);
		if (!is_self(b->domid))
			changed(b->domid);
	} else if (op == XENMEM_remove_from_physmap) {
		const struct xen_remove_from_physmap *x = handle(c->arg[1], sizeof(*x));

		if (x && is_self(x->domid))
			spare(x->gpfn);
	} else {
		handle(c->arg[1], 64);
	}
}

static void check_grant_table_op(const struct hcgen_call *c)
{
	uint64_t count = c->arg[2], room = count < 600 ? count : 600;

	if (c->arg[0] == GNTTABOP_map_grant_ref) {
		const struct gnttab_map_grant_ref *m = handle(c->arg[1], sizeof(*m) * room);

		for (uint64_t i = 0; m && i < room; i++)
			if (m[i].host_addr < (1ull << 52))
				spare(m[i].host_addr / HCGEN_PAGE);
	} else if (c->arg[0] == GNTTABOP_unmap_grant_ref) {
		const struct gnttab_unmap_grant_ref *u = handle(c->arg[1], sizeof(*u) * room);

		for (uint64_t i = 0; u && i < room; i++)
			if (u[i].host_addr < (1ull << 52))
				spare(u[i].host_addr / HCGEN_PAGE);
	} else if (c->arg[0] == GNTTABOP_copy) {
		const struct gnttab_copy *cp = handle(c->arg[1], sizeof(*cp) * room);

		/* What a copy writes through a grant belongs to the caller or a victim. */
		for (uint64_t i = 0; cp && i < room; i++)
			if (cp[i].flags & GNTCOPY_dest_gref && !is_self(cp[i].dest.domid))
				changed_other(cp[i].dest.domid);

		/* A copy by frame into the caller's memory writes its arena or a spare frame. */
		for (uint64_t i = 0; cp && i < room; i++)
			if (!(cp[i].flags & GNTCOPY_dest_gref) && is_self(cp[i].dest.domid))
				own_or_spare(cp[i].dest.u.gmfn);
	} else if (c->arg[0] == GNTTABOP_setup_table) {
		const struct gnttab_setup_table *t = handle(c->arg[1], sizeof(*t));

		if (t && !is_self(t->dom))
			changed_other(t->dom);
	} else {
		handle(c->arg[1], 64);
	}
}

static void check_event_channel_op(const struct hcgen_call *c)
{
	const uint32_t *s = handle(c->arg[1], 32);

	if (!s || !W->privileged)
		return;
	switch (c->arg[0]) {
	case EVTCHNOP_close:
	case EVTCHNOP_send:
	case EVTCHNOP_unmask:
	case EVTCHNOP_bind_vcpu:
	case EVTCHNOP_set_priority:
		/* never one of dom0's kernel's ports, under either ABI */
		assert_true(s[0] >= EVTCHN_FIFO_NR_CHANNELS);
		break;
	case EVTCHNOP_init_control:
	case EVTCHNOP_expand_array:
		fail_msg("dom0's FIFO state changed behind its kernel's back");
		break;
	case EVTCHNOP_reset:
		changed(*(const domid_t *)s);
		break;
	case EVTCHNOP_alloc_unbound:
		if (!is_self(*(const domid_t *)s))
			changed_other(*(const domid_t *)s);
		break;
	}
}

static void check_sysctl_domctl(const struct hcgen_call *c)
{
	const struct tern_domctl *d = handle(c->arg[0], sizeof(*d));

	if (!d)
		return;
	if (c->nr == __HYPERVISOR_sysctl) {
		const struct tern_sysctl *s = (const void *)d;

		if (s->cmd == TERN_SYSCTL_readconsole && s->u.readconsole.clear)
			assert_true(s->u.readconsole.incremental > 1); /* refused: no clear */
		return;
	}
	switch (d->cmd) {
	case TERN_DOMCTL_destroydomain:
		if (W->privileged)
			assert_int_equal(d->domain, 0x7fef);
		break;
	case TERN_DOMCTL_pausedomain:
	case TERN_DOMCTL_unpausedomain:
	case TERN_DOMCTL_max_mem:
	case TERN_DOMCTL_setvcpuaffinity:
	case TERN_DOMCTL_vcpu_start:
	case TERN_DOMCTL_scheduler_op:
	case TERN_DOMCTL_set_param:
		changed(d->domain);
		break;
	}
}

static void check_call(const struct hcgen_call *c)
{
	current = c;
	switch (c->nr) {
	case __HYPERVISOR_memory_op:
		return check_memory_op(c);
	case __HYPERVISOR_grant_table_op:
		return check_grant_table_op(c);
	case __HYPERVISOR_event_channel_op:
		return check_event_channel_op(c);
	case __HYPERVISOR_vcpu_op:
		if (W->privileged)
			assert_int_not_equal(c->arg[0], VCPUOP_register_vcpu_info);
		if (c->arg[0] == VCPUOP_register_vcpu_info) {
			const struct vcpu_register_vcpu_info *i = handle(c->arg[2], sizeof(*i));

			if (i)
				spare(i->mfn);
		}
		return;
	case __HYPERVISOR_hvm_op:
		if (W->privileged)
			assert_int_not_equal(c->arg[0], HVMOP_set_evtchn_upcall_vector);
		if (c->arg[0] == HVMOP_set_param) {
			const struct xen_hvm_param *p = handle(c->arg[1], sizeof(*p));

			if (p)
				changed(p->domid);
		}
		return;
	case __HYPERVISOR_sched_op:
		assert_int_not_equal(c->arg[0], SCHEDOP_shutdown);
		assert_int_not_equal(c->arg[0], SCHEDOP_block);
		if (c->arg[0] == SCHEDOP_poll) {
			const struct sched_poll *p = handle(c->arg[1], sizeof(*p));

			if (p)
				assert_true(p->timeout >= 1 && p->timeout <= 1000);
		}
		return;
	case __HYPERVISOR_console_io:
		/* Writes print nothing: carriage returns or a bad buffer. */
		if (c->arg[0] == CONSOLEIO_write && c->arg[1] <= sizeof(arena)) {
			const char *text = handle(c->arg[2], c->arg[1]);

			for (uint64_t i = 0; text && i < c->arg[1]; i++)
				assert_int_equal(text[i], '\r');
		}
		return;
	case __HYPERVISOR_sysctl:
	case __HYPERVISOR_domctl:
		return check_sysctl_domctl(c);
	default:
		return;
	}
}

/* ---- the tests ---- */

static void test_same_seed_same_calls(void **state)
{
	struct hcgen_world w = world(false);
	struct hcgen_rng a, b;
	struct hcgen_call ca, cb;
	static uint8_t copy[sizeof(arena)];

	(void)state;
	hcgen_seed(&a, 42);
	hcgen_seed(&b, 42);
	for (int i = 0; i < 2000; i++) {
		hcgen_next(&a, &w, &ca);
		memcpy(copy, arena, sizeof(arena));
		hcgen_next(&b, &w, &cb);
		assert_int_equal(ca.nr, cb.nr);
		assert_memory_equal(ca.arg, cb.arg, sizeof(ca.arg));
		assert_memory_equal(copy, arena, sizeof(arena));
	}
	hcgen_seed(&b, 43);
	hcgen_next(&b, &w, &cb);
	hcgen_seed(&a, 42);
	hcgen_next(&a, &w, &ca);
	assert_true(ca.nr != cb.nr || memcmp(ca.arg, cb.arg, sizeof(ca.arg)));
}

/* Every family, and the sub-operations that matter most, come up. */
static void run_and_count(bool privileged)
{
	struct hcgen_world w = world(privileged);
	static const struct { unsigned int nr; uint64_t cmd; } wanted[] = {
		{ __HYPERVISOR_xen_version, XENVER_version },
		{ __HYPERVISOR_console_io, CONSOLEIO_write },
		{ __HYPERVISOR_memory_op, XENMEM_populate_physmap },
		{ __HYPERVISOR_memory_op, XENMEM_add_to_physmap },
		{ __HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch },
		{ __HYPERVISOR_memory_op, XENMEM_remove_from_physmap },
		{ __HYPERVISOR_memory_op, XENMEM_memory_map },
		{ __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref },
		{ __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref },
		{ __HYPERVISOR_grant_table_op, GNTTABOP_copy },
		{ __HYPERVISOR_grant_table_op, GNTTABOP_setup_table },
		{ __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound },
		{ __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain },
		{ __HYPERVISOR_event_channel_op, EVTCHNOP_send },
		{ __HYPERVISOR_event_channel_op, EVTCHNOP_close },
		{ __HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer },
		{ __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area },
		{ __HYPERVISOR_hvm_op, HVMOP_set_param },
		{ __HYPERVISOR_sched_op, SCHEDOP_poll },
		{ __HYPERVISOR_sysctl, 0 },
		{ __HYPERVISOR_domctl, 0 },
	};
	unsigned int seen[sizeof(wanted) / sizeof(wanted[0])] = { 0 };
	unsigned int unknown = 0, domctls[64] = { 0 };
	struct hcgen_rng r;
	struct hcgen_call c;

	W = &w;
	hcgen_seed(&r, privileged ? 7 : 8);
	for (int i = 0; i < CALLS; i++) {
		hcgen_next(&r, &w, &c);
		check_call(&c);
		for (size_t k = 0; k < sizeof(wanted) / sizeof(wanted[0]); k++)
			seen[k] += c.nr == wanted[k].nr &&
				   (wanted[k].cmd == 0 || (c.arg[0] & MEMOP_CMD_MASK) == wanted[k].cmd);
		if (c.nr == __HYPERVISOR_domctl) {
			const struct tern_domctl *d = handle(c.arg[0], sizeof(*d));

			if (d && d->cmd < 64)
				domctls[d->cmd]++;
		}
		unknown += strcmp(c.name, "unknown") == 0;
	}
	for (size_t k = 0; k < sizeof(wanted) / sizeof(wanted[0]); k++) {
		if (seen[k] < 100)
			fprintf(stderr, "call %u/%lu came up %u times\n", wanted[k].nr,
				(unsigned long)wanted[k].cmd, seen[k]);
		assert_true(seen[k] >= 100);
	}
	assert_true(unknown > CALLS / 32);
	for (unsigned int op = 1; op <= 16; op++)
		if (op == 1 || op == 2 || op == 3 || op == 4 || op == 5 || op == 9 || op == 11 ||
		    op == 12 || op == 14 || op == 16)
			assert_true(domctls[op] > 100);
}

static void test_unprivileged_calls_are_safe_and_cover_everything(void **state)
{
	(void)state;
	run_and_count(false);
}

static void test_privileged_calls_never_change_the_caller(void **state)
{
	(void)state;
	run_and_count(true);
}

/* What a call creates is reported where its OUT field is. */
static void test_created_things_are_reported(void **state)
{
	struct hcgen_world w = world(true);
	struct hcgen_rng r;
	struct hcgen_call c;
	unsigned int ports = 0, maps = 0, domains = 0;

	(void)state;
	W = &w;
	hcgen_seed(&r, 9);
	for (int i = 0; i < CALLS; i++) {
		hcgen_next(&r, &w, &c);
		if (c.new_port) {
			assert_true((uint8_t *)c.new_port >= arena &&
				    (uint8_t *)c.new_port < arena + sizeof(arena));
			assert_int_equal(c.nr, __HYPERVISOR_event_channel_op);
			/* An unbound port made for another domain is not the caller's to close. */
			if (c.arg[0] == EVTCHNOP_alloc_unbound)
				assert_true(is_self(((struct evtchn_alloc_unbound *)
						     handle(c.arg[1], 8))->dom));
			ports++;
		}
		if (c.new_map) {
			assert_int_equal(c.nr, __HYPERVISOR_grant_table_op);
			assert_int_equal(c.arg[2], 1);
			maps++;
		}
		if (c.new_domain) {
			const struct tern_domctl *d = handle(c.arg[0], sizeof(*d));

			assert_non_null(d);
			assert_int_equal(d->cmd, TERN_DOMCTL_createdomain);
			assert_ptr_equal(c.new_domain, &d->domain);
			domains++;
		}
	}
	assert_true(ports > 100 && maps > 100 && domains > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_calls),
		cmocka_unit_test(test_unprivileged_calls_are_safe_and_cover_everything),
		cmocka_unit_test(test_privileged_calls_never_change_the_caller),
		cmocka_unit_test(test_created_things_are_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
