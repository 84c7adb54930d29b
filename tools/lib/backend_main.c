/* The frame of a dom0 backend daemon (backend_main.h). */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend_main.h"
#include "ternctl.h"
#include "xenbus_be.h"

volatile int tc_backend_stop;
static const struct tc_backend_desc *desc;
static struct tc_backend_opts opts;

void tc_backend_log(const char *fmt, ...)
{
	char stamp[32];
	time_t t = time(NULL);
	va_list ap;

	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime(&t));
	fprintf(stderr, "%s %s[%ld]: ", stamp, desc->name, (long)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static void supervisor_log(const char *msg)
{
	tc_backend_log("%s", msg);
}

void tc_backend_xbe_log(struct xbe *b, const char *msg)
{
	(void)b;
	tc_backend_log("%s", msg);
}

static void on_signal(int sig)
{
	(void)sig;
	tc_backend_stop = 1;
}

int tc_backend_poll(struct xbe *b, struct pollfd *fds, unsigned n, int timeout_ms)
{
	if (xbe_xs_pending(b) || poll(fds, n, timeout_ms) >= 0)
		return 1;
	if (errno == EINTR)
		return 0;
	tc_backend_log("poll: %s", strerror(errno));
	return -1;
}

int tc_backend_xenbus(struct xbe *b, const struct pollfd *fds)
{
	int rc;

	if (fds[1].revents & POLLIN)
		xbe_handle_evtchn(b);
	if ((fds[0].revents & (POLLIN | POLLHUP)) || xbe_xs_pending(b)) {
		rc = xbe_handle_xs(b);
		if (rc) {
			tc_backend_log("lost xenstore: %s", strerror(-rc));
			return -1;
		}
	}
	return 0;
}

int tc_backend_stopping(void)
{
	tc_backend_log("stopping%s", tc_backend_stop ? "" : " after an error");
	return tc_backend_stop ? 0 : 1;
}

void tc_backend_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int run_worker(void *arg)
{
	(void)arg;
	return desc->run(&opts);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [-N|--no-fork] [--pid-file=FILE] [--worker-pid-file=FILE]\n"
		   "       [--log=FILE|-] [--state-dir=DIR] [--no-supervise]\n", desc->name);
}

int tc_backend_main(int argc, char **argv, const struct tc_backend_desc *d)
{
	static const struct option longs[] = {
		{ "no-fork", no_argument, NULL, 'N' },
		{ "pid-file", required_argument, NULL, 'F' },
		{ "worker-pid-file", required_argument, NULL, 'W' },
		{ "log", required_argument, NULL, 'L' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "no-supervise", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tc_supervise_opts so = { NULL, NULL, 10, 60, supervisor_log };
	char worker_name[64];
	int c, rc;

	desc = d;
	opts = (struct tc_backend_opts){ 0, 0, NULL, NULL, d->default_log, d->default_state_dir };
	while ((c = getopt_long(argc, argv, "Nh", longs, NULL)) != -1) {
		switch (c) {
		case 'N': opts.no_fork = 1; break;
		case 'F': opts.pid_file = optarg; break;
		case 'W': opts.worker_pid_file = optarg; break;
		case 'L': opts.log = optarg; break;
		case 'S': opts.state_dir = optarg; break;
		case 'U': opts.no_supervise = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (!opts.no_fork) {
		if (tc_daemonize(opts.pid_file))
			return 1;
	} else if (opts.pid_file && tc_write_pid_file(opts.pid_file, (long)getpid())) {
		fprintf(stderr, "%s: cannot write %s\n", d->name, opts.pid_file);
		return 1;
	}
	/* Messages to the log file (also the supervisor's). */
	if (strcmp(opts.log, "-") != 0 && !freopen(opts.log, "a", stderr))
		return 1;
	if (opts.no_supervise) {
		rc = d->run(&opts);
	} else {
		snprintf(worker_name, sizeof(worker_name), "%s worker", d->name);
		so.name = worker_name;
		so.worker_pid_file = opts.worker_pid_file;
		rc = tc_supervise(&so, run_worker, NULL);
	}
	if (opts.pid_file)
		unlink(opts.pid_file);
	return rc ? 1 : 0;
}
