/* Helpers every handler uses to read its arguments and set its reply. */
#include <errno.h>
#include <string.h>

#include "ops.h"

int xs_req_strings(struct xs_req *r, const char **vec, int max)
{
	uint32_t off = 0;
	int n = 0;

	if (r->len == 0 || r->body[r->len - 1] != '\0')
		return -EINVAL;
	while (off < r->len) {
		if (n == max)
			return -EINVAL;
		vec[n++] = r->body + off;
		off += (uint32_t)strlen(r->body + off) + 1;
	}
	return n;
}

int xs_req_args(struct xs_req *r, const char **vec, int n)
{
	int got = xs_req_strings(r, vec, n);

	return got == n ? 0 : -EINVAL;
}

int xs_req_path(struct xs_daemon *d, struct xs_conn *c, const char *arg,
		enum xs_path_kind kind, char *out, bool *relative)
{
	char home[32];
	size_t hlen, len;
	int rc = xs_path_canon(arg, c->who.domid, kind, out, relative);

	if (rc)
		return rc;
	/* A domain's path length counts from its home, as in Xen. */
	xs_path_home(c->who.domid, home, sizeof(home));
	hlen = strlen(home);
	len = strlen(out);
	if (!strncmp(out, home, hlen) && out[hlen] == '/')
		len -= hlen + 1;
	if (!c->who.priv && d->quota.limit[XS_Q_PATH] && len > d->quota.limit[XS_Q_PATH])
		return -EINVAL;
	return 0;
}

void xs_req_reply_str(struct xs_req *r, const char *s)
{
	size_t len = strlen(s) + 1;

	if (len > sizeof(r->buf))
		len = sizeof(r->buf);
	memcpy(r->buf, s, len);
	r->buf[len - 1] = '\0';
	r->reply = r->buf;
	r->reply_len = len;
}
