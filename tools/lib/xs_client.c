/*
 * A minimal xenstore client: one XS_READ per connection over the daemon's
 * unix socket. Enough for `xl list` names; the wire format is Xen's
 * (tools/include/xen/io/xs_wire.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

int tc_xs_read(const char *path, char *out, size_t outlen)
{
	struct sockaddr_un sa;
	struct xsd_sockmsg msg;
	char payload[XENSTORE_PAYLOAD_MAX + 1];
	size_t plen = strlen(path) + 1;
	const char *sock = tc_xs_socket_path();
	int fd = -1, rc;

	if (plen > XENSTORE_ABS_PATH_MAX || outlen == 0)
		return -EINVAL;
	if (strlen(sock) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		goto out;
	}
	msg.type = XS_READ;
	msg.req_id = 1;
	msg.tx_id = 0;
	msg.len = (uint32_t)plen;
	rc = xs_write_all(fd, &msg, sizeof(msg));
	if (rc == 0)
		rc = xs_write_all(fd, path, plen);
	if (rc == 0)
		rc = xs_read_all(fd, &msg, sizeof(msg));
	if (rc)
		goto out;
	if (msg.len > XENSTORE_PAYLOAD_MAX) {
		rc = -EIO;
		goto out;
	}
	rc = xs_read_all(fd, payload, msg.len);
	if (rc)
		goto out;
	payload[msg.len] = '\0';
	if (msg.type == XS_ERROR) {
		rc = -tc_xs_errno(payload);
	} else if (msg.type != XS_READ || msg.req_id != 1) {
		rc = -EIO;
	} else {
		size_t n = msg.len < outlen - 1 ? msg.len : outlen - 1;

		memcpy(out, payload, n);
		out[n] = '\0';
		rc = (int)msg.len;
	}
out:
	close(fd);
	return rc;
}
