/*
 * xentop [-h] [-V] [-b] [-d SECS] [-i N] [-v] [-n] [-x] [-r] [-f]: the
 * domains' use of the host, every SECS seconds (default 3), N times (or
 * until stopped), with xentop's options and formats. -b prints the table
 * each time (batch mode, as scripts read it); without -b the terminal
 * shows the summary and the table, redrawn, until 'q' (n, x, v, r toggle
 * what -n, -x, -v, -r show).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ternctl.h"
#include "top.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(const char *prog)
{
	printf("Usage: %s [OPTION]...\n"
	       "The domains' use of CPU, memory, network and disks, sampled every few seconds.\n\n"
	       "  -b, --batch          print the table each time, read no keys (for scripts)\n"
	       "  -d, --delay=SECS     seconds between samples (3)\n"
	       "  -i, --iterations=N   stop after N samples\n"
	       "  -n, --networks       a line per network interface under its domain\n"
	       "  -x, --vbds           a line per virtual disk under its domain\n"
	       "  -v, --vcpus          each domain's vCPUs and their seconds of CPU time\n"
	       "  -r, --repeat-header  the column header again before each domain\n"
	       "  -f, --full-name      names not cut to the column's ten characters\n"
	       "  -V, --version        the version, then exit\n"
	       "  -h, --help           this text, then exit\n"
	       "\nOn the screen (without -b): q quits; n, x, v and r switch what -n, -x, -v\n"
	       "and -r show.\n", prog);
}

/* A positive count of seconds or iterations; 0 if s is not one. */
static unsigned count_of(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	return *s >= '0' && *s <= '9' && !*end && v > 0 && v <= 1000000 ? (unsigned)v : 0;
}

/* Waits up to secs for a key on the terminal (raw mode); returns it, or 0. */
static int key_within(unsigned secs)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char c;

	if (poll(&p, 1, (int)secs * 1000) == 1 && read(0, &c, 1) == 1)
		return c;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ "networks", no_argument, NULL, 'n' }, { "vbds", no_argument, NULL, 'x' },
		{ "repeat-header", no_argument, NULL, 'r' }, { "vcpus", no_argument, NULL, 'v' },
		{ "delay", required_argument, NULL, 'd' }, { "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "full-name", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
	};
	struct top_opts o = { 0, 0, 0, 0, 0 };
	struct top_sample cur = { 0 }, prev = { 0 };
	struct tc_handle h = { -1 };
	struct termios saved, raw;
	unsigned delay = 3, iterations = 0;
	int c, batch = 0, have_prev = 0, restore = 0;
	struct tc_xs xs;

	while ((c = getopt_long(argc, argv, "hVnxrvd:bi:f", longs, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(argv[0]);
			return 0;
		case 'V':
			printf("xentop 1.0 (tern)\n");
			return 0;
		case 'n':
			o.networks = 1;
			break;
		case 'x':
			o.vbds = 1;
			break;
		case 'r':
			o.repeat_header = 1;
			break;
		case 'v':
			o.vcpus = 1;
			break;
		case 'f':
			o.full_name = 1;
			break;
		case 'b':
			batch = 1;
			break;
		case 'd':
		case 'i':
			if (!count_of(optarg)) {
				fprintf(stderr, "xentop: -%c wants a whole number above 0, not `%s'\n",
					c, optarg);
				return 1;
			}
			*(c == 'd' ? &delay : &iterations) = count_of(optarg);
			break;
		default:
			usage(argv[0]);
			return 1;
		}
	}
	if (tc_open(&h, NULL) || tc_xs_open(&xs)) {
		fprintf(stderr, "Failed to initialize xenstat library\n");
		return 1;
	}
	if (!batch) {
		if (!isatty(0) || !isatty(1) || tcgetattr(0, &saved)) {
			fprintf(stderr, "xentop: the screen needs a terminal: use -b for batch mode\n");
			return 1;
		}
		raw = saved;
		raw.c_lflag &= (tcflag_t)~(ICANON | ECHO);
		restore = tcsetattr(0, TCSANOW, &raw) == 0;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (unsigned i = 0; !stop; i++) {
		int key = 0;

		if (top_collect(&h, &xs, o.vcpus, &cur)) {
			fprintf(stderr, "Failed to retrieve statistics from libxenstat\n");
			break;
		}
		if (!batch) {
			printf("\033[H\033[2J");
			top_summary(stdout, &cur);
		}
		top_table(stdout, &o, &cur, have_prev ? &prev : NULL);
		fflush(stdout);
		top_sample_free(&prev);
		prev = cur;
		have_prev = 1;
		if (iterations && i + 1 >= iterations)
			break;
		if (batch)
			sleep(delay);
		else
			key = key_within(delay);
		if (key == 'q' || key == 'Q' || key == 0x1b)
			break;
		o.networks ^= key == 'n' || key == 'N';
		o.vbds ^= key == 'x' || key == 'X' || key == 'b' || key == 'B';
		o.vcpus ^= key == 'v' || key == 'V';
		o.repeat_header ^= key == 'r' || key == 'R';
	}
	top_sample_free(&prev);
	if (restore)
		tcsetattr(0, TCSANOW, &saved);
	tc_xs_close(&xs);
	tc_close(&h);
	return 0;
}
