/*
 * A guest's console_io text on its way to the hypervisor console: cut into
 * whole lines (so one guest's half line never interleaves with another's),
 * and for an unprivileged guest held to a rate limit in bytes of console
 * output, so that a flood cannot fill the console ring or hold a slow serial
 * line. Pure (tested on the host): the caller copies the guest's bytes in,
 * passes the time, and prints what comes out.
 */
#ifndef TERN_GUEST_CONSOLE_H
#define TERN_GUEST_CONSOLE_H

#include <tern/ratelimit.h>

#define GUEST_CONSOLE_LINE_MAX 160
/* What a line costs on the console beyond its text: "(tern) (dNNNNN) ", "\r\n". */
#define GUEST_CONSOLE_LINE_OVERHEAD 18

struct guest_console {
	char line[GUEST_CONSOLE_LINE_MAX]; /* text not yet printed */
	unsigned int len;
	struct ratelimit limit;            /* unprivileged guests only */
};

/* A line guest_console_feed() completed. */
struct guest_console_line {
	const char *text;    /* the line, without its newline; valid until the next feed */
	size_t len;
	bool print;          /* false: the rate limit drops it */
	uint64_t suppressed; /* lines dropped since the last one printed (when print) */
};

/*
 * Takes the guest's bytes up to the end of the first line they complete (a
 * newline, or the line buffer filling up; carriage returns are dropped) and
 * returns how many it took. *out says whether a line was completed: out->text
 * is NULL if not. With `limit` NULL (the privileged domain) every line is
 * printed; otherwise a line costs its length plus GUEST_CONSOLE_LINE_OVERHEAD
 * units of `limit`.
 */
size_t guest_console_feed(struct guest_console *c, const char *text, size_t len,
			  const struct ratelimit_policy *limit, uint64_t now,
			  struct guest_console_line *out);

#endif
