/*
 * The string functions the hypervisor provides (common/string.c), with the
 * standard prototypes, so pure modules can use them freestanding and, on the
 * host, get the C library's.
 */
#ifndef TERN_STRING_H
#define TERN_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

#endif
