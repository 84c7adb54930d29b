/* Domains introduced to the store (INTRODUCE until RELEASE). */
#ifndef XS_DOMAIN_H
#define XS_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_conn;
struct xs_watch;

struct xs_domain {
	uint32_t domid;
	uint64_t gfn;		/* ring page, as INTRODUCE gave it */
	uint32_t port;		/* its event channel */
	uint32_t target;	/* SET_TARGET, or XS_NO_TARGET */
	struct xs_conn *conn;	/* its ring connection, once attached */
	bool shutdown_seen;	/* @releaseDomain fired for its shutdown (until RESUME) */
	struct xs_watch *restored; /* its watches from the journal, until its ring is attached */
};

struct xs_domains {
	struct xs_domain *v;
	size_t n;
};

struct xs_domain *xs_domain_find(struct xs_domains *ds, uint32_t domid);
/* Adds or updates; returns the entry or NULL without memory. */
struct xs_domain *xs_domain_add(struct xs_domains *ds, uint32_t domid, uint64_t gfn,
				uint32_t port);
void xs_domain_remove(struct xs_domains *ds, uint32_t domid);
void xs_domain_fini(struct xs_domains *ds);
/* Parses a decimal domid 0..65535; -EINVAL otherwise. */
int xs_domain_parse_id(const char *s, uint32_t *domid);

#endif
