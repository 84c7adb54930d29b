/*
 * Console ring. Positions are byte counts since boot (they never wrap in
 * practice), so a reader can tell whether the text it wants was overwritten.
 */
#include <tern/conring.h>
#include <tern/string.h>

void conring_init(struct conring *ring, char *buf, size_t size)
{
	/* The index math needs a power of two; round a bad size down to one. */
	while (size & (size - 1))
		size &= size - 1;
	ring->buf = buf;
	ring->size = size;
	ring->prod = 0;
	ring->start = 0;
}

/* Copies len bytes into the ring at position pos, in at most two pieces. */
static void conring_copy_in(struct conring *ring, uint64_t pos, const char *text, size_t len)
{
	size_t off = (size_t)(pos & (ring->size - 1));
	size_t first = MIN(len, ring->size - off);

	memcpy(ring->buf + off, text, first);
	memcpy(ring->buf, text + first, len - first);
}

void conring_write(struct conring *ring, const char *text, size_t len)
{
	if (!ring->size)
		return;
	/* Only the last size bytes can survive; skip the rest. */
	if (len > ring->size) {
		ring->prod += len - ring->size;
		text += len - ring->size;
		len = ring->size;
	}
	conring_copy_in(ring, ring->prod, text, len);
	ring->prod += len;
	if (ring->prod - ring->start > ring->size)
		ring->start = ring->prod - ring->size;
}

size_t conring_read(const struct conring *ring, uint64_t *pos, char *out, size_t len)
{
	uint64_t p = *pos;
	size_t n, off, first;

	if (p < ring->start)
		p = ring->start;
	if (p > ring->prod)
		p = ring->prod;
	n = (size_t)MIN((uint64_t)len, ring->prod - p);
	if (n) {
		off = (size_t)(p & (ring->size - 1));
		first = MIN(n, ring->size - off);
		memcpy(out, ring->buf + off, first);
		memcpy(out + first, ring->buf, n - first);
	}
	*pos = p + n;
	return n;
}

void conring_clear(struct conring *ring)
{
	ring->start = ring->prod;
}
