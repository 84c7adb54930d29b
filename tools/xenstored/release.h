/* The end of a domain: what RELEASE, or the hypervisor saying it died, takes away. */
#ifndef XS_RELEASE_H
#define XS_RELEASE_H

#include "change.h"
#include "daemon.h"

/*
 * Closes the domain's connection (watches, transactions, pending requests
 * and replies), forgets its nodes (changes go to ch), the SET_TARGET
 * rights others had over it and its quota accounting, and fires
 * @releaseDomain. -ENOENT if it was not introduced.
 */
int xs_domain_release(struct xs_daemon *d, uint32_t domid, struct xs_changes *ch,
		      const char *why);
/* The same outside any request: watchers hear of the changes at once. */
void xs_domain_drop(struct xs_daemon *d, uint32_t domid, const char *why);

#endif
