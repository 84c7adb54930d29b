/* The daemon's log (what an administrator reads) and its optional trace file. */
#ifndef XS_LOG_H
#define XS_LOG_H

#include <stdio.h>

void xs_log_set(FILE *log);
void xs_log_set_trace(FILE *trace);
void xs_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xs_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
