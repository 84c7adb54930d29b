/*
 * xsbench: load generator for xenstored over its unix socket.
 *   xsbench SOCKET OP CLIENTS SECONDS
 * OP is read, write, directory or txn10 (a transaction of 10 writes, retried
 * on EAGAIN). Each client is a process with its own connection doing one
 * request at a time; prints "OP CLIENTS OPS_PER_SECOND RETRIES".
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

struct xsb {
	int fd;
	uint32_t req;
	char reply[XENSTORE_PAYLOAD_MAX + 1];
	uint32_t len;
};

static double xsb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void xsb_io(int fd, void *buf, size_t len, int out)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n <= 0) {
			perror("xsbench: socket");
			exit(1);
		}
		p += n;
		len -= (size_t)n;
	}
}

/* One request and its reply; returns the reply type. */
static uint32_t xsb_req(struct xsb *b, uint32_t type, uint32_t tx, const void *payload,
			size_t len)
{
	struct xsd_sockmsg h = { type, ++b->req, tx, (uint32_t)len };
	char msg[sizeof(h) + XENSTORE_PAYLOAD_MAX];

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), payload, len);
	xsb_io(b->fd, msg, sizeof(h) + len, 1);
	do {
		xsb_io(b->fd, &h, sizeof(h), 0);
		xsb_io(b->fd, b->reply, h.len, 0);
	} while (h.type == XS_WATCH_EVENT);
	b->reply[h.len] = '\0';
	b->len = h.len;
	if (h.type == XS_ERROR && strcmp(b->reply, "EAGAIN")) {
		fprintf(stderr, "xsbench: error %s\n", b->reply);
		exit(1);
	}
	return h.type;
}

static uint32_t xsb_write(struct xsb *b, uint32_t tx, const char *path, const char *val)
{
	char buf[512];
	size_t pl = strlen(path) + 1, vl = strlen(val);

	memcpy(buf, path, pl);
	memcpy(buf + pl, val, vl);
	return xsb_req(b, XS_WRITE, tx, buf, pl + vl);
}

static void xsb_connect(struct xsb *b, const char *sock)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	b->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	if (b->fd < 0 || connect(b->fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("xsbench: connect");
		exit(1);
	}
}

/* One operation of the kind asked; returns EAGAIN retries it needed. */
static unsigned long xsb_op(struct xsb *b, const char *op, int id, unsigned long n)
{
	char path[128], val[32];
	unsigned long retries = 0;
	uint32_t tx;
	int i;

	snprintf(val, sizeof(val), "%lu", n);
	if (!strcmp(op, "read")) {
		snprintf(path, sizeof(path), "/bench/c%d/k", id);
		xsb_req(b, XS_READ, 0, path, strlen(path) + 1);
	} else if (!strcmp(op, "write")) {
		snprintf(path, sizeof(path), "/bench/c%d/k", id);
		xsb_write(b, 0, path, val);
	} else if (!strcmp(op, "directory")) {
		xsb_req(b, XS_DIRECTORY, 0, "/bench/dir", 11);
	} else {
		for (;;) {
			xsb_req(b, XS_TRANSACTION_START, 0, "", 1);
			tx = (uint32_t)strtoul(b->reply, NULL, 10);
			for (i = 0; i < 10; i++) {
				snprintf(path, sizeof(path), "/bench/c%d/t%d", id, i);
				xsb_write(b, tx, path, val);
			}
			if (xsb_req(b, XS_TRANSACTION_END, tx, "T", 2) != XS_ERROR)
				break;
			retries++;
		}
	}
	return retries;
}

static void xsb_setup(const char *sock, int clients)
{
	struct xsb b = { 0 };
	char path[128];
	int i, j;

	xsb_connect(&b, sock);
	for (i = 0; i < clients; i++) {
		snprintf(path, sizeof(path), "/bench/c%d/k", i);
		xsb_write(&b, 0, path, "0");
		for (j = 0; j < 10; j++) {
			snprintf(path, sizeof(path), "/bench/c%d/t%d", i, j);
			xsb_write(&b, 0, path, "0");
		}
	}
	for (i = 0; i < 32; i++) {
		snprintf(path, sizeof(path), "/bench/dir/entry-%02d", i);
		xsb_write(&b, 0, path, "x");
	}
	close(b.fd);
}

int main(int argc, char **argv)
{
	int clients, i, fds[2];
	double seconds, start;
	unsigned long total = 0, retries = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: xsbench SOCKET read|write|directory|txn10 CLIENTS SECONDS\n");
		return 2;
	}
	clients = atoi(argv[3]);
	seconds = atof(argv[4]);
	xsb_setup(argv[1], clients);
	if (pipe(fds))
		return 1;
	start = xsb_now();
	for (i = 0; i < clients; i++) {
		if (fork() == 0) {
			struct xsb b = { 0 };
			unsigned long res[2] = { 0, 0 };

			xsb_connect(&b, argv[1]);
			while (xsb_now() - start < seconds) {
				res[1] += xsb_op(&b, argv[2], i, res[0]);
				res[0]++;
			}
			if (write(fds[1], res, sizeof(res)) != sizeof(res))
				_exit(1);
			_exit(0);
		}
	}
	close(fds[1]);
	for (i = 0; i < clients; i++) {
		unsigned long res[2];

		if (read(fds[0], res, sizeof(res)) != sizeof(res))
			return 1;
		total += res[0];
		retries += res[1];
	}
	while (wait(NULL) > 0)
		;
	printf("%s %d %.0f %lu\n", argv[2], clients, (double)total / (xsb_now() - start),
	       retries);
	return 0;
}
