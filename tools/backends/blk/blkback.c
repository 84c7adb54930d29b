/*
 * tern-blkback [-N] [--pid-file=FILE] [--worker-pid-file=FILE] [--log=FILE]
 *              [--state-dir=DIR] [--no-supervise]
 *
 * The block backend for every guest's disks: one daemon per dom0, started
 * by xencommons. By default it forks into the background and supervises a
 * worker process, starting it again if it dies; the new worker re-attaches
 * to every connected disk (docs/blkback.md).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "blkback.h"

#define BLK_DEFAULT_STATE_DIR "/run/tern-blkback"
#define BLK_DEFAULT_LOG "/var/log/xen/blkback.log"

static volatile sig_atomic_t stop;

void blk_log(const char *fmt, ...)
{
	char stamp[32];
	time_t t = time(NULL);
	va_list ap;

	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime(&t));
	fprintf(stderr, "%s tern-blkback[%ld]: ", stamp, (long)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static void supervisor_log(const char *msg)
{
	blk_log("%s", msg);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct opts {
	int no_fork, no_supervise;
	const char *pid_file, *worker_pid_file, *log, *state_dir;
};

/* The worker: the event loop over xenstore, event channels and io_uring. */
static int run(void *arg)
{
	const struct opts *o = arg;
	struct blk_ctx ctx;
	struct sigaction sa;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	ctx.state_dir = o->state_dir;
	mkdir(o->state_dir, 0700);
	rc = blk_io_init(&ctx);
	if (rc) {
		blk_log("cannot set up io_uring: %s", strerror(-rc));
		return 1;
	}
	rc = tc_gntdev_open(&ctx.gnt);
	if (rc) {
		blk_log("cannot open %s: %s", TC_GNTDEV_PATH, strerror(-rc));
		blk_io_fini(&ctx);
		return 1;
	}
	rc = xbe_init(&ctx.xbe, &blk_vbd_ops, &ctx);
	if (rc) {
		blk_log("cannot start: %s (is xenstored running, and /dev/xen/evtchn there?)",
			strerror(-rc));
		tc_gntdev_close(&ctx.gnt);
		blk_io_fini(&ctx);
		return 1;
	}
	blk_log("serving %s", ctx.xbe.base);
	while (!stop) {
		struct pollfd p[3] = {
			{ xbe_xs_fd(&ctx.xbe), POLLIN, 0 },
			{ xbe_evtchn_fd(&ctx.xbe), POLLIN, 0 },
			{ ctx.uring.ring_fd, POLLIN, 0 },
		};

		if (!xbe_xs_pending(&ctx.xbe) && poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			blk_log("poll: %s", strerror(errno));
			break;
		}
		if (p[2].revents & POLLIN)
			blk_io_reap(&ctx, 0);
		if (p[1].revents & POLLIN)
			xbe_handle_evtchn(&ctx.xbe);
		if ((p[0].revents & (POLLIN | POLLHUP)) || xbe_xs_pending(&ctx.xbe)) {
			rc = xbe_handle_xs(&ctx.xbe);
			if (rc) {
				blk_log("lost xenstore: %s", strerror(-rc));
				break;
			}
		}
	}
	blk_log("stopping%s", stop ? "" : " after an error");
	xbe_fini(&ctx.xbe);
	tc_gntdev_close(&ctx.gnt);
	blk_io_fini(&ctx);
	free(ctx.gcopy);
	return stop ? 0 : 1;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: tern-blkback [-N|--no-fork] [--pid-file=FILE] [--worker-pid-file=FILE]\n"
		   "                    [--log=FILE] [--state-dir=DIR] [--no-supervise]\n");
}

int main(int argc, char **argv)
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
	struct opts o = { 0, 0, NULL, NULL, BLK_DEFAULT_LOG, BLK_DEFAULT_STATE_DIR };
	struct tc_supervise_opts so = { "tern-blkback worker", NULL, 10, 60, supervisor_log };
	int c, rc;

	while ((c = getopt_long(argc, argv, "Nh", longs, NULL)) != -1) {
		switch (c) {
		case 'N': o.no_fork = 1; break;
		case 'F': o.pid_file = optarg; break;
		case 'W': o.worker_pid_file = optarg; break;
		case 'L': o.log = optarg; break;
		case 'S': o.state_dir = optarg; break;
		case 'U': o.no_supervise = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (!o.no_fork) {
		rc = tc_daemonize(o.pid_file);
		if (rc)
			return 1;
	} else if (o.pid_file && tc_write_pid_file(o.pid_file, (long)getpid())) {
		fprintf(stderr, "tern-blkback: cannot write %s\n", o.pid_file);
		return 1;
	}
	/* Messages to the log file (also the supervisor's). */
	if (strcmp(o.log, "-") != 0 && !freopen(o.log, "a", stderr))
		return 1;
	if (o.no_supervise)
		rc = run(&o);
	else {
		so.worker_pid_file = o.worker_pid_file;
		rc = tc_supervise(&so, run, &o);
	}
	if (o.pid_file)
		unlink(o.pid_file);
	return rc ? 1 : 0;
}
