/* See tern/guest_console.h. */
#include <tern/guest_console.h>

static void complete(struct guest_console *c, const struct ratelimit_policy *limit,
		     uint64_t now, struct guest_console_line *out)
{
	out->text = c->line;
	out->len = c->len;
	out->print = !limit ||
		     ratelimit_allow(&c->limit, limit, c->len + GUEST_CONSOLE_LINE_OVERHEAD, now);
	out->suppressed = out->print ? ratelimit_take_suppressed(&c->limit) : 0;
	c->len = 0;
}

size_t guest_console_feed(struct guest_console *c, const char *text, size_t len,
			  const struct ratelimit_policy *limit, uint64_t now,
			  struct guest_console_line *out)
{
	*out = (struct guest_console_line){ NULL, 0, false, 0 };
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			complete(c, limit, now, out);
			return i + 1;
		}
		if (text[i] == '\r')
			continue;
		c->line[c->len++] = text[i];
		if (c->len == sizeof(c->line)) {
			complete(c, limit, now, out);
			return i + 1;
		}
	}
	return len;
}
