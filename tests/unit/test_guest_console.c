/*
 * Guest console text: whole lines come out one at a time (feeding stops at
 * the first line completed, so a caller can bound the work per call),
 * carriage returns go, long lines are cut at the buffer size, half lines wait
 * for the rest, and an unprivileged guest's lines are dropped once its byte
 * budget is spent, with the count of dropped lines given on the next line
 * that goes out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <tern/guest_console.h>

#define SEC 1000000000ull

/* Feeds all of text; returns the lines printed, joined with '|'. */
static const char *feed_all(struct guest_console *c, const char *text,
			    const struct ratelimit_policy *limit, uint64_t now, int *dropped)
{
	static char printed[4096];
	size_t len = strlen(text), done = 0;

	printed[0] = '\0';
	while (done < len) {
		struct guest_console_line line;
		size_t n = guest_console_feed(c, text + done, len - done, limit, now, &line);

		assert_true(n > 0 && n <= len - done);
		done += n;
		if (!line.text) {
			assert_int_equal(done, len); /* only the end leaves a line open */
			continue;
		}
		if (!line.print) {
			(*dropped)++;
			continue;
		}
		strncat(printed, line.text, line.len);
		strcat(printed, "|");
	}
	return printed;
}

static void test_lines_one_at_a_time(void **state)
{
	struct guest_console c = { 0 };
	struct guest_console_line line;
	int dropped = 0;

	(void)state;
	/* The first call stops after "one\n". */
	assert_int_equal(guest_console_feed(&c, "one\ntwo\n", 8, NULL, 0, &line), 4);
	assert_non_null(line.text);
	assert_int_equal(line.len, 3);
	assert_memory_equal(line.text, "one", 3);
	assert_true(line.print);
	assert_string_equal(feed_all(&c, "a\r\nb\n\nhalf", NULL, 0, &dropped), "a|b||");
	/* The half line waits; the rest completes it. */
	assert_string_equal(feed_all(&c, " and half\n", NULL, 0, &dropped), "half and half|");
	assert_int_equal(dropped, 0);
}

static void test_long_lines_are_cut(void **state)
{
	struct guest_console c = { 0 };
	char text[2 * GUEST_CONSOLE_LINE_MAX + 10];
	struct guest_console_line line;
	size_t n;

	(void)state;
	memset(text, 'x', sizeof(text));
	n = guest_console_feed(&c, text, sizeof(text), NULL, 0, &line);
	assert_int_equal(n, GUEST_CONSOLE_LINE_MAX);
	assert_int_equal(line.len, GUEST_CONSOLE_LINE_MAX);
	n = guest_console_feed(&c, text, 10, NULL, 0, &line);
	assert_int_equal(n, 10);
	assert_null(line.text);
	assert_int_equal(c.len, 10);
}

static void test_rate_limit_in_bytes(void **state)
{
	/* Room for two 10-byte lines at once, then one per second. */
	const struct ratelimit_policy limit = {
		SEC / (10 + GUEST_CONSOLE_LINE_OVERHEAD), 2 * (10 + GUEST_CONSOLE_LINE_OVERHEAD)
	};
	struct guest_console c = { 0 };
	struct guest_console_line line;
	int dropped = 0;

	(void)state;
	assert_string_equal(feed_all(&c, "0123456789\n0123456789\nxxxxxxxxxx\nyyyyyyyyyy\n",
				     &limit, SEC, &dropped), "0123456789|0123456789|");
	assert_int_equal(dropped, 2);
	/* A second later one more goes, saying how many were dropped before it. */
	guest_console_feed(&c, "zzzzzzzzzz\n", 11, &limit, 2 * SEC, &line);
	assert_true(line.print);
	assert_int_equal(line.suppressed, 2);
	guest_console_feed(&c, "zzzzzzzzzz\n", 11, &limit, 2 * SEC, &line);
	assert_false(line.print);
	/* The privileged domain's lines are never dropped. */
	dropped = 0;
	feed_all(&c, "0123456789\n0123456789\n0123456789\n", NULL, 2 * SEC, &dropped);
	assert_int_equal(dropped, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_one_at_a_time),
		cmocka_unit_test(test_long_lines_are_cut),
		cmocka_unit_test(test_rate_limit_in_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
