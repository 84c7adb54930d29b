/* printf-style formatting for the freestanding hypervisor. */
#ifndef TERN_FORMAT_H
#define TERN_FORMAT_H

#include <stdarg.h>
#include <tern/types.h>

/*
 * C99 vsnprintf subset: %d %i %u %x %X %o %c %s %p %% with flags "-0+ #",
 * width and precision (also "*"), length modifiers hh h l ll z t j.
 * Always NUL-terminates when len > 0; returns the length the full output
 * would have had. %s of NULL prints "(null)".
 */
int format_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int format_snprintf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
