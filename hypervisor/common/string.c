/* The string functions freestanding code still needs (GCC may emit calls to the mem* ones). */
#include <tern/string.h>
#include <tern/types.h>

/* An 8-byte word at any address (x86 allows unaligned loads and stores). */
typedef uint64_t __attribute__((may_alias, aligned(1))) any_u64;

/*
 * Plain 8-byte loads and stores, 64 bytes a loop step, then the rest: grant
 * copies move guests' disk and network data through here, and under QEMU's
 * emulation a string instruction ends its translation block at every
 * iteration, so `rep movsq` cost 1.6 times this loop and `rep movsb` ~20
 * times (docs/blkback.md, bench/grant-copy).
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	for (; n >= 64; n -= 64, d += 64, s += 64) {
		uint64_t a = ((const any_u64 *)s)[0], b = ((const any_u64 *)s)[1];
		uint64_t c = ((const any_u64 *)s)[2], e = ((const any_u64 *)s)[3];
		uint64_t f = ((const any_u64 *)s)[4], g = ((const any_u64 *)s)[5];
		uint64_t h = ((const any_u64 *)s)[6], k = ((const any_u64 *)s)[7];

		((any_u64 *)d)[0] = a, ((any_u64 *)d)[1] = b, ((any_u64 *)d)[2] = c;
		((any_u64 *)d)[3] = e, ((any_u64 *)d)[4] = f, ((any_u64 *)d)[5] = g;
		((any_u64 *)d)[6] = h, ((any_u64 *)d)[7] = k;
	}
	for (; n >= 8; n -= 8, d += 8, s += 8)
		*(any_u64 *)d = *(const any_u64 *)s;
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;

	__asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
	return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (size_t i = 0; i < n; i++)
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}
