/* The daemon's whole state, shared by the request handlers. */
#ifndef XS_DAEMON_H
#define XS_DAEMON_H

#include <stdbool.h>

#include "conn.h"
#include "domain.h"
#include "journal.h"
#include "quota.h"
#include "tree.h"

struct xs_daemon {
	struct xs_tree tree;
	struct xs_quota quota;
	struct xs_domains domains;
	struct xs_conn *conns;
	struct xs_journal *journal;	/* NULL: not persistent */
	bool keep_orphans;		/* on RELEASE give a domain's nodes to dom0 */
	/*
	 * Connects an introduced domain's ring; NULL when there is no
	 * hypervisor, and domains are then only recorded.
	 */
	int (*ring_attach)(struct xs_daemon *d, struct xs_domain *dom);
	/*
	 * The hypervisor's event source (/dev/xen/evtchn), -1 without one;
	 * the loop calls hv_event when it is readable. Connections without
	 * an fd (domain rings) are read every round of the loop.
	 */
	int hv_fd;
	void (*hv_event)(struct xs_daemon *d);
};

/* Empty store and default quotas; the caller loads or sets up the tree. */
int xs_daemon_init(struct xs_daemon *d);
void xs_daemon_fini(struct xs_daemon *d);
/* Sends changes to the journal from now on (NULL: stop). */
void xs_daemon_set_journal(struct xs_daemon *d, struct xs_journal *j);
void xs_daemon_add_conn(struct xs_daemon *d, struct xs_conn *c);
/* Closes and frees every connection marked dead. */
void xs_daemon_reap(struct xs_daemon *d);
/* Gives back a connection's watches and transactions to its quota. */
void xs_daemon_drop_conn_state(struct xs_daemon *d, struct xs_conn *c);
/* Closes c at the end of the round; its watches and transactions go now. */
void xs_daemon_kill_conn(struct xs_daemon *d, struct xs_conn *c, const char *why);
/*
 * Leaves c as if it had just connected: no watches, transactions, queued
 * replies or events, nor a request read in part.
 */
void xs_daemon_restart_conn(struct xs_daemon *d, struct xs_conn *c);

#endif
