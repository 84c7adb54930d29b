/*
 * The console ring: every line the hypervisor prints is kept here too, in a
 * power-of-two byte ring that overwrites the oldest text; `xl dmesg` reads it.
 */
#ifndef TERN_CONRING_H
#define TERN_CONRING_H

#include <tern/types.h>

struct conring {
	char *buf;
	size_t size;      /* a power of two */
	uint64_t prod;    /* bytes ever written */
	uint64_t start;   /* oldest byte still readable (moves on wrap and on clear) */
};

void conring_init(struct conring *ring, char *buf, size_t size);
void conring_write(struct conring *ring, const char *text, size_t len);

/*
 * Copies up to len bytes starting at *pos (clamped forward to the oldest byte
 * still held) and advances *pos. Returns the bytes copied; 0 at the end.
 */
size_t conring_read(const struct conring *ring, uint64_t *pos, char *out, size_t len);

/* Forgets everything written so far (xl dmesg -c). */
void conring_clear(struct conring *ring);

#endif
