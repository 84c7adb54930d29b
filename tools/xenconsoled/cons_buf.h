/*
 * Guest output waiting for its pty. It never blocks the guest: past the
 * limit the oldest bytes are dropped (and counted), as Xen's xenconsoled
 * discards overflowed data rather than stall a domain's printk.
 */
#ifndef XCS_CONS_BUF_H
#define XCS_CONS_BUF_H

#include <stddef.h>

struct xcs_buf {
	char *data;
	size_t len;		/* bytes held, from data[0] */
	size_t limit;		/* most bytes held */
	size_t dropped;		/* bytes discarded so far */
};

/* An empty buffer holding at most limit (> 0) bytes; -ENOMEM. */
int xcs_buf_init(struct xcs_buf *b, size_t limit);
void xcs_buf_fini(struct xcs_buf *b);
/* Appends n bytes, dropping the oldest beyond the limit. */
void xcs_buf_add(struct xcs_buf *b, const void *p, size_t n);
/* Forgets the first n (<= len) bytes, which were sent. */
void xcs_buf_consume(struct xcs_buf *b, size_t n);

#endif
