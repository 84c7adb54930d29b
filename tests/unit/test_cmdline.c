/*
 * The hypervisor command line: good input (every option, Xen's syntax), bad
 * input (each refused with a report naming the option, and the default kept
 * whole), and hostile input (long words, odd blanks, quotes, huge numbers,
 * non-ASCII and random bytes) that must never crash or read out of bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tern/cmdline.h>

#define MAX_REPORTS 16

static struct boot_options opts, defaults;
static unsigned int nr_reports;
static char report_name[MAX_REPORTS][128];
static char report_reason[MAX_REPORTS][128];

static void record(const char *option, const char *reason)
{
	assert_non_null(option);
	assert_non_null(reason);
	assert_true(reason[0] != '\0');
	if (nr_reports < MAX_REPORTS) {
		snprintf(report_name[nr_reports], sizeof(report_name[0]), "%s", option);
		snprintf(report_reason[nr_reports], sizeof(report_reason[0]), "%s", reason);
	}
	nr_reports++;
}

static int setup(void **state)
{
	(void)state;
	boot_options_default(&defaults);
	boot_options_default(&opts);
	nr_reports = 0;
	return 0;
}

static void parse(const char *line)
{
	nr_reports = 0;
	cmdline_parse(line, &opts, record);
}

static bool same_options(const struct boot_options *a, const struct boot_options *b)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		const struct uart_config *x = &a->com[i], *y = &b->com[i];

		if (x->baud != y->baud || x->data_bits != y->data_bits || x->parity != y->parity ||
		    x->stop_bits != y->stop_bits || x->io_base != y->io_base || x->irq != y->irq)
			return false;
	}
	return a->dom0_mem == b->dom0_mem && a->dom0_mem_min == b->dom0_mem_min &&
	       a->dom0_mem_max == b->dom0_mem_max && a->dom0_max_vcpus == b->dom0_max_vcpus &&
	       a->dom0_vcpus_pin == b->dom0_vcpus_pin && a->console == b->console &&
	       a->loglvl == b->loglvl && a->loglvl_rate_limited == b->loglvl_rate_limited &&
	       a->guest_loglvl == b->guest_loglvl &&
	       a->guest_loglvl_rate_limited == b->guest_loglvl_rate_limited &&
	       a->noreboot == b->noreboot;
}

/* A line that must be refused with one report for `name`, changing nothing. */
static void refused(const char *line, const char *name, const char *reason_part)
{
	struct boot_options before = opts;

	parse(line);
	if (nr_reports != 1)
		fail_msg("\"%s\": %u reports, want 1", line, nr_reports);
	if (strcmp(report_name[0], name))
		fail_msg("\"%s\": reported as \"%s\", want \"%s\"", line, report_name[0], name);
	if (reason_part && !strstr(report_reason[0], reason_part))
		fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", line, report_reason[0], reason_part);
	if (!same_options(&before, &opts))
		fail_msg("\"%s\": options changed", line);
}

static void accepted(const char *line)
{
	parse(line);
	if (nr_reports)
		fail_msg("\"%s\": reported %s: %s", line, report_name[0], report_reason[0]);
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(opts.dom0_mem, 0);
	assert_int_equal(opts.dom0_max_vcpus, 0);
	assert_false(opts.dom0_vcpus_pin);
	assert_int_equal(opts.console, CONSOLE_COM1);
	assert_int_equal(opts.com[0].baud, 115200);
	assert_int_equal(opts.com[0].data_bits, 8);
	assert_int_equal(opts.com[0].parity, 'n');
	assert_int_equal(opts.com[0].stop_bits, 1);
	assert_int_equal(opts.com[0].io_base, 0x3f8);
	assert_int_equal(opts.com[0].irq, 4);
	assert_int_equal(opts.com[1].io_base, 0x2f8);
	assert_int_equal(opts.com[1].irq, 3);
	assert_int_equal(opts.loglvl, LOG_INFO);
	assert_int_equal(opts.guest_loglvl, LOG_INFO);
	assert_false(opts.noreboot);
	/* Nothing, blanks only, or no line at all: no change, no report. */
	accepted("");
	accepted(" \t\n\r ");
	cmdline_parse(NULL, &opts, record);
	cmdline_parse("bogus", &opts, NULL);
	assert_true(same_options(&opts, &defaults));
}

/* The line from design.md, as GRUB hands it over. */
static void test_design_example(void **state)
{
	const char *line = "/tern.gz dom0_mem=256M dom0_max_vcpus=1 dom0_vcpus_pin "
			   "console=com1 com1=115200,8n1";

	(void)state;
	accepted(cmdline_skip_image_name(line, "qemu"));
	assert_int_equal(opts.dom0_mem, 256ULL << 20);
	assert_int_equal(opts.dom0_max_vcpus, 1);
	assert_true(opts.dom0_vcpus_pin);
	assert_int_equal(opts.console, CONSOLE_COM1);
	assert_int_equal(opts.com[0].baud, 115200);
	assert_int_equal(opts.com[0].io_base, 0x3f8);
}

static void test_skip_image_name(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "/tern.gz dom0_mem=1G", "dom0_mem=1G" },
		{ "  build/tern.elf \t console=vga", "console=vga" },
		{ "/tern.gz", "" },
		{ "dom0_mem=1G noreboot", "dom0_mem=1G noreboot" },
		{ "  console=vga", "console=vga" },
		/* A bare option is not an image name: nothing is lost. */
		{ "noreboot console=vga", "noreboot console=vga" },
		{ "no-dom0_vcpus_pin", "no-dom0_vcpus_pin" },
		{ "tern noreboot", "noreboot" },
		{ "", "" },
		{ "   ", "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_string_equal(cmdline_skip_image_name(cases[i].in, "qemu"), cases[i].out);
		assert_string_equal(cmdline_skip_image_name(cases[i].in, NULL), cases[i].out);
		assert_string_equal(cmdline_skip_image_name(cases[i].in, "GNU GRUB 0.97"),
				    cases[i].out);
	}
	assert_string_equal(cmdline_skip_image_name(NULL, "qemu"), "");
}

/* GRUB 2 passes the arguments alone: a first bare word is an argument. */
static void test_grub2_passes_no_image_name(void **state)
{
	static const char *const loaders[] = { "GRUB 2.06-13+deb12u2", "GRUB 2.12", "GRUB 1.99" };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(loaders); i++) {
		assert_string_equal(cmdline_skip_image_name("quiet root=/dev/vda1", loaders[i]),
				    "quiet root=/dev/vda1");
		assert_string_equal(cmdline_skip_image_name("  frob dom0_mem=1G", loaders[i]),
				    "frob dom0_mem=1G");
		assert_string_equal(cmdline_skip_image_name("", loaders[i]), "");
	}
	/* The same line from QEMU loses its first word, taken for the path. */
	assert_string_equal(cmdline_skip_image_name("quiet root=/dev/vda1", "qemu"), "root=/dev/vda1");
}

static void test_parse_size(void **state)
{
	static const struct { const char *in; uint64_t want; } good[] = {
		{ "0", 0 }, { "1", 1024 }, { "1k", 1024 }, { "1K", 1024 }, { "1KB", 1024 },
		{ "2M", 2ULL << 20 }, { "2mb", 2ULL << 20 }, { "3G", 3ULL << 30 },
		{ "1T", 1ULL << 40 }, { "1t", 1ULL << 40 }, { "512B", 512 }, { "7b", 7 },
		{ "0x10M", 16ULL << 20 }, { "18014398509481983", 18014398509481983ULL << 10 },
		{ "16777215T", 16777215ULL << 40 }, { "18446744073709551615B", UINT64_MAX },
	};
	static const char *const bad[] = {
		"", "M", "K1", "-1", " 1", "0x", "0xG", "16777216T", "18014398509481984",
		"18446744073709551616B", "99999999999999999999999999", "1MM", "1Q", "1 M",
	};
	const char *end;
	uint64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		v = 42;
		if (!parse_size(good[i].in, NULL, &v))
			fail_msg("parse_size(\"%s\") failed", good[i].in);
		assert_int_equal(v, good[i].want);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		v = 42;
		if (parse_size(bad[i], NULL, &v))
			fail_msg("parse_size(\"%s\") accepted", bad[i]);
		assert_int_equal(v, 42);
	}
	/* With an end pointer, parsing stops where the size does. */
	assert_true(parse_size("256M,max:1G", &end, &v));
	assert_int_equal(v, 256ULL << 20);
	assert_string_equal(end, ",max:1G");
	assert_true(parse_size("64kx", &end, &v));
	assert_string_equal(end, "x");
	assert_false(parse_size(NULL, &end, &v));
}

static void test_dom0_mem(void **state)
{
	(void)state;
	accepted("dom0_mem=min:128M,max:1G,512M");
	assert_int_equal(opts.dom0_mem_min, 128ULL << 20);
	assert_int_equal(opts.dom0_mem_max, 1ULL << 30);
	assert_int_equal(opts.dom0_mem, 512ULL << 20);
	/* A later dom0_mem= replaces the whole setting. */
	accepted("dom0_mem=max:2G");
	assert_int_equal(opts.dom0_mem_max, 2ULL << 30);
	assert_int_equal(opts.dom0_mem, 0);
	assert_int_equal(opts.dom0_mem_min, 0);
	accepted("dom0_mem=262144");
	assert_int_equal(opts.dom0_mem, 256ULL << 20);
	accepted("dom0_mem=\"1G\"");
	assert_int_equal(opts.dom0_mem, 1ULL << 30);

	refused("dom0_mem=abc", "dom0_mem", "bad size");
	refused("dom0_mem=256M,foo", "dom0_mem", "bad size");  /* 256M must not stick */
	refused("dom0_mem=max:512M,min:1G", "dom0_mem", "min");
	refused("dom0_mem=", "dom0_mem", "empty");
	refused("dom0_mem=256M,", "dom0_mem", "empty");
	refused("dom0_mem=,256M", "dom0_mem", "empty");
	refused("dom0_mem=min:", "dom0_mem", "bad size");
	refused("dom0_mem=mid:1G", "dom0_mem", "bad size");
	refused("dom0_mem=1Q", "dom0_mem", "bad size");
	refused("dom0_mem=99999999999999999999T", "dom0_mem", "bad size");
	refused("dom0_mem=16777216T", "dom0_mem", "bad size");
	refused("dom0_mem", "dom0_mem", "missing value");
	assert_int_equal(opts.dom0_mem, 1ULL << 30);
}

static void test_dom0_max_vcpus(void **state)
{
	(void)state;
	accepted("dom0_max_vcpus=4");
	assert_int_equal(opts.dom0_max_vcpus, 4);
	accepted("dom0_max_vcpus=1-8");
	assert_int_equal(opts.dom0_max_vcpus, 8);
	accepted("dom0_max_vcpus=-2");
	assert_int_equal(opts.dom0_max_vcpus, 2);
	accepted("dom0_max_vcpus=4096");
	assert_int_equal(opts.dom0_max_vcpus, 4096);
	accepted("dom0_max_vcpus=3-3");
	assert_int_equal(opts.dom0_max_vcpus, 3);

	refused("dom0_max_vcpus=0", "dom0_max_vcpus", "range");
	refused("dom0_max_vcpus=4097", "dom0_max_vcpus", "range");
	refused("dom0_max_vcpus=8-2", "dom0_max_vcpus", "range");
	refused("dom0_max_vcpus=0-2", "dom0_max_vcpus", "range");
	refused("dom0_max_vcpus=abc", "dom0_max_vcpus", "number");
	refused("dom0_max_vcpus=", "dom0_max_vcpus", "number");
	refused("dom0_max_vcpus=2-", "dom0_max_vcpus", "number");
	refused("dom0_max_vcpus=-", "dom0_max_vcpus", "number");
	refused("dom0_max_vcpus=4x", "dom0_max_vcpus", "trailing");
	refused("dom0_max_vcpus=1-2-3", "dom0_max_vcpus", "trailing");
	refused("dom0_max_vcpus=99999999999999999999999", "dom0_max_vcpus", "number");
	refused("dom0_max_vcpus=4294967297", "dom0_max_vcpus", "range");
	refused("dom0_max_vcpus", "dom0_max_vcpus", "missing value");
	assert_int_equal(opts.dom0_max_vcpus, 3);
}

static void test_booleans(void **state)
{
	(void)state;
	accepted("noreboot dom0_vcpus_pin");
	assert_true(opts.noreboot);
	assert_true(opts.dom0_vcpus_pin);
	accepted("no-noreboot no-dom0_vcpus_pin");
	assert_false(opts.noreboot);
	assert_false(opts.dom0_vcpus_pin);
	static const char *const yes[] = { "1", "yes", "true", "on", "enable" };
	static const char *const no[] = { "0", "no", "false", "off", "disable" };
	char line[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		snprintf(line, sizeof(line), "noreboot=%s", yes[i]);
		accepted(line);
		assert_true(opts.noreboot);
		snprintf(line, sizeof(line), "noreboot=%s", no[i]);
		accepted(line);
		assert_false(opts.noreboot);
		snprintf(line, sizeof(line), "no-dom0_vcpus_pin=%s", no[i]);
		accepted(line);
		assert_true(opts.dom0_vcpus_pin);
	}
	refused("noreboot=maybe", "noreboot", "boolean");
	refused("noreboot=", "noreboot", "boolean");
	refused("noreboot=YES", "noreboot", "boolean");
	refused("no-console=vga", "no-console", "boolean");
	refused("no-", "no-", "unknown");
	refused("no-foo", "no-foo", "unknown");
	refused("no-no-noreboot", "no-no-noreboot", "unknown");
}

static void test_console(void **state)
{
	(void)state;
	accepted("console=com1,vga");
	assert_int_equal(opts.console, CONSOLE_COM1 | CONSOLE_VGA);
	accepted("console=com2");
	assert_int_equal(opts.console, CONSOLE_COM2);
	accepted("console=none");
	assert_int_equal(opts.console, 0);
	accepted("console=vga,com2,com1");
	assert_int_equal(opts.console, CONSOLE_COM1 | CONSOLE_COM2 | CONSOLE_VGA);

	refused("console=com1,,vga", "console", "empty");
	refused("console=", "console", "empty");
	refused("console=com1,", "console", "empty");
	refused("console=serial", "console", "unknown console");
	refused("console=com1,com3", "console", "unknown console");
	refused("console=COM1", "console", "unknown console");
	refused("console=com", "console", "unknown console");
	refused("console=com1x", "console", "unknown console");
	refused("console", "console", "missing value");
}

static void expect_uart(unsigned int port, uint32_t baud, uint8_t data, char parity,
			uint8_t stop, uint16_t io, uint8_t irq)
{
	const struct uart_config *uc = &opts.com[port - 1];

	assert_int_equal(uc->baud, baud);
	assert_int_equal(uc->data_bits, data);
	assert_int_equal(uc->parity, parity);
	assert_int_equal(uc->stop_bits, stop);
	assert_int_equal(uc->io_base, io);
	assert_int_equal(uc->irq, irq);
}

static void test_com(void **state)
{
	(void)state;
	accepted("com1=9600,8n1");
	expect_uart(1, 9600, 8, 'n', 1, 0x3f8, 4);
	accepted("com1=115200,8n1,0x3f8,4");
	expect_uart(1, 115200, 8, 'n', 1, 0x3f8, 4);
	accepted("com2=38400,7e2,0x2e8,5");
	expect_uart(2, 38400, 7, 'e', 2, 0x2e8, 5);
	expect_uart(1, 115200, 8, 'n', 1, 0x3f8, 4);
	accepted("com1=auto");
	expect_uart(1, 0, 8, 'n', 1, 0x3f8, 4);
	/* Empty fields keep their value. */
	accepted("com1=,,0x3e8");
	expect_uart(1, 0, 8, 'n', 1, 0x3e8, 4);
	accepted("com1=,5O1,,0");
	expect_uart(1, 0, 5, 'o', 1, 0x3e8, 0);
	accepted("com1=");
	accepted("com1=,,,");
	accepted("com1=57600,6s2,1016,15");
	expect_uart(1, 57600, 6, 's', 2, 1016, 15);
	accepted("com1=1,8m1,0xffff");
	expect_uart(1, 1, 8, 'm', 1, 0xffff, 15);
	accepted("com1=4000000");
	expect_uart(1, 4000000, 8, 'm', 1, 0xffff, 15);

	/* Each refusal leaves every field as it was, even those before the bad one. */
	refused("com1=9600,8n1,0x3f8,16", "com1", "IRQ");
	refused("com1=9600,8n1,0x3f8,4,1", "com1", "too many");
	refused("com1=0", "com1", "baud");
	refused("com1=4000001", "com1", "baud");
	refused("com1=fast", "com1", "baud");
	refused("com1=9600x", "com1", "baud");
	refused("com1=-9600", "com1", "baud");
	refused("com1=115200/1843200", "com1", "baud");
	refused("com1=99999999999999999999999", "com1", "baud");
	refused("com1=9600,9n1", "com1", "8n1");
	refused("com1=9600,4n1", "com1", "8n1");
	refused("com1=9600,8x1", "com1", "8n1");
	refused("com1=9600,8n3", "com1", "8n1");
	refused("com1=9600,8n", "com1", "8n1");
	refused("com1=9600,8n11", "com1", "8n1");
	refused("com1=9600,8n1,0", "com1", "I/O");
	refused("com1=9600,8n1,0x10000", "com1", "I/O");
	refused("com1=9600,8n1,0x3f8g", "com1", "I/O");
	refused("com1=9600,8n1,pci", "com1", "I/O");
	refused("com1=9600,8n1,0x3f8,-1", "com1", "IRQ");
	refused("com1=9600,8n1,0x3f8,4x", "com1", "IRQ");
	refused("com2", "com2", "missing value");
	refused("com3=9600", "com3", "unknown option");
	expect_uart(1, 4000000, 8, 'm', 1, 0xffff, 15);
	expect_uart(2, 38400, 7, 'e', 2, 0x2e8, 5);
}

static void test_loglvl(void **state)
{
	(void)state;
	accepted("loglvl=debug");
	assert_int_equal(opts.loglvl, LOG_DEBUG);
	assert_int_equal(opts.loglvl_rate_limited, LOG_DEBUG);
	accepted("loglvl=info/debug guest_loglvl=none/all");
	assert_int_equal(opts.loglvl, LOG_INFO);
	assert_int_equal(opts.loglvl_rate_limited, LOG_DEBUG);
	assert_int_equal(opts.guest_loglvl, LOG_NONE);
	assert_int_equal(opts.guest_loglvl_rate_limited, LOG_ALL);
	/* As in Xen, the rate-limited level is never below the other. */
	accepted("loglvl=warning/error");
	assert_int_equal(opts.loglvl, LOG_WARNING);
	assert_int_equal(opts.loglvl_rate_limited, LOG_WARNING);
	accepted("guest_loglvl=error");
	assert_int_equal(opts.guest_loglvl, LOG_ERR);
	assert_int_equal(opts.guest_loglvl_rate_limited, LOG_ERR);

	refused("loglvl=verbose", "loglvl", "log level");
	refused("loglvl=info/", "loglvl", "log level");
	refused("loglvl=/info", "loglvl", "log level");
	refused("loglvl=info/debug/all", "loglvl", "log level");
	refused("loglvl=", "loglvl", "log level");
	refused("loglvl=INFO", "loglvl", "log level");
	refused("loglvl=infos", "loglvl", "log level");
	refused("guest_loglvl=3", "guest_loglvl", "log level");
	refused("loglvl", "loglvl", "missing value");
}

static void test_unknown_and_malformed_words(void **state)
{
	(void)state;
	refused("foo=bar", "foo", "unknown option");
	refused("foo", "foo", "unknown option");
	refused("=", "=", "missing option name");
	refused("=1G", "=", "missing option name");
	refused("==", "=", "missing option name");
	refused("\"\"", "\"\"", "missing option name");
	refused("console=\"vga", "console", "unterminated quote");
	refused("\"noreboot", "noreboot", "unterminated quote");
	refused("\xff\xfe=1", "??", "unknown option");
	refused("console=\xe9", "console", "unknown console");
	refused("dom0_mem=256\xc3\xa9", "dom0_mem", "bad size");
	refused("noreboot\x01", "noreboot?", "unknown option");

	/* Unknown options do not stop the rest of the line. */
	parse("foo noreboot bar=1 console=vga");
	assert_int_equal(nr_reports, 2);
	assert_string_equal(report_name[0], "foo");
	assert_string_equal(report_name[1], "bar");
	assert_true(opts.noreboot);
	assert_int_equal(opts.console, CONSOLE_VGA);
}

static void test_blanks_and_quotes(void **state)
{
	(void)state;
	accepted("  \t noreboot \t\t console=vga  \n");
	assert_true(opts.noreboot);
	assert_int_equal(opts.console, CONSOLE_VGA);
	/* Quoted values may hold blanks (they then fail as values, not as words). */
	accepted("console=\"com1,vga\"");
	assert_int_equal(opts.console, CONSOLE_COM1 | CONSOLE_VGA);
	refused("console=\"com1, vga\"", "console", "unknown console");
	accepted("\"com2\"=\"38400\"");
	assert_int_equal(opts.com[1].baud, 38400);
	accepted("lo\"glvl\"=de\"bu\"g");
	assert_int_equal(opts.loglvl, LOG_DEBUG);
	/* An '=' inside quotes is part of the name. */
	refused("\"noreboot=1\"", "noreboot=1", "unknown option");
	/* A value may contain '='. */
	refused("console=vga=1", "console", "unknown console");
}

static void test_long_words(void **state)
{
	static char line[20000];
	size_t n;

	(void)state;
	/* A name far longer than any option. */
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	parse(line);
	assert_int_equal(nr_reports, 1);
	assert_true(strlen(report_name[0]) < 100);
	assert_non_null(strstr(report_reason[0], "too long"));

	/* A value far longer than any sane one: refused whole. */
	n = (size_t)snprintf(line, sizeof(line), "dom0_mem=");
	memset(line + n, '9', sizeof(line) - 1 - n);
	refused(line, "dom0_mem", "too long");
	n = (size_t)snprintf(line, sizeof(line), "console=");
	while (n + 6 < sizeof(line) - 1)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "com1,");
	refused(line, "console", "too long");
	/* A long quoted stretch with blanks inside, then a real option. */
	n = (size_t)snprintf(line, sizeof(line), "x=\"");
	memset(line + n, ' ', 5000);
	snprintf(line + n + 5000, sizeof(line) - n - 5000, "\" noreboot");
	parse(line);
	assert_int_equal(nr_reports, 1);
	assert_string_equal(report_name[0], "x");
	assert_true(opts.noreboot);
}

static uint64_t rnd_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void count_only(const char *option, const char *reason)
{
	assert_non_null(option);
	assert_non_null(reason);
	assert_true(strlen(option) < 128);
	nr_reports++;
}

/*
 * Random lines built from option names, separators and random bytes, each in a
 * malloc'ed buffer of its exact size so ASan catches any read past the end.
 * Whatever is accepted must be a value format() can describe.
 */
static void test_random_lines(void **state)
{
	static const char *const pieces[] = {
		"dom0_mem", "dom0_max_vcpus", "dom0_vcpus_pin", "console", "com1", "com2",
		"loglvl", "guest_loglvl", "noreboot", "no-", "=", "\"", ",", "/", ":", "-", " ",
		"\t", "min:", "max:", "0x", "9", "1", "256M", "8n1", "auto", "vga", "info",
		"99999999999999999999", "\xff", "\x80", "K", "T",
	};
	char text[512], out[512];
	int iter;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		size_t n = 0, len;
		char *line;

		while (n < 200 && rnd() % 12) {
			const char *p = pieces[rnd() % ARRAY_SIZE(pieces)];

			if (rnd() % 8 == 0)
				text[n++] = (char)(1 + rnd() % 255);
			else
				n += (size_t)snprintf(text + n, sizeof(text) - n, "%s", p);
		}
		text[n] = '\0';
		len = strlen(text);
		line = malloc(len + 1);
		memcpy(line, text, len + 1);
		boot_options_default(&opts);
		nr_reports = 0;
		cmdline_parse(cmdline_skip_image_name(line, "qemu"), &opts, count_only);
		free(line);
		assert_true(opts.dom0_max_vcpus <= 4096);
		assert_true(opts.loglvl <= LOG_ALL && opts.loglvl_rate_limited >= opts.loglvl);
		assert_true(opts.com[0].data_bits >= 5 && opts.com[0].data_bits <= 8);
		assert_true(opts.com[0].irq <= 15 && opts.com[1].irq <= 15);
		assert_true(boot_options_format(&opts, out, sizeof(out)) < sizeof(out));
	}
}

static void test_format(void **state)
{
	char buf[256];
	size_t n;

	(void)state;
	n = boot_options_format(&opts, buf, sizeof(buf));
	assert_string_equal(buf, "console=com1 com1=115200,8n1,0x3f8,4 "
				 "loglvl=info guest_loglvl=info");
	assert_int_equal(n, strlen(buf));

	accepted("dom0_mem=min:128M,max:1G,262145 dom0_max_vcpus=1-2 dom0_vcpus_pin "
		 "console=com2,vga com2=auto,7e2 loglvl=info/debug guest_loglvl=none noreboot");
	n = boot_options_format(&opts, buf, sizeof(buf));
	assert_string_equal(buf, "dom0_mem=min:128M,max:1G,262145K dom0_max_vcpus=2 "
				 "dom0_vcpus_pin console=com2,vga com2=auto,7e2,0x2f8,3 "
				 "loglvl=info/debug guest_loglvl=none noreboot");
	assert_int_equal(n, strlen(buf));

	accepted("console=none com1=9600 dom0_mem=1T");
	boot_options_format(&opts, buf, sizeof(buf));
	assert_non_null(strstr(buf, "dom0_mem=1T "));
	assert_non_null(strstr(buf, "console=none com1=9600,8n1,0x3f8,4 com2=auto"));
}

/* format's text parses back into the same options. */
static void test_format_round_trip(void **state)
{
	static const char *const lines[] = {
		"",
		"dom0_mem=256M dom0_max_vcpus=1 dom0_vcpus_pin console=com1 com1=115200,8n1",
		"dom0_mem=max:3G,1 console=none loglvl=all guest_loglvl=error/debug",
		"console=com1,com2,vga com1=auto,5s2,0x1000,0 com2=50,6o1,1,15 noreboot",
		"dom0_mem=min:1B",
	};
	struct boot_options back;
	char buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		boot_options_default(&opts);
		accepted(lines[i]);
		boot_options_format(&opts, buf, sizeof(buf));
		boot_options_default(&back);
		nr_reports = 0;
		cmdline_parse(buf, &back, record);
		assert_int_equal(nr_reports, 0);
		if (!same_options(&opts, &back))
			fail_msg("\"%s\" -> \"%s\" does not parse back", lines[i], buf);
	}
}

/* Every buffer length: terminated, a prefix of the whole line, same return value. */
static void test_format_truncation(void **state)
{
	char full[256], buf[256];
	size_t n, len;

	(void)state;
	accepted("dom0_mem=256M dom0_max_vcpus=4 console=com1,vga loglvl=debug");
	n = boot_options_format(&opts, full, sizeof(full));
	assert_true(n > 40);
	for (len = 0; len <= n + 2; len++) {
		memset(buf, 0x5a, sizeof(buf));
		assert_int_equal(boot_options_format(&opts, buf, len), n);
		if (len) {
			assert_int_equal(strlen(buf), MIN(len - 1, n));
			assert_memory_equal(buf, full, strlen(buf));
		}
		assert_int_equal((unsigned char)buf[len], 0x5a);
	}
	assert_int_equal(boot_options_format(&opts, NULL, 0), n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, setup),
		cmocka_unit_test_setup(test_design_example, setup),
		cmocka_unit_test_setup(test_skip_image_name, setup),
		cmocka_unit_test_setup(test_grub2_passes_no_image_name, setup),
		cmocka_unit_test_setup(test_parse_size, setup),
		cmocka_unit_test_setup(test_dom0_mem, setup),
		cmocka_unit_test_setup(test_dom0_max_vcpus, setup),
		cmocka_unit_test_setup(test_booleans, setup),
		cmocka_unit_test_setup(test_console, setup),
		cmocka_unit_test_setup(test_com, setup),
		cmocka_unit_test_setup(test_loglvl, setup),
		cmocka_unit_test_setup(test_unknown_and_malformed_words, setup),
		cmocka_unit_test_setup(test_blanks_and_quotes, setup),
		cmocka_unit_test_setup(test_long_words, setup),
		cmocka_unit_test_setup(test_random_lines, setup),
		cmocka_unit_test_setup(test_format, setup),
		cmocka_unit_test_setup(test_format_round_trip, setup),
		cmocka_unit_test_setup(test_format_truncation, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
