/*
 * One guest console: the domain's console page mapped through privcmd, its
 * event channel bound through /dev/xen/evtchn, and a pty whose slave name is
 * published as /local/domain/N/console/tty for `xl console`.
 */
#ifndef XCS_CONS_DOM_H
#define XCS_CONS_DOM_H

#include <stdbool.h>
#include <stdint.h>

#include "cons_buf.h"
#include "cons_ring.h"
#include "ternctl.h"

/* What every console shares: the daemon's handles and options. */
struct xcs_ctx {
	struct tc_handle tc;
	struct tc_evtchn ev;
	struct tc_xs xs;		/* fd -1: not connected to xenstored */
	struct xcs_dom *doms;
	bool log_guest;		/* --log=guest|all */
	const char *log_dir;	/* guest-<name>.log goes here */
};

struct xcs_dom {
	struct xcs_dom *next;
	uint16_t domid;
	uint8_t handle[16];	/* its UUID: a new domain may reuse the id */
	char name[128];
	uint64_t gfn;
	uint32_t remote_port;
	int local_port;		/* -1 until bound */
	struct xencons_interface *ring;
	int master, slave;	/* the pty; the daemon keeps the slave open */
	char tty[64];
	int log_fd;
	struct xcs_buf out;	/* guest output the pty has not taken yet */
	bool broken;		/* bad ring indexes: no longer served */
	bool seen;		/* in the latest domain scan */
};

/*
 * Sets up the console of domain info->domain. -EAGAIN while the toolstack
 * has not published the ring (retry at the next scan); other -errno are
 * failures to map, bind or allocate. Logs what it does.
 */
int xcs_dom_open(struct xcs_ctx *x, const struct tern_domaininfo *info, struct xcs_dom **out);
/* Takes the last output, then unbinds, unmaps and closes the pty. */
void xcs_dom_close(struct xcs_ctx *x, struct xcs_dom *d);
/* Moves bytes both ways as far as the ring and the pty allow. */
void xcs_dom_service(struct xcs_ctx *x, struct xcs_dom *d);

void xcs_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
