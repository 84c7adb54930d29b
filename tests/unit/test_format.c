/*
 * format_vsnprintf against the host's vsnprintf: same text, same return value,
 * for every conversion, flag, width, precision and length modifier format.h
 * promises, and for every buffer length from 0 to past the end (truncation).
 * Not covered: conversions format.h leaves out (%n, floating point), whose
 * output is ours to choose.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <tern/format.h>

#define OUT_MAX 512

static unsigned long compared;

/* Compares one format at every buffer length up to a byte past the output. */
static void check_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void check_fmt(const char *fmt, ...)
{
	char ours[OUT_MAX], ref[OUT_MAX];
	va_list ap, ap2;
	int want, got;
	size_t len;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	want = vsnprintf(ref, sizeof(ref), fmt, ap2);
	va_end(ap2);
	assert_true(want >= 0 && want < OUT_MAX - 1);

	for (len = 0; len <= (size_t)want + 1; len++) {
		memset(ours, 0x5a, sizeof(ours));
		va_copy(ap2, ap);
		got = format_vsnprintf(len ? ours : NULL, len, fmt, ap2);
		va_end(ap2);
		if (got != want)
			fail_msg("\"%s\" len %zu: returned %d, want %d", fmt, len, got, want);
		if (len && (strncmp(ours, ref, len - 1) || ours[MIN(len - 1, (size_t)want)]))
			fail_msg("\"%s\" len %zu: got \"%.*s\", want \"%s\"", fmt, len,
				 (int)len, ours, ref);
		/* Nothing past the terminator is touched. */
		if (len < sizeof(ours) && (unsigned char)ours[len] != 0x5a)
			fail_msg("\"%s\" len %zu: wrote past the buffer", fmt, len);
	}
	va_end(ap);
	compared++;
}

static const int64_t values[] = {
	0, 1, -1, 7, 8, 42, -42, 127, 128, -128, 255, 256, 32767, -32768, 65535, 65536,
	INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX, 0x100000000LL, INT64_MAX, INT64_MIN,
	0x123456789abcdef0LL, -0x123456789abcdefLL,
};

static const char *const flag_sets[] = {
	"", "-", "0", "+", " ", "#", "-0", "+0", " 0", "#0", "-#", "+ ", "-+ #0",
};
static const char *const widths[] = { "", "1", "8", "25" };
static const char *const precisions[] = { "", ".", ".0", ".3", ".25" };
static const char *const lengths[] = { "hh", "h", "", "l", "ll", "z", "t", "j" };
static const char conversions[] = "diuxXo";

/* Passes v with the type the length modifier names, so va_arg reads it as such. */
static void check_int(const char *fmt, const char *length, char conv, int64_t v)
{
	bool is_signed = conv == 'd' || conv == 'i';

	if (!strcmp(length, "hh") || !strcmp(length, "h") || !*length) {
		if (is_signed)
			check_fmt(fmt, (int)v);
		else
			check_fmt(fmt, (unsigned int)v);
	} else if (!strcmp(length, "l")) {
		if (is_signed)
			check_fmt(fmt, (long)v);
		else
			check_fmt(fmt, (unsigned long)v);
	} else if (!strcmp(length, "ll")) {
		if (is_signed)
			check_fmt(fmt, (long long)v);
		else
			check_fmt(fmt, (unsigned long long)v);
	} else if (!strcmp(length, "z")) {
		check_fmt(fmt, (size_t)v);
	} else if (!strcmp(length, "t")) {
		check_fmt(fmt, (ptrdiff_t)v);
	} else {
		if (is_signed)
			check_fmt(fmt, (intmax_t)v);
		else
			check_fmt(fmt, (uintmax_t)v);
	}
}

/* Every flag set x width x precision x length x conversion x value. */
static void test_integers(void **state)
{
	size_t f, w, p, l, c, v;
	char fmt[64];

	(void)state;
	for (f = 0; f < ARRAY_SIZE(flag_sets); f++)
	for (w = 0; w < ARRAY_SIZE(widths); w++)
	for (p = 0; p < ARRAY_SIZE(precisions); p++)
	for (l = 0; l < ARRAY_SIZE(lengths); l++)
	for (c = 0; conversions[c]; c++) {
		snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%c>", flag_sets[f], widths[w],
			 precisions[p], lengths[l], conversions[c]);
		for (v = 0; v < ARRAY_SIZE(values); v++)
			check_int(fmt, lengths[l], conversions[c], values[v]);
	}
	print_message("%lu integer formats compared\n", compared);
}

static void test_int64_extremes(void **state)
{
	char buf[64];

	(void)state;
	check_fmt("%lld", (long long)INT64_MIN);
	check_fmt("%+025lld|%-25lld|", (long long)INT64_MIN, (long long)INT64_MIN);
	check_fmt("%llu %llx %llo", (unsigned long long)UINT64_MAX,
		  (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX);
	check_fmt("%#llo %#llX", (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX);
	assert_int_equal(format_snprintf(buf, sizeof(buf), "%jd", INTMAX_MIN), 20);
	assert_string_equal(buf, "-9223372036854775808");
}

static void test_strings_and_chars(void **state)
{
	static const char unterminated[3] = { 'a', 'b', 'c' };
	const char *volatile null_str = NULL; /* hidden from gcc's format checks */
	char buf[32];

	(void)state;
	check_fmt("%s|%10s|%-10s|%.2s|%10.2s|%-10.2s|%.0s|", "hello", "hello", "hello", "hello",
		  "hello", "hello", "hello");
	check_fmt("%s%s%s", "", "x", "");
	check_fmt("%*s|%-*s|%.*s|%*.*s|", 7, "ab", 7, "ab", 1, "ab", -7, 1, "ab");
	check_fmt("%*d|%.*d|", -6, 42, -3, 42);
	check_fmt("%c%c%5c%-5c|", 'a', 'Z', 'x', 'y');
	check_fmt("%s", "non-ascii \xe9\xff bytes");
	/* Precision bounds the read: the string need not be terminated. */
	assert_int_equal(format_snprintf(buf, sizeof(buf), "%.3s", unterminated), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(format_snprintf(buf, sizeof(buf), "[%s]", null_str), 8);
	assert_string_equal(buf, "[(null)]");
}

static void test_pointers_and_percent(void **state)
{
	int x;

	(void)state;
	check_fmt("%p %p", (void *)&x, (void *)0x1234);
	check_fmt("%20p|%-20p|", (void *)0xdeadbeef, (void *)0xdeadbeef);
	check_fmt("%p", (void *)NULL);
	check_fmt("100%% %d%%", 5);
	check_fmt("no conversions at all");
	check_fmt("%s", "");
}

static void test_widths_and_mixtures(void **state)
{
	(void)state;
	check_fmt("%5d|%-5d|%05d|%+5d|% 5d|%5.3d|%-5.3d|", 42, 42, 42, 42, 42, 42, 42);
	check_fmt("%#x %#X %#o %#.0o %#.0x %.0d %5.0d|", 0, 0, 0, 0, 0, 0, 0);
	check_fmt("%#x %#X %#o %#5o %#08x", 255, 255, 8, 8, 255);
	check_fmt("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	check_fmt("%zu %zx %td", (size_t)SIZE_MAX, (size_t)0xabc, (ptrdiff_t)-5);
	check_fmt("%200d|", 1);
	check_fmt("%.200d|", -1);
	check_fmt("%i %d %u", -7, INT_MIN, UINT_MAX);
	check_fmt("a%sb%dc%xd%se", "X", 1, 0xff, "Y");
}

/* Length 0 writes nothing, not even the terminator; a NULL buffer is fine then. */
static void test_len_zero(void **state)
{
	char buf[4] = "xyz";

	(void)state;
	assert_int_equal(format_snprintf(buf, 0, "%d", 12345), 5);
	assert_string_equal(buf, "xyz");
	assert_int_equal(format_snprintf(NULL, 0, "%s-%s", "ab", "cd"), 5);
	assert_int_equal(format_snprintf(buf, 1, "%d", 12345), 5);
	assert_string_equal(buf, "");
	assert_int_equal(format_snprintf(buf, sizeof(buf), "%d", 12345), 5);
	assert_string_equal(buf, "123");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_int64_extremes),
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_pointers_and_percent),
		cmocka_unit_test(test_widths_and_mixtures),
		cmocka_unit_test(test_len_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
