/*
 * Rate limits for what guests can make the hypervisor do on their behalf:
 * console lines, log messages. Pure (tested on the host): the caller passes
 * the time.
 *
 * A limit allows `burst` units at once and `burst` more every `burst *
 * interval_ns` after that, i.e. one unit per interval_ns on average (the
 * generic cell rate algorithm: one number of state, exact in integers). A
 * unit is whatever the caller counts: a message, or a byte of serial output.
 */
#ifndef TERN_RATELIMIT_H
#define TERN_RATELIMIT_H

#include <tern/types.h>

struct ratelimit_policy {
	uint64_t interval_ns; /* time one unit costs */
	uint64_t burst;       /* units that may come at once */
};

struct ratelimit {
	uint64_t tat;        /* when the units allowed so far are paid off */
	uint64_t suppressed; /* refused calls since the last allowed one */
};

/*
 * Whether `cost` units may go now. A refused call counts as suppressed and
 * uses nothing. A zeroed struct ratelimit starts with its whole burst.
 */
bool ratelimit_allow(struct ratelimit *rl, const struct ratelimit_policy *p, uint64_t cost,
		     uint64_t now);

/* The number of refused calls since the last allowed one, and clears it:
 * for a "... N suppressed" note before the next message that goes out. */
uint64_t ratelimit_take_suppressed(struct ratelimit *rl);

#endif
