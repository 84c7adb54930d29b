/*
 * What VIRQ_DOM_EXC leads to: the hypervisor says an introduced domain shut
 * down, is dying or is gone; @releaseDomain watchers hear of it and the
 * dead are released. The hypervisor is asked through a callback, so this
 * runs the same under tests.
 */
#ifndef XS_DOMAIN_EXC_H
#define XS_DOMAIN_EXC_H

#include "daemon.h"

enum xs_dom_state {
	XS_DOM_RUNNING,		/* or cannot tell: nothing to do */
	XS_DOM_SHUTDOWN,	/* stopped, still there (reason set) */
	XS_DOM_DYING,
	XS_DOM_GONE,
};

typedef enum xs_dom_state xs_dom_state_fn(uint32_t domid, unsigned int *reason);

/*
 * Asks state about every introduced domain: the dying and the gone are
 * released; a shutdown fires @releaseDomain once, and again only after
 * RESUME.
 */
void xs_domain_exc(struct xs_daemon *d, xs_dom_state_fn *state);

#endif
