/* Timestamped log lines; the trace file records every message when asked. */
#include "log.h"

#include <stdarg.h>
#include <time.h>

static FILE *xs_log_file;
static FILE *xs_log_trace_file;

void xs_log_set(FILE *log)
{
	xs_log_file = log;
}

void xs_log_set_trace(FILE *trace)
{
	xs_log_trace_file = trace;
}

static void xs_log_line(FILE *f, const char *fmt, va_list ap)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
	fprintf(f, "%s xenstored: ", stamp);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
}

void xs_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xs_log_line(xs_log_file ? xs_log_file : stderr, fmt, ap);
	va_end(ap);
}

void xs_trace(const char *fmt, ...)
{
	va_list ap;

	if (!xs_log_trace_file)
		return;
	va_start(ap, fmt);
	xs_log_line(xs_log_trace_file, fmt, ap);
	va_end(ap);
}
