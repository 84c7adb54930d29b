/*
 * The tools' one xenstore client, over the daemon's unix socket; the wire
 * format is Xen's (tools/include/xen/io/xs_wire.h). Every tool (xl, the
 * domain builder, the backends, xenconsoled, xenstore-*) goes through it.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

#include "ternctl.h"

const char *tc_xs_socket_path(void)
{
	const char *p = getenv("XENSTORED_PATH");

	return p && *p ? p : "/run/xenstored/socket";
}

int tc_xs_errno(const char *name)
{
	static const struct {
		const char *name;
		int err;
	} names[] = {
		{ "EINVAL", EINVAL }, { "EACCES", EACCES }, { "EEXIST", EEXIST },
		{ "EISDIR", EISDIR }, { "ENOENT", ENOENT }, { "ENOMEM", ENOMEM },
		{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "ENOTEMPTY", ENOTEMPTY },
		{ "ENOSYS", ENOSYS }, { "EROFS", EROFS }, { "EBUSY", EBUSY },
		{ "EAGAIN", EAGAIN }, { "EISCONN", EISCONN }, { "E2BIG", E2BIG },
		{ "EPERM", EPERM },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, name) == 0)
			return names[i].err;
	return EINVAL;
}

static int xs_write_all(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len) {
		ssize_t n = write(fd, c, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

static int xs_read_all(int fd, void *p, size_t len)
{
	char *c = p;

	while (len) {
		ssize_t n = read(fd, c, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}


/*
 * A xenstore connection for several requests (the domain builder, xl's
 * domain commands). Requests are synchronous; watch events that arrive while
 * waiting for a reply are queued and handed out by tc_xs_wait_event().
 */
struct tc_xs_event {
	struct tc_xs_event *next;
	char *path, *token;
};

int tc_xs_open(struct tc_xs *xs)
{
	struct sockaddr_un sa;
	const char *sock = tc_xs_socket_path();
	int rc;

	xs->fd = -1;
	xs->req_id = 0;
	xs->events = NULL;
	if (strlen(sock) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, sock);
	xs->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (xs->fd < 0)
		return -errno;
	if (connect(xs->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(xs->fd);
		xs->fd = -1;
		return rc;
	}
	return 0;
}

void tc_xs_close(struct tc_xs *xs)
{
	while (xs->events) {
		struct tc_xs_event *e = xs->events;

		xs->events = e->next;
		free(e->path);
		free(e);
	}
	if (xs->fd >= 0)
		close(xs->fd);
	xs->fd = -1;
}

/* Queues a WATCH_EVENT payload ("path\0token\0"). */
static int xs_queue_event(struct tc_xs *xs, const char *payload, uint32_t len)
{
	struct tc_xs_event *e, **tail;
	size_t plen = strnlen(payload, len);

	if (plen + 1 >= len)
		return -EIO;
	e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->path = malloc(len + 1);
	if (!e->path) {
		free(e);
		return -ENOMEM;
	}
	memcpy(e->path, payload, len);
	e->path[len] = '\0';
	e->token = e->path + plen + 1;
	e->next = NULL;
	for (tail = &xs->events; *tail; tail = &(*tail)->next)
		;
	*tail = e;
	return 0;
}

/* Reads one message; *payload is malloc'ed and NUL-terminated. */
static int xs_read_msg(struct tc_xs *xs, struct xsd_sockmsg *msg, char **payload)
{
	int rc = xs_read_all(xs->fd, msg, sizeof(*msg));

	*payload = NULL;
	if (rc)
		return rc;
	if (msg->len > XENSTORE_PAYLOAD_MAX)
		return -EIO;
	*payload = malloc(msg->len + 1);
	if (!*payload)
		return -ENOMEM;
	rc = xs_read_all(xs->fd, *payload, msg->len);
	if (rc) {
		free(*payload);
		*payload = NULL;
		return rc;
	}
	(*payload)[msg->len] = '\0';
	return 0;
}

int tc_xs_request(struct tc_xs *xs, uint32_t type, uint32_t tx, const struct iovec *parts,
		  unsigned nparts, char **reply, uint32_t *reply_len)
{
	struct xsd_sockmsg msg;
	char *payload = NULL;
	size_t len = 0;
	uint32_t id;
	int rc;

	if (reply)
		*reply = NULL;
	if (xs->fd < 0)
		return -EBADF;
	for (unsigned i = 0; i < nparts; i++)
		len += parts[i].iov_len;
	if (len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	id = ++xs->req_id;
	msg.type = type;
	msg.req_id = id;
	msg.tx_id = tx;
	msg.len = (uint32_t)len;
	rc = xs_write_all(xs->fd, &msg, sizeof(msg));
	for (unsigned i = 0; rc == 0 && i < nparts; i++)
		rc = xs_write_all(xs->fd, parts[i].iov_base, parts[i].iov_len);
	if (rc)
		return rc;
	for (;;) {
		rc = xs_read_msg(xs, &msg, &payload);
		if (rc)
			return rc;
		if (msg.type != XS_WATCH_EVENT)
			break;
		rc = xs_queue_event(xs, payload, msg.len);
		free(payload);
		if (rc)
			return rc;
	}
	if (msg.req_id != id) {
		rc = -EIO;
	} else if (msg.type == XS_ERROR) {
		rc = -tc_xs_errno(payload);
	} else if (msg.type != type) {
		rc = -EIO;
	} else {
		if (reply_len)
			*reply_len = msg.len;
		if (reply) {
			*reply = payload;
			payload = NULL;
		}
		rc = 0;
	}
	free(payload);
	return rc;
}

/* A request whose payload is one NUL-terminated string per argument. */
static int xs_request_strings(struct tc_xs *xs, uint32_t type, uint32_t tx,
			      const char *const *args, unsigned nargs, char **reply,
			      uint32_t *reply_len)
{
	struct iovec iov[4];

	if (nargs > 4)
		return -EINVAL;
	for (unsigned i = 0; i < nargs; i++) {
		iov[i].iov_base = (void *)args[i];
		iov[i].iov_len = strlen(args[i]) + 1;
	}
	return tc_xs_request(xs, type, tx, iov, nargs, reply, reply_len);
}

int tc_xs_get(struct tc_xs *xs, uint32_t tx, const char *path, char **value)
{
	return xs_request_strings(xs, XS_READ, tx, &path, 1, value, NULL);
}

int tc_xs_write(struct tc_xs *xs, uint32_t tx, const char *path, const char *value)
{
	struct iovec iov[2] = {
		{ (void *)path, strlen(path) + 1 },
		{ (void *)value, strlen(value) }, /* the value carries no NUL */
	};

	return tc_xs_request(xs, XS_WRITE, tx, iov, 2, NULL, NULL);
}

int tc_xs_get_buf(struct tc_xs *xs, const char *path, char *out, size_t outlen)
{
	char *value;
	uint32_t len;
	size_t n;
	const struct iovec iov = { (void *)path, strlen(path) + 1 };
	int rc = outlen ? tc_xs_request(xs, XS_READ, 0, &iov, 1, &value, &len) : -EINVAL;

	if (rc)
		return rc;
	n = len < outlen - 1 ? len : outlen - 1;
	memcpy(out, value, n);
	out[n] = '\0';
	free(value);
	return (int)len;
}

int tc_xs_read(const char *path, char *out, size_t outlen)
{
	struct tc_xs xs;
	int rc = tc_xs_open(&xs);

	if (!rc)
		rc = tc_xs_get_buf(&xs, path, out, outlen);
	tc_xs_close(&xs);
	return rc;
}

int tc_xs_mkdir(struct tc_xs *xs, uint32_t tx, const char *path)
{
	return xs_request_strings(xs, XS_MKDIR, tx, &path, 1, NULL, NULL);
}

int tc_xs_rm(struct tc_xs *xs, uint32_t tx, const char *path)
{
	return xs_request_strings(xs, XS_RM, tx, &path, 1, NULL, NULL);
}

int tc_xs_set_perms(struct tc_xs *xs, uint32_t tx, const char *path, const char *perms)
{
	char buf[256];
	struct iovec iov[2];
	size_t n = strlen(perms), i;

	/* "n0 r5" -> "n0\0r5\0" */
	if (n == 0 || n + 1 > sizeof(buf))
		return -EINVAL;
	for (i = 0; i < n; i++)
		buf[i] = perms[i] == ' ' ? '\0' : perms[i];
	buf[n] = '\0';
	iov[0].iov_base = (void *)path;
	iov[0].iov_len = strlen(path) + 1;
	iov[1].iov_base = buf;
	iov[1].iov_len = n + 1;
	return tc_xs_request(xs, XS_SET_PERMS, tx, iov, 2, NULL, NULL);
}

int tc_xs_directory(struct tc_xs *xs, uint32_t tx, const char *path, char **names,
		    uint32_t *len)
{
	return xs_request_strings(xs, XS_DIRECTORY, tx, &path, 1, names, len);
}

int tc_xs_txn_start(struct tc_xs *xs, uint32_t *tx)
{
	const char *empty = "";
	char *reply = NULL, *end;
	unsigned long v;
	int rc = xs_request_strings(xs, XS_TRANSACTION_START, 0, &empty, 1, &reply, NULL);

	if (rc)
		return rc;
	v = strtoul(reply, &end, 10);
	rc = (end == reply || v == 0 || v > UINT32_MAX) ? -EIO : 0;
	if (rc == 0)
		*tx = (uint32_t)v;
	free(reply);
	return rc;
}

int tc_xs_txn_end(struct tc_xs *xs, uint32_t tx, int commit)
{
	const char *arg = commit ? "T" : "F";

	return xs_request_strings(xs, XS_TRANSACTION_END, tx, &arg, 1, NULL, NULL);
}

int tc_xs_introduce(struct tc_xs *xs, uint32_t domid, uint64_t gfn, uint32_t port)
{
	char d[16], g[24], p[16];
	const char *args[3] = { d, g, p };

	snprintf(d, sizeof(d), "%u", domid);
	snprintf(g, sizeof(g), "%llu", (unsigned long long)gfn);
	snprintf(p, sizeof(p), "%u", port);
	return xs_request_strings(xs, XS_INTRODUCE, 0, args, 3, NULL, NULL);
}

int tc_xs_release(struct tc_xs *xs, uint32_t domid)
{
	char d[16];
	const char *arg = d;

	snprintf(d, sizeof(d), "%u", domid);
	return xs_request_strings(xs, XS_RELEASE, 0, &arg, 1, NULL, NULL);
}

int tc_xs_watch(struct tc_xs *xs, const char *path, const char *token)
{
	const char *args[2] = { path, token };

	return xs_request_strings(xs, XS_WATCH, 0, args, 2, NULL, NULL);
}

int tc_xs_unwatch(struct tc_xs *xs, const char *path, const char *token)
{
	const char *args[2] = { path, token };

	return xs_request_strings(xs, XS_UNWATCH, 0, args, 2, NULL, NULL);
}

int tc_xs_wait_event(struct tc_xs *xs, int timeout_ms, char **path, char **token)
{
	struct xsd_sockmsg msg;
	struct pollfd pfd = { xs->fd, POLLIN, 0 };
	char *payload;
	int rc;

	while (!xs->events) {
		rc = poll(&pfd, 1, timeout_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -errno;
		if (rc == 0)
			return -ETIMEDOUT;
		rc = xs_read_msg(xs, &msg, &payload);
		if (rc)
			return rc;
		rc = msg.type == XS_WATCH_EVENT ? xs_queue_event(xs, payload, msg.len) : -EIO;
		free(payload);
		if (rc)
			return rc;
	}
	{
		struct tc_xs_event *e = xs->events;

		xs->events = e->next;
		*path = e->path; /* the token lives in the same allocation */
		*token = e->token;
		free(e);
	}
	return 0;
}
