/*
 * xenconsoled's xenstore connection: a unix-socket client (the daemon's
 * socket, $XENSTORED_PATH honoured) for the few requests it makes, with
 * watch events counted as they arrive between replies.
 */
#ifndef XCS_XS_H
#define XCS_XS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xcs_xs {
	int fd;			/* -1: not connected */
	uint32_t next_id;
	unsigned events;	/* watch events received and not yet taken */
};

/* Connects; -errno of socket/connect. */
int xcs_xs_open(struct xcs_xs *x);
void xcs_xs_close(struct xcs_xs *x);
/* The value of path (NUL-terminated, truncated); its length, or -errno (-ENOENT). */
int xcs_xs_read(struct xcs_xs *x, const char *path, char *out, size_t len);
int xcs_xs_write(struct xcs_xs *x, const char *path, const char *value);
int xcs_xs_watch(struct xcs_xs *x, const char *path, const char *token);
/*
 * Reads the watch events waiting on the socket without blocking; returns
 * how many arrived since the last call (also those seen during requests),
 * or -errno once the connection is gone.
 */
int xcs_xs_take_events(struct xcs_xs *x);

#endif
