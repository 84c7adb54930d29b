/* Unix-socket transport, reading through a buffer to save system calls. */
#define _GNU_SOURCE
#include "sock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

#define XS_SOCK_BUF 65536

struct xs_sock {
	size_t off, len;
	unsigned char buf[XS_SOCK_BUF];
};

static ssize_t xs_sock_read(struct xs_conn *c, void *buf, size_t len)
{
	struct xs_sock *s = c->tp_priv;
	ssize_t n;

	if (s->off == s->len) {
		n = recv(c->fd, s->buf, sizeof(s->buf), MSG_DONTWAIT);
		if (n == 0)
			return -EPIPE;
		if (n < 0)
			return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
		s->off = 0;
		s->len = (size_t)n;
	}
	if (len > s->len - s->off)
		len = s->len - s->off;
	memcpy(buf, s->buf + s->off, len);
	s->off += len;
	return (ssize_t)len;
}

static ssize_t xs_sock_write(struct xs_conn *c, const void *buf, size_t len)
{
	ssize_t n = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
	return n;
}

static void xs_sock_close(struct xs_conn *c)
{
	close(c->fd);
	free(c->tp_priv);
}

static const struct xs_transport xs_sock_transport = {
	.name = "socket",
	.read = xs_sock_read,
	.write = xs_sock_write,
	.close = xs_sock_close,
};

bool xs_sock_buffered(const struct xs_conn *c)
{
	const struct xs_sock *s = c->tp_priv;

	return c->tp == &xs_sock_transport && s->off < s->len;
}

int xs_sock_listen(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = -1, rc;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A socket file left by a previous run would make bind fail. */
	unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || chmod(path, 0600) ||
	    listen(fd, 64)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

int xs_sock_accept(struct xs_daemon *d, int lfd)
{
	static const struct xs_who dom0 = { 0, XS_NO_TARGET, true };
	struct xs_sock *s = NULL;
	struct xs_conn *c;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return (errno == EAGAIN || errno == EINTR) ? -EAGAIN : -errno;
	s = calloc(1, sizeof(*s));
	c = s ? xs_conn_new(&xs_sock_transport, s, fd, &dom0) : NULL;
	if (!c) {
		free(s);
		close(fd);
		xs_log("socket client refused: out of memory");
		return -ENOMEM;
	}
	xs_daemon_add_conn(d, c);
	return 0;
}
