/* A state dump for debugging hangs (SIGUSR1). */
#ifndef XS_DUMP_H
#define XS_DUMP_H

#include "daemon.h"

/* Logs each connection: input held, replies outstanding, output queued,
 * watches, transactions and, for a ring, its four indexes. */
void xs_dump_state(const struct xs_daemon *d);

#endif
