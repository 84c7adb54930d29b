/* poll() over the listening socket and every client. */
#define _GNU_SOURCE
#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "handle.h"
#include "log.h"
#include "ringconn.h"
#include "sock.h"

void xs_loop_sync(struct xs_daemon *d)
{
	struct xs_journal *j = d->journal;

	if (!j)
		return;
	if (xs_journal_commit(j) || xs_journal_wants_compaction(j))
		xs_journal_compact(j, &d->tree, &d->domains);
}

void xs_loop_input(struct xs_daemon *d, struct xs_conn *c)
{
	xs_ringconn_reconnect(d, c);
	xs_handle_input(d, c);
}

void xs_loop_output(struct xs_daemon *d)
{
	struct xs_conn *c;

	/* Durable first, then acknowledged. */
	xs_loop_sync(d);
	for (c = d->conns; c; c = c->next) {
		int rc;

		if (c->dead || !c->out_head)
			continue;
		rc = xs_conn_flush(c);
		if (rc)
			xs_conn_kill(c, rc == -EPIPE || rc == -ECONNRESET ? "closed by peer"
									: "write error");
	}
	xs_daemon_reap(d);
}

int xs_loop_run(struct xs_daemon *d, int lfd, struct xs_loop_signals *sig)
{
	struct pollfd *fds = NULL;
	struct xs_conn **conns = NULL;
	sigset_t caught, waiting;
	size_t cap = 0;
	int rc = 0;

	/* Signals arrive only inside ppoll(), so none is missed between the
	 * check of its flag and the wait. */
	sigemptyset(&caught);
	sigaddset(&caught, SIGTERM);
	sigaddset(&caught, SIGINT);
	sigaddset(&caught, SIGUSR1);
	sigprocmask(SIG_BLOCK, &caught, &waiting);
	while (!sig->stop) {
		struct xs_conn *c;
		size_t n = 1, i;
		struct timespec now = { 0, 0 }, *timeout = NULL;

		if (sig->dump) {
			sig->dump = 0;
			xs_dump_state(d);
		}

		for (c = d->conns; c; c = c->next)
			n++;
		n++;	/* the hypervisor's event channels, last */
		if (n > cap) {
			struct pollfd *f = realloc(fds, n * 2 * sizeof(*f));
			struct xs_conn **cs = realloc(conns, n * 2 * sizeof(*cs));

			if (f)
				fds = f;
			if (cs)
				conns = cs;
			if (!f || !cs) {
				rc = -ENOMEM;
				break;
			}
			cap = n * 2;
		}
		fds[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (c = d->conns, i = 1; c; c = c->next, i++) {
			bool may_read = xs_handle_may_read(d, c);

			conns[i] = c;
			fds[i] = (struct pollfd){ .fd = c->fd };
			fds[i].events = (short)((may_read ? POLLIN : 0) | (c->out_head ? POLLOUT : 0));
			/* Bytes already buffered, or a ring's requests whose
			 * event has come and gone, will not wake poll(). */
			if (may_read && (xs_sock_buffered(c) || xs_ringconn_pending(c)))
				timeout = &now;
		}
		fds[i] = (struct pollfd){ .fd = d->hv_fd, .events = POLLIN };
		if (ppoll(fds, n, timeout, &waiting) < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			xs_log("poll failed: %s", strerror(errno));
			break;
		}
		if (d->hv_event && (fds[n - 1].revents & POLLIN))
			d->hv_event(d);
		for (i = 1; i < n - 1; i++) {
			c = conns[i];
			if (c->dead)
				continue;
			/* A ring has no fd: its event channel woke us, or nothing did. */
			if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) || c->fd < 0 ||
			    (xs_handle_may_read(d, c) && xs_sock_buffered(c)))
				xs_loop_input(d, c);
		}
		if (fds[0].revents & POLLIN)
			while (xs_sock_accept(d, lfd) == 0)
				;
		xs_loop_output(d);
	}
	sigprocmask(SIG_SETMASK, &waiting, NULL);
	free(fds);
	free(conns);
	return rc;
}
