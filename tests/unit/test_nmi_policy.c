/* When a waiting NMI goes into dom0 (hvm/nmi_policy.c), for both vendors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <asm/hvm_nmi.h>

/* A guest in long mode with its whole IDT loaded, nothing in the way. */
static const struct hvm_nmi_window open_window = { .idt_limit = 256 * 16 - 1 };

static void test_nothing_waits(void **state)
{
	bool pending = false;

	(void)state;
	assert_int_equal(hvm_nmi_decide(&pending, &open_window), HVM_NMI_NONE);
	assert_false(pending);
}

static void test_an_open_window_injects_once(void **state)
{
	bool pending = true;

	(void)state;
	assert_int_equal(hvm_nmi_decide(&pending, &open_window), HVM_NMI_INJECT);
	assert_false(pending);
	assert_int_equal(hvm_nmi_decide(&pending, &open_window), HVM_NMI_NONE);
}

/* In the last NMI's handler, under a shadow, behind another event: it
 * waits and is still there when the window opens. */
static void test_each_block_makes_it_wait(void **state)
{
	struct hvm_nmi_window blocked[3] = { open_window, open_window, open_window };

	(void)state;
	blocked[0].blocked = true;
	blocked[1].shadow = true;
	blocked[2].event_pending = true;
	for (unsigned int i = 0; i < 3; i++) {
		bool pending = true;

		assert_int_equal(hvm_nmi_decide(&pending, &blocked[i]), HVM_NMI_WAIT);
		assert_true(pending);
		assert_int_equal(hvm_nmi_decide(&pending, &open_window), HVM_NMI_INJECT);
	}
}

/* An IDT too short for vector 2 (none loaded yet): dropped, not left to
 * triple-fault the guest, and not kept for later either. */
static void test_without_an_idt_for_vector_2_it_is_dropped(void **state)
{
	struct hvm_nmi_window w = open_window;
	bool pending = true;

	(void)state;
	w.idt_limit = HVM_NMI_IDT_LIMIT - 1;
	assert_int_equal(hvm_nmi_decide(&pending, &w), HVM_NMI_NONE);
	assert_false(pending);
	pending = true;
	w.idt_limit = HVM_NMI_IDT_LIMIT;
	assert_int_equal(hvm_nmi_decide(&pending, &w), HVM_NMI_INJECT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_waits),
		cmocka_unit_test(test_an_open_window_injects_once),
		cmocka_unit_test(test_each_block_makes_it_wait),
		cmocka_unit_test(test_without_an_idt_for_vector_2_it_is_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
