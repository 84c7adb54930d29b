/* The daemon's state in its log, on SIGUSR1: what a stuck client is waiting for. */
#include "dump.h"

#include "log.h"
#include "ringconn.h"

static unsigned int count_out(const struct xs_conn *c)
{
	unsigned int n = 0;

	for (const struct xs_outmsg *m = c->out_head; m; m = m->next)
		n++;
	return n;
}

void xs_dump_state(const struct xs_daemon *d)
{
	unsigned int n = 0;

	xs_log("state dump (SIGUSR1): %u introduced domain(s)", (unsigned int)d->domains.n);
	for (const struct xs_conn *c = d->conns; c; c = c->next, n++) {
		char ring[160] = "";

		xs_ringconn_describe(c, ring, sizeof(ring));
		xs_log("  conn %u: dom%u fd %d%s%s, %zu input byte(s) held, %u outstanding, "
		       "%u message(s) (%zu bytes) to send, %u watch(es), %u transaction(s)%s%s",
		       n, c->who.domid, c->fd, c->dead ? " dead: " : "", c->dead ? c->dead : "",
		       c->inlen, c->outstanding, count_out(c), c->out_bytes, c->nwatches, c->ntxns,
		       ring[0] ? "; " : "", ring);
	}
}
