/* A vif's transmit rate limit (net_credit.h). */
#include <errno.h>
#include <stdlib.h>

#include "net_credit.h"

/* Enough for the largest packet a guest can send in one go. */
#define NET_CREDIT_MIN_CAP (128u * 1024)

int net_credit_parse(const char *s, uint64_t *per_interval, uint64_t *interval_us)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	*per_interval = strtoull(s, &end, 10);
	if (*end != ',' || end[1] < '0' || end[1] > '9')
		return -EINVAL;
	*interval_us = strtoull(end + 1, &end, 10);
	return *end || *interval_us == 0 ? -EINVAL : 0;
}

void net_credit_init(struct net_credit *c, uint64_t per_interval, uint64_t interval_us,
		     uint64_t now_us)
{
	c->per_interval = per_interval;
	c->interval_us = interval_us ? interval_us : 1;
	c->cap = per_interval > NET_CREDIT_MIN_CAP ? per_interval : NET_CREDIT_MIN_CAP;
	c->left = per_interval;
	c->next_refill_us = now_us + c->interval_us;
}

int net_credit_covers(struct net_credit *c, uint64_t len, uint64_t now_us)
{
	if (c->per_interval == 0)
		return 1;
	if (now_us >= c->next_refill_us) {
		uint64_t periods = (now_us - c->next_refill_us) / c->interval_us + 1;
		uint64_t add = periods > c->cap / c->per_interval + 1 ? c->cap
								       : periods * c->per_interval;

		c->left = c->left + add > c->cap ? c->cap : c->left + add;
		c->next_refill_us += periods * c->interval_us;
	}
	return c->left >= len;
}
