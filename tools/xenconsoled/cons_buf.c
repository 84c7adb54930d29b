/* A bounded byte queue that keeps the newest bytes. */
#include "cons_buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int xcs_buf_init(struct xcs_buf *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->data = malloc(limit);
	if (!b->data)
		return -ENOMEM;
	b->limit = limit;
	return 0;
}

void xcs_buf_fini(struct xcs_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void xcs_buf_add(struct xcs_buf *b, const void *p, size_t n)
{
	const char *c = p;

	if (n >= b->limit) {
		/* Only the last limit bytes of p survive. */
		b->dropped += b->len + (n - b->limit);
		memcpy(b->data, c + (n - b->limit), b->limit);
		b->len = b->limit;
		return;
	}
	if (b->len + n > b->limit) {
		size_t old = b->len + n - b->limit;

		xcs_buf_consume(b, old);
		b->dropped += old;
	}
	memcpy(b->data + b->len, c, n);
	b->len += n;
}

void xcs_buf_consume(struct xcs_buf *b, size_t n)
{
	if (n > b->len)
		n = b->len;
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}
