/*
 * xenconsoled for tern: serves every guest's PV console (hvc0) on a pty, as
 * Xen's xenconsoled does (toolstack-reference 4.5): the pty's name goes to
 * /local/domain/N/console/tty, where `xl console` finds it.
 *
 * Domains are found by listing them (sysctl getdomaininfolist) whenever
 * xenstore fires @introduceDomain or @releaseDomain, and every two seconds
 * in case a watch was missed or xenstored was restarted. A domain whose ring
 * is not published yet is retried at the next scan; a domain that is gone,
 * dying, or replaced by a new one with the same id loses its console.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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

#include "cons_dom.h"

#define XCS_SCAN_MS 2000
#define XCS_BATCH 64

static FILE *xcs_logf;
static volatile sig_atomic_t xcs_stop;

void xcs_log(const char *fmt, ...)
{
	va_list ap;
	struct timespec ts;
	struct tm tm;
	char when[32];

	if (!xcs_logf)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(xcs_logf, "%s xenconsoled: ", when);
	va_start(ap, fmt);
	vfprintf(xcs_logf, fmt, ap);
	va_end(ap);
	fputc('\n', xcs_logf);
	fflush(xcs_logf);
}

static void xcs_on_signal(int sig)
{
	(void)sig;
	xcs_stop = 1;
}

static uint64_t xcs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void xcs_usage(FILE *f)
{
	fprintf(f,
		"Usage: xenconsoled [options]\n"
		"  -i, --interactive     stay in the foreground, log to stderr\n"
		"      --log=none|guest|hv|all  what to log (guest: each guest's\n"
		"                        output in LOGDIR/guest-<name>.log; hv is\n"
		"                        accepted and not logged by tern)\n"
		"      --log-dir=DIR     default /var/log/xen/console\n"
		"      --pid-file=FILE   write the daemon's pid to FILE\n"
		"  -h, --help\n"
		"Environment: XENSTORED_PATH (xenstored's socket).\n");
}

/* 0: go on; 1: exit 0 (help); -EINVAL: bad usage. */
static int xcs_parse(int argc, char **argv, struct xcs_ctx *x, bool *interactive,
		     const char **pid_file)
{
	enum { OPT_LOG = 256, OPT_LOG_DIR, OPT_PID_FILE };
	static const struct option longopts[] = {
		{ "interactive", no_argument, NULL, 'i' },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "log-dir", required_argument, NULL, OPT_LOG_DIR },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "ih", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			*interactive = true;
			break;
		case OPT_LOG:
			if (!strcmp(optarg, "guest") || !strcmp(optarg, "all")) {
				x->log_guest = true;
			} else if (!strcmp(optarg, "none") || !strcmp(optarg, "hv")) {
				x->log_guest = false;
			} else {
				fprintf(stderr, "xenconsoled: --log takes none, guest, hv or all\n");
				return -EINVAL;
			}
			break;
		case OPT_LOG_DIR:
			x->log_dir = optarg;
			break;
		case OPT_PID_FILE:
			*pid_file = optarg;
			break;
		case 'h':
			xcs_usage(stdout);
			return 1;
		default:
			xcs_usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		xcs_usage(stderr);
		return -EINVAL;
	}
	return 0;
}

/*
 * Takes the watch events waiting (also those that arrived during requests)
 * without blocking: how many, or -errno once xenstored is gone, and then
 * the connection is closed so the main loop reconnects.
 */
static int xcs_xs_take_events(struct tc_xs *xs)
{
	char *path, *token;
	int n = 0, rc;

	while ((rc = tc_xs_wait_event(xs, 0, &path, &token)) == 0) {
		free(path);
		n++;
	}
	if (rc == -ETIMEDOUT)
		return n;
	tc_xs_close(xs);
	return rc;
}

/* (Re)connects to xenstored and watches domain arrivals and departures. */
static void xcs_xs_connect(struct xcs_ctx *x, bool *said)
{
	int rc = tc_xs_open(&x->xs);

	if (!rc)
		rc = tc_xs_watch(&x->xs, "@introduceDomain", "introduce");
	if (!rc)
		rc = tc_xs_watch(&x->xs, "@releaseDomain", "release");
	if (rc) {
		if (!*said)
			xcs_log("cannot reach xenstored at %s: %s (retrying)", tc_xs_socket_path(),
				strerror(-rc));
		*said = true;
		tc_xs_close(&x->xs);
		return;
	}
	xcs_log("connected to xenstored at %s", tc_xs_socket_path());
	*said = false;
}

static struct xcs_dom *xcs_find(struct xcs_ctx *x, uint16_t domid)
{
	for (struct xcs_dom *d = x->doms; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

static void xcs_drop(struct xcs_ctx *x, struct xcs_dom *d, const char *why)
{
	struct xcs_dom **p = &x->doms;

	while (*p != d)
		p = &(*p)->next;
	*p = d->next;
	xcs_log("dom%u (%s): console closed: %s", d->domid, d->name, why);
	xcs_dom_close(x, d);
}

/* Brings the consoles in line with the hypervisor's domain list. */
static void xcs_scan(struct xcs_ctx *x)
{
	struct tern_domaininfo batch[XCS_BATCH];
	struct xcs_dom *d, *next;
	unsigned first = 1;
	int n, rc;

	for (d = x->doms; d; d = d->next)
		d->seen = false;
	for (;;) {
		n = tc_domain_list(&x->tc, (uint16_t)first, XCS_BATCH, batch);
		if (n < 0) {
			xcs_log("cannot list domains: %s", strerror(-n));
			/* Keep what we have rather than drop every console. */
			for (d = x->doms; d; d = d->next)
				d->seen = true;
			break;
		}
		for (int i = 0; i < n; i++) {
			const struct tern_domaininfo *in = &batch[i];

			if (in->domain == 0)
				continue;
			d = xcs_find(x, in->domain);
			if (d && memcmp(d->handle, in->handle, sizeof(d->handle))) {
				xcs_drop(x, d, "a new domain took its id");
				d = NULL;
			}
			if (in->flags & TERN_DOMINF_dying)
				continue;
			if (d) {
				d->seen = true;
				continue;
			}
			if (x->xs.fd < 0)
				continue;
			rc = xcs_dom_open(x, in, &d);
			if (rc == 0) {
				d->seen = true;
				d->next = x->doms;
				x->doms = d;
			}
		}
		if (n < XCS_BATCH)
			break;
		first = batch[n - 1].domain + 1u;
	}
	for (d = x->doms; d; d = next) {
		next = d->next;
		if (!d->seen)
			xcs_drop(x, d, "domain gone");
	}
}

/* Takes the ports /dev/xen/evtchn reports and unmasks them again. */
static void xcs_evtchn_drain(struct xcs_ctx *x)
{
	uint32_t ports[64];
	ssize_t n;

	while ((n = read(x->ev.fd, ports, sizeof(ports))) > 0)
		for (size_t i = 0; i < (size_t)n / sizeof(ports[0]); i++)
			tc_evtchn_unmask(&x->ev, ports[i]);
}

static int xcs_run(struct xcs_ctx *x)
{
	struct pollfd *fds = NULL;
	uint64_t last_scan = 0, last_connect = 0;
	bool said = false, want_scan = true;
	size_t cap = 0;

	while (!xcs_stop) {
		uint64_t now = xcs_now_ms();
		struct xcs_dom *d;
		size_t n = 2, i;
		int rc;

		if (x->xs.fd < 0 && now - last_connect >= 1000) {
			last_connect = now;
			xcs_xs_connect(x, &said);
			want_scan = true;
		}
		if (x->xs.fd >= 0) {
			rc = xcs_xs_take_events(&x->xs);
			if (rc)
				want_scan = true;
			if (rc < 0)
				xcs_log("lost xenstored; reconnecting");
		}
		if (want_scan || now - last_scan >= XCS_SCAN_MS) {
			xcs_scan(x);
			last_scan = now;
			want_scan = false;
		}
		for (d = x->doms; d; d = d->next)
			xcs_dom_service(x, d);

		for (d = x->doms; d; d = d->next)
			n++;
		if (n > cap) {
			struct pollfd *f = realloc(fds, n * 2 * sizeof(*f));

			if (!f) {
				free(fds);
				return -ENOMEM;
			}
			fds = f;
			cap = n * 2;
		}
		fds[0] = (struct pollfd){ .fd = x->ev.fd, .events = POLLIN };
		fds[1] = (struct pollfd){ .fd = x->xs.fd, .events = POLLIN };
		for (d = x->doms, i = 2; d; d = d->next, i++) {
			short ev = 0;

			if (!d->broken && xcs_ring_in_room(d->ring))
				ev |= POLLIN;
			if (!d->broken && d->out.len)
				ev |= POLLOUT;
			fds[i] = (struct pollfd){ .fd = ev ? d->master : -1, .events = ev };
		}
		rc = poll(fds, n, 500);
		if (rc < 0 && errno != EINTR) {
			xcs_log("poll failed: %s", strerror(errno));
			break;
		}
		if (rc > 0 && (fds[0].revents & POLLIN))
			xcs_evtchn_drain(x);
	}
	free(fds);
	return 0;
}

int main(int argc, char **argv)
{
	static struct xcs_ctx x = { .tc = { -1 }, .ev = { -1 }, .xs = { .fd = -1 },
				    .log_dir = "/var/log/xen/console" };
	struct sigaction sa = { .sa_handler = xcs_on_signal };
	const char *pid_file = NULL;
	bool interactive = false;
	int rc, flags;

	rc = xcs_parse(argc, argv, &x, &interactive, &pid_file);
	if (rc)
		return rc > 0 ? 0 : 2;
	xcs_logf = stderr;
	if (!interactive) {
		mkdir("/var/log", 0755);
		mkdir("/var/log/xen", 0755);
		xcs_logf = fopen("/var/log/xen/xenconsoled.log", "a");
		if (!xcs_logf) {
			fprintf(stderr, "xenconsoled: cannot open /var/log/xen/xenconsoled.log: %s\n",
				strerror(errno));
			xcs_logf = stderr;
		}
	}
	rc = tc_open(&x.tc, NULL);
	if (rc) {
		fprintf(stderr, "xenconsoled: cannot open %s: %s (is this dom0 of tern?)\n",
			TC_PRIVCMD_PATH, strerror(-rc));
		return 1;
	}
	rc = tc_evtchn_open(&x.ev);
	if (rc) {
		fprintf(stderr, "xenconsoled: cannot open %s: %s\n", TC_EVTCHN_PATH,
			strerror(-rc));
		return 1;
	}
	flags = fcntl(x.ev.fd, F_GETFL);
	if (flags < 0 || fcntl(x.ev.fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		fprintf(stderr, "xenconsoled: %s: %s\n", TC_EVTCHN_PATH, strerror(errno));
		return 1;
	}
	if (!interactive) {
		rc = tc_daemonize(pid_file);
		if (rc) {
			xcs_log("cannot start: %s", strerror(-rc));
			return 1;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	xcs_log("started%s", x.log_guest ? ", logging guest output" : "");
	rc = xcs_run(&x);
	while (x.doms) {
		struct xcs_dom *d = x.doms;

		x.doms = d->next;
		xcs_dom_close(&x, d);
	}
	xcs_log("exiting");
	tc_xs_close(&x.xs);
	tc_evtchn_close(&x.ev);
	tc_close(&x.tc);
	if (pid_file && !interactive)
		unlink(pid_file);
	return rc ? 1 : 0;
}
