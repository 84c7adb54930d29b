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
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend_main.h"
#include "blkback.h"

#define BLK_DEFAULT_STATE_DIR "/run/tern-blkback"
#define BLK_DEFAULT_LOG "/var/log/xen/blkback.log"

/* The worker: the event loop over xenstore, event channels and io_uring. */
static int run(const struct tc_backend_opts *o)
{
	struct blk_ctx ctx;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	tc_backend_catch_signals();
	ctx.state_dir = o->state_dir;
	mkdir(o->state_dir, 0700);
	rc = blk_io_init(&ctx);
	if (rc) {
		tc_backend_log("cannot set up io_uring: %s", strerror(-rc));
		return 1;
	}
	rc = tc_gntdev_open(&ctx.gnt);
	if (rc) {
		tc_backend_log("cannot open %s: %s", TC_GNTDEV_PATH, strerror(-rc));
		blk_io_fini(&ctx);
		return 1;
	}
	rc = xbe_init(&ctx.xbe, &blk_vbd_ops, &ctx);
	if (rc) {
		tc_backend_log("cannot start: %s (is xenstored running, and /dev/xen/evtchn there?)",
			strerror(-rc));
		tc_gntdev_close(&ctx.gnt);
		blk_io_fini(&ctx);
		return 1;
	}
	tc_backend_log("serving %s", ctx.xbe.base);
	while (!tc_backend_stop) {
		struct pollfd p[3] = {
			{ xbe_xs_fd(&ctx.xbe), POLLIN, 0 },
			{ xbe_evtchn_fd(&ctx.xbe), POLLIN, 0 },
			{ ctx.uring.ring_fd, POLLIN, 0 },
		};

		rc = tc_backend_poll(&ctx.xbe, p, 3, -1);
		if (rc < 0)
			break;
		if (!rc)
			continue;
		if (p[2].revents & POLLIN)
			blk_io_reap(&ctx, 0);
		if (tc_backend_xenbus(&ctx.xbe, p))
			break;
	}
	rc = tc_backend_stopping();
	xbe_fini(&ctx.xbe);
	tc_gntdev_close(&ctx.gnt);
	blk_io_fini(&ctx);
	free(ctx.gcopy);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct tc_backend_desc desc = {
		"tern-blkback", BLK_DEFAULT_LOG, BLK_DEFAULT_STATE_DIR, run,
	};

	return tc_backend_main(argc, argv, &desc);
}
