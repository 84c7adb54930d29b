/* From bytes on a connection to requests run and replies queued. */
#ifndef XS_HANDLE_H
#define XS_HANDLE_H

#include <stdbool.h>

#include "daemon.h"

/* Reads what the transport has and runs each complete request. */
void xs_handle_input(struct xs_daemon *d, struct xs_conn *c);
/* Runs one request whose payload (hdr->len bytes) is in body. */
void xs_handle_msg(struct xs_daemon *d, struct xs_conn *c, const struct xsd_sockmsg *hdr,
		   char *body);
/*
 * Is c to be read from? Not once it has as many replies waiting as the
 * outstanding quota allows (a fixed bound for the privileged domain).
 */
bool xs_handle_may_read(const struct xs_daemon *d, const struct xs_conn *c);
/* Error names as the protocol spells them. */
const char *xs_handle_errname(int err);

#endif
