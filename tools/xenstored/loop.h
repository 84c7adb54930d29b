/* The single-threaded event loop: poll, read, journal, reply. */
#ifndef XS_LOOP_H
#define XS_LOOP_H

#include <signal.h>

#include "daemon.h"

/* What signal handlers ask of the loop. */
struct xs_loop_signals {
	volatile sig_atomic_t stop;	/* SIGTERM, SIGINT */
	volatile sig_atomic_t dump;	/* SIGUSR1: log the state (dump.h) */
};

/*
 * Serves until sig->stop is set. Each round runs every complete request,
 * writes the journal batch, and only then sends replies, so no change is
 * acknowledged before it is on disk.
 */
int xs_loop_run(struct xs_daemon *d, int lfd, struct xs_loop_signals *sig);
/* Writes pending journal entries and compacts when due. */
void xs_loop_sync(struct xs_daemon *d);
/* One round's reading of c: a ring's RECONNECT first, then its requests. */
void xs_loop_input(struct xs_daemon *d, struct xs_conn *c);
/* One round's end: the journal, then every reply that fits, then the dead closed. */
void xs_loop_output(struct xs_daemon *d);

#endif
