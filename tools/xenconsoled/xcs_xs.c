/* A blocking request/reply xenstore client that keeps watch events aside. */
#include "xcs_xs.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

#include "ternctl.h"

int xcs_xs_open(struct xcs_xs *x)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = tc_xs_socket_path();

	x->fd = -1;
	x->next_id = 1;
	x->events = 0;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	x->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (x->fd < 0)
		return -errno;
	if (connect(x->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = -errno;

		xcs_xs_close(x);
		return rc;
	}
	return 0;
}

void xcs_xs_close(struct xcs_xs *x)
{
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
}

static int xcs_xs_io(int fd, void *p, size_t len, bool out)
{
	char *c = p;

	while (len) {
		ssize_t n = out ? write(fd, c, len) : read(fd, c, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One whole message from the daemon into hdr and body (len + 1 bytes, NUL added). */
static int xcs_xs_recv(struct xcs_xs *x, struct xsd_sockmsg *hdr, char *body)
{
	int rc = xcs_xs_io(x->fd, hdr, sizeof(*hdr), false);

	if (!rc && hdr->len > XENSTORE_PAYLOAD_MAX)
		rc = -EPROTO;
	if (!rc)
		rc = xcs_xs_io(x->fd, body, hdr->len, false);
	if (rc)
		return rc;
	body[hdr->len] = '\0';
	if (hdr->type == XS_WATCH_EVENT)
		x->events++;
	return 0;
}

/*
 * Sends type with the given payload parts and waits for its reply, whose
 * payload goes to out (NUL-terminated, truncated to outlen - 1) if out is
 * given. Returns the reply's length or -errno (the daemon's error by name).
 */
static int xcs_xs_request(struct xcs_xs *x, uint32_t type, const char *a, size_t alen,
			  const char *b, size_t blen, char *out, size_t outlen)
{
	static char body[XENSTORE_PAYLOAD_MAX + 1];
	struct xsd_sockmsg hdr = { type, x->next_id++, 0, (uint32_t)(alen + blen) };
	uint32_t id = hdr.req_id;
	int rc;

	if (x->fd < 0)
		return -ENOTCONN;
	if (alen + blen > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	rc = xcs_xs_io(x->fd, &hdr, sizeof(hdr), true);
	if (!rc)
		rc = xcs_xs_io(x->fd, (void *)a, alen, true);
	if (!rc && blen)
		rc = xcs_xs_io(x->fd, (void *)b, blen, true);
	while (!rc) {
		rc = xcs_xs_recv(x, &hdr, body);
		if (rc)
			break;
		if (hdr.type == XS_WATCH_EVENT || hdr.req_id != id)
			continue;
		if (hdr.type == XS_ERROR)
			return -tc_xs_errno(body);
		if (out && outlen) {
			size_t n = hdr.len < outlen - 1 ? hdr.len : outlen - 1;

			memcpy(out, body, n);
			out[n] = '\0';
		}
		return (int)hdr.len;
	}
	xcs_xs_close(x);
	return rc;
}

int xcs_xs_read(struct xcs_xs *x, const char *path, char *out, size_t len)
{
	return xcs_xs_request(x, XS_READ, path, strlen(path) + 1, NULL, 0, out, len);
}

int xcs_xs_write(struct xcs_xs *x, const char *path, const char *value)
{
	int rc = xcs_xs_request(x, XS_WRITE, path, strlen(path) + 1, value, strlen(value),
				NULL, 0);

	return rc < 0 ? rc : 0;
}

int xcs_xs_watch(struct xcs_xs *x, const char *path, const char *token)
{
	int rc = xcs_xs_request(x, XS_WATCH, path, strlen(path) + 1, token,
				strlen(token) + 1, NULL, 0);

	return rc < 0 ? rc : 0;
}

int xcs_xs_take_events(struct xcs_xs *x)
{
	static char body[XENSTORE_PAYLOAD_MAX + 1];
	struct xsd_sockmsg hdr;
	struct pollfd p;
	int n;

	while (x->fd >= 0) {
		p = (struct pollfd){ .fd = x->fd, .events = POLLIN };
		if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR)))
			break;
		/* The daemon writes whole messages; the rest follows at once. */
		if (xcs_xs_recv(x, &hdr, body)) {
			xcs_xs_close(x);
			break;
		}
	}
	n = (int)x->events;
	x->events = 0;
	return x->fd < 0 ? -ECONNRESET : n;
}
