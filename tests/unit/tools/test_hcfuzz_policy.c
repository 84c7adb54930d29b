/* hcfuzz's policy: the calls that would stop or damage dom0 are never made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/xen.h>

#include "policy.h"

static uint8_t rw[4096] __attribute__((aligned(16)));
static struct hcf_arena arena;
static const uint16_t victims[] = { 4 };

static int setup(void **state)
{
	(void)state;
	memset(rw, 0, sizeof(rw));
	arena.start = (uint64_t)(uintptr_t)rw;
	arena.end = arena.start + sizeof(rw) + 3 * 4096; /* ro + untouched pages after it */
	arena.rw = rw;
	arena.rw_len = sizeof(rw);
	arena.victims = victims;
	arena.nr_victims = 1;
	return 0;
}

static const char *why(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t a[5] = { a0, a1, a2, 0, 0 };

	return hcf_skip_reason(nr, a, &arena);
}

static void test_sched_op(void **state)
{
	(void)state;
	assert_null(why(29, 0, 0, 0));                 /* yield */
	assert_non_null(why(29, 1, 0, 0));             /* block */
	assert_non_null(why(29, 2, 0, 0));             /* shutdown */
	assert_non_null(why(29, 3, 0, 0));             /* poll */
	assert_non_null(why(29, 0x100000002ull, 0, 0)); /* shutdown in the low 32 bits */
	assert_non_null(why(6, 2, 0, 0));              /* the old sched_op too */
	assert_null(why(29, 5, 0, 0));                 /* shutdown_code only records */
}

static void test_memory_op_uses_the_command_mask(void **state)
{
	(void)state;
	assert_null(why(12, 4, 0, 0));
	assert_non_null(why(12, 1, 0, 0));            /* decrease_reservation */
	assert_non_null(why(12, 1 | (5 << 6), 0, 0)); /* ... with a start extent */
	assert_non_null(why(12, 7, 0, 0));            /* add_to_physmap */
	assert_non_null(why(12, 23, 0, 0));
}

static void test_domctl_on_dom0(void **state)
{
	struct tern_domctl *d = (void *)(rw + 64);
	uint64_t p = (uint64_t)(uintptr_t)d;

	(void)state;
	d->interface_version = TERN_DOMCTL_INTERFACE_VERSION;
	d->cmd = TERN_DOMCTL_destroydomain;
	d->domain = 0;
	assert_non_null(why(36, p, 0, 0));
	d->domain = DOMID_SELF;
	d->cmd = TERN_DOMCTL_pausedomain;
	assert_non_null(why(36, p, 0, 0));
	d->domain = 4; /* the victim */
	assert_null(why(36, p, 0, 0));
	d->domain = 5; /* a bystander */
	assert_non_null(why(36, p, 0, 0));
	d->domain = DOMID_INVALID; /* nobody */
	assert_null(why(36, p, 0, 0));
	d->domain = 0;
	d->cmd = TERN_DOMCTL_getdomaininfo;
	assert_null(why(36, p, 0, 0));
	d->domain = 5;
	d->cmd = TERN_DOMCTL_get_param;
	assert_null(why(36, p, 0, 0));
	d->cmd = TERN_DOMCTL_createdomain;
	assert_non_null(why(36, p, 0, 0));
	/* Unreadable: nothing to decide on, the hypervisor gets -EFAULT. */
	assert_null(why(36, 0x8000000000001000ull, 0, 0));
	/* A header cut by the end of the read-write memory is not judged. */
	assert_non_null(why(36, (uint64_t)(uintptr_t)rw + sizeof(rw) - 8, 0, 0));
}

static void test_console_and_multicall(void **state)
{
	uint64_t p = (uint64_t)(uintptr_t)rw;

	(void)state;
	assert_non_null(why(18, 1, 16, 0));         /* read steals input */
	assert_non_null(why(18, 0, 16, p));         /* write of readable bytes */
	assert_null(why(18, 0, 16, 0x10));          /* write from the zero page: -EFAULT */
	assert_non_null(why(13, p, 2, 0));
	assert_null(why(13, p, 0, 0));
	assert_null(why(13, 0x100, 2, 0));
}

static void test_other_families(void **state)
{
	(void)state;
	assert_null(why(17, 0, 0, 0));   /* xen_version */
	assert_null(why(35, 0, 0, 0));   /* sysctl */
	assert_non_null(why(15, 0, 0, 0));
	assert_non_null(why(37, 0, 0, 0));
	assert_non_null(why(24, 2, 0, 0)); /* VCPUOP_down */
	assert_null(why(24, 3, 0, 0));     /* VCPUOP_is_up */
	assert_non_null(why(32, 3, 0, 0)); /* EVTCHNOP_close */
	assert_non_null(why(32, 10, 0, 0)); /* EVTCHNOP_reset */
	assert_null(why(32, 6, 0, 0));      /* alloc_unbound */
	assert_non_null(why(34, 0, 0, 0));  /* HVMOP_set_param */
	assert_null(why(34, 1, 0, 0));
	assert_non_null(why(20, 0, 0, 0));  /* map_grant_ref */
	assert_non_null(why(20, 5, 0, 0));  /* copy */
	assert_null(why(20, 6, 0, 0));
	assert_non_null(why(41, 0, 0, 0));
	assert_null(why(41, 3, 0, 0));
	assert_null(why(50, 0, 0, 0));
	assert_non_null(why(64, 0, 0, 0));
}

static void test_readable(void **state)
{
	(void)state;
	assert_true(hcf_maybe_readable(&arena, arena.start, 1));
	assert_true(hcf_maybe_readable(&arena, arena.start - 8, 16));
	assert_false(hcf_maybe_readable(&arena, arena.start - 16, 16));
	assert_false(hcf_maybe_readable(&arena, arena.end, 16));
	/* Wrapping past the top lands at 0..11, not in the arena. */
	assert_false(hcf_maybe_readable(&arena, ~0ull - 4, 16));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sched_op, setup),
		cmocka_unit_test_setup(test_memory_op_uses_the_command_mask, setup),
		cmocka_unit_test_setup(test_domctl_on_dom0, setup),
		cmocka_unit_test_setup(test_console_and_multicall, setup),
		cmocka_unit_test_setup(test_other_families, setup),
		cmocka_unit_test_setup(test_readable, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
