/* See tern/ratelimit.h. */
#include <tern/ratelimit.h>

bool ratelimit_allow(struct ratelimit *rl, const struct ratelimit_policy *p, uint64_t cost,
		     uint64_t now)
{
	uint64_t tat = MAX(rl->tat, now);
	uint64_t window = p->burst * p->interval_ns;

	/* Costs beyond the burst never fit; dividing first keeps clear of overflow. */
	if (cost > p->burst || tat - now > window - cost * p->interval_ns) {
		rl->suppressed++;
		return false;
	}
	rl->tat = tat + cost * p->interval_ns;
	return true;
}

uint64_t ratelimit_take_suppressed(struct ratelimit *rl)
{
	uint64_t n = rl->suppressed;

	rl->suppressed = 0;
	return n;
}
