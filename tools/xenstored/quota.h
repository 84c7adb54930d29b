/*
 * Per-domain quotas with Xen's names and defaults. The privileged domain is
 * exempt. Unlike Xen, every hit is logged with the domain, the quota and its
 * limit, and each domain's usage can be read (control "quota <domid>").
 */
#ifndef XS_QUOTA_H
#define XS_QUOTA_H

#include <stddef.h>
#include <stdint.h>

#include "perms.h"

enum xs_quota_kind {
	XS_Q_NODES,		/* nodes owned */
	XS_Q_WATCHES,
	XS_Q_TXNS,		/* open transactions */
	XS_Q_OUTSTANDING,	/* requests read, reply not yet delivered */
	XS_Q_NODE_SIZE,		/* bytes: value + permissions + child names */
	XS_Q_PERMS,		/* entries in one permission list */
	XS_Q_PATH,		/* path length below the domain's home */
	XS_Q_TXN_NODES,		/* nodes one transaction may change */
	XS_Q_COUNT,
};

struct xs_quota_dom {
	uint32_t domid;
	unsigned long used[XS_Q_COUNT];
	unsigned long hits[XS_Q_COUNT];
};

struct xs_quota {
	unsigned long limit[XS_Q_COUNT];	/* 0: unlimited */
	struct xs_quota_dom *doms;
	size_t ndoms;
};

void xs_quota_init(struct xs_quota *q);
void xs_quota_fini(struct xs_quota *q);
/* Sets "name=value" or (name, value); -EINVAL for an unknown name. */
int xs_quota_set(struct xs_quota *q, const char *name, unsigned long value);
int xs_quota_set_arg(struct xs_quota *q, const char *arg);
void xs_quota_add(struct xs_quota *q, uint32_t domid, enum xs_quota_kind k, long delta);
/* Drops a domain's usage and hits (it was released). */
void xs_quota_forget(struct xs_quota *q, uint32_t domid);
unsigned long xs_quota_used(struct xs_quota *q, uint32_t domid, enum xs_quota_kind k);
/* May who reach amount of k? -ENOSPC (logged) if not. */
int xs_quota_check(struct xs_quota *q, const struct xs_who *who, enum xs_quota_kind k,
		   unsigned long amount);
/* Human-readable limits, or one domain's usage against them. */
size_t xs_quota_report(struct xs_quota *q, char *buf, size_t size);
size_t xs_quota_report_dom(struct xs_quota *q, uint32_t domid, char *buf, size_t size);

#endif
