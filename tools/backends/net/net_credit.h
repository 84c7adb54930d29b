/*
 * A vif's transmit rate limit (xl's rate=, backend key "rate" =
 * "<bytes per interval>,<interval in us>"), as a credit that refills once
 * per interval (pure: unit-tested). A packet goes when the credit covers
 * it; otherwise the guest's ring waits for the next refill, so nothing is
 * dropped and the guest's TCP sees the limit as a slow link. Credit left
 * unused is kept up to one GSO packet's worth, so packets larger than one
 * interval's credit still pass at the configured average rate.
 */
#ifndef TERN_NET_CREDIT_H
#define TERN_NET_CREDIT_H

#include <stdint.h>

struct net_credit {
	uint64_t per_interval;   /* 0: no limit */
	uint64_t interval_us;
	uint64_t cap;            /* the most credit kept */
	uint64_t left;
	uint64_t next_refill_us; /* on the caller's monotonic clock */
};

/* Parses "bytes,usecs" (what libxl writes); 0 or -EINVAL. */
int net_credit_parse(const char *s, uint64_t *per_interval, uint64_t *interval_us);
void net_credit_init(struct net_credit *c, uint64_t per_interval, uint64_t interval_us,
		     uint64_t now_us);
/* Whether len bytes may go now (1) or not (0), after adding the credit the
 * time since the last refill earned. Nothing is charged: a packet the ring
 * does not wholly hold yet is looked at again later. */
int net_credit_covers(struct net_credit *c, uint64_t len, uint64_t now_us);
/* Charges len bytes that went (after net_credit_covers said yes). */
static inline void net_credit_charge(struct net_credit *c, uint64_t len)
{
	c->left = len < c->left ? c->left - len : 0;
}
/* When more credit comes (meaningful after a refusal). */
static inline uint64_t net_credit_next(const struct net_credit *c)
{
	return c->next_refill_us;
}

#endif
