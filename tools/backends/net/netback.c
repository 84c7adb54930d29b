/*
 * tern-netback [-N] [--pid-file=FILE] [--worker-pid-file=FILE] [--log=FILE]
 *              [--state-dir=DIR] [--no-supervise]
 *
 * The network backend for every guest's vifs: one daemon per dom0, started
 * by xencommons, supervised (tools/lib/backend_main.c). A restarted worker
 * finds its interfaces (persistent taps, still in their bridges) and
 * re-attaches to every connected vif (docs/netback.md).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "backend_main.h"
#include "netback.h"

#define NET_DEFAULT_STATE_DIR "/run/tern-netback"
#define NET_DEFAULT_LOG "/var/log/xen/netback.log"
/* The worker is dom0's network path for every guest (Linux's backends run
 * in softirq context, ahead of any process): it must not wait behind the
 * programs whose traffic it carries. */
#define NET_WORKER_NICE (-10)

uint64_t net_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t net_now_ms(void)
{
	return net_now_us() / 1000u;
}

/* Poll entries: xenstore, event channels, then one per queue's tap. */
struct poll_set {
	struct pollfd *fds;
	struct net_queue **queues;
	unsigned n, cap;
};

static int poll_add(struct poll_set *ps, int fd, struct net_queue *q)
{
	if (ps->n == ps->cap) {
		unsigned cap = ps->cap ? ps->cap * 2 : 16;
		struct pollfd *f = realloc(ps->fds, cap * sizeof(*f));
		struct net_queue **qs;

		if (!f)
			return -ENOMEM;
		ps->fds = f;
		qs = realloc(ps->queues, cap * sizeof(*qs));
		if (!qs)
			return -ENOMEM;
		ps->queues = qs;
		ps->cap = cap;
	}
	ps->fds[ps->n] = (struct pollfd){ fd, POLLIN, 0 };
	ps->queues[ps->n++] = q;
	return 0;
}

/* Fills the set for this round; returns the poll timeout (ms, -1: none). */
static int build_round(struct net_ctx *ctx, struct poll_set *ps)
{
	uint64_t now = net_now_ms();
	int timeout = -1;

	ps->n = 0;
	poll_add(ps, xbe_xs_fd(&ctx->xbe), NULL);
	poll_add(ps, xbe_evtchn_fd(&ctx->xbe), NULL);
	for (struct net_vif *v = ctx->vifs; v; v = v->next) {
		for (unsigned i = 0; i < v->nqueues; i++) {
			struct net_queue *q = &v->queues[i];
			int t = net_queue_timers(q, now);

			if (t >= 0 && (timeout < 0 || t < timeout))
				timeout = t;
			if (net_queue_wants_tap(q))
				poll_add(ps, q->tap_fd, q);
		}
		net_stats_flush(v, 0);
		if (v->stats_dirty && (timeout < 0 || timeout > NET_STATS_PERIOD_MS))
			timeout = NET_STATS_PERIOD_MS;
	}
	return timeout;
}

/* The worker: the event loop over xenstore, event channels and the taps. */
static int run(const struct tc_backend_opts *o)
{
	struct poll_set ps = { NULL, NULL, 0, 0 };
	struct net_ctx ctx;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	tc_backend_catch_signals();
	if (setpriority(PRIO_PROCESS, 0, NET_WORKER_NICE))
		tc_backend_log("cannot raise the worker's priority: %s", strerror(errno));
	ctx.state_dir = o->state_dir;
	mkdir(o->state_dir, 0755);
	rc = xbe_init(&ctx.xbe, &net_vif_ops, &ctx);
	if (rc) {
		tc_backend_log("cannot start: %s (is xenstored running, and /dev/xen/evtchn there?)",
			strerror(-rc));
		return 1;
	}
	tc_backend_log("serving %s", ctx.xbe.base);
	while (!tc_backend_stop) {
		int timeout = build_round(&ctx, &ps);

		rc = tc_backend_poll(&ctx.xbe, ps.fds, ps.n, timeout);
		if (rc < 0)
			break;
		if (!rc)
			continue;
		/* Taps first: a vif may go away in the xenstore handling below. */
		for (unsigned i = 2; i < ps.n; i++)
			if (ps.fds[i].revents & (POLLIN | POLLERR))
				net_queue_tap_ready(ps.queues[i]);
		if (tc_backend_xenbus(&ctx.xbe, ps.fds))
			break;
	}
	rc = tc_backend_stopping();
	xbe_fini(&ctx.xbe);
	free(ctx.gcopy);
	free(ps.fds);
	free(ps.queues);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct tc_backend_desc desc = {
		"tern-netback", NET_DEFAULT_LOG, NET_DEFAULT_STATE_DIR, run,
	};

	return tc_backend_main(argc, argv, &desc);
}
