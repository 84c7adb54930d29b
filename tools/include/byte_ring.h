/*
 * A byte ring on a page shared with another domain, as Xen's console and
 * xenstore pages have them: a power-of-two array, free-running uint32
 * indexes, byte i at i & (size - 1). The other side may change an index at
 * any time, so each is read once, and a producer more than a ring ahead of
 * its consumer is a broken peer (-EIO, nothing moved). The copies complete
 * before the index that hands them over is published.
 */
#ifndef BYTE_RING_H
#define BYTE_RING_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

static inline uint32_t byte_ring_index(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void byte_ring_publish(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Takes up to len bytes the peer produced; how many (0: none), or -EIO. */
static inline ssize_t byte_ring_take(const char *ring, uint32_t size, uint32_t *cons_p,
				     const uint32_t *prod_p, void *buf, size_t len)
{
	uint32_t cons = byte_ring_index(cons_p), prod = byte_ring_index(prod_p);
	size_t avail = (uint32_t)(prod - cons), first, n;

	if (avail > size)
		return -EIO;
	n = len < avail ? len : avail;
	first = size - (cons & (size - 1));
	if (first > n)
		first = n;
	memcpy(buf, ring + (cons & (size - 1)), first);
	memcpy((char *)buf + first, ring, n - first);
	byte_ring_publish(cons_p, cons + (uint32_t)n);
	return (ssize_t)n;
}

/* Puts up to len bytes as the room allows; how many, or -EIO. */
static inline ssize_t byte_ring_put(char *ring, uint32_t size, const uint32_t *cons_p,
				    uint32_t *prod_p, const void *buf, size_t len)
{
	uint32_t cons = byte_ring_index(cons_p), prod = byte_ring_index(prod_p);
	size_t used = (uint32_t)(prod - cons), first, n;

	if (used > size)
		return -EIO;
	n = size - used;
	if (n > len)
		n = len;
	first = size - (prod & (size - 1));
	if (first > n)
		first = n;
	memcpy(ring + (prod & (size - 1)), buf, first);
	memcpy(ring, (const char *)buf + first, n - first);
	byte_ring_publish(prod_p, prod + (uint32_t)n);
	return (ssize_t)n;
}

/* Free bytes (0 also when the indexes are broken). */
static inline size_t byte_ring_room(uint32_t size, const uint32_t *cons_p, const uint32_t *prod_p)
{
	uint32_t used = byte_ring_index(prod_p) - byte_ring_index(cons_p);

	return used > size ? 0 : size - used;
}

#endif
