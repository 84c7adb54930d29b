/* The unix-socket transport: clients there act as the privileged domain. */
#ifndef XS_SOCK_H
#define XS_SOCK_H

#include <stdbool.h>

#include "daemon.h"

/* Binds and listens on path (mode 0600), replacing a stale socket file. */
int xs_sock_listen(const char *path);
/* Accepts one pending client; -EAGAIN if none. */
int xs_sock_accept(struct xs_daemon *d, int lfd);
/* Bytes received from the socket but not yet handed to the framer? */
bool xs_sock_buffered(const struct xs_conn *c);

#endif
