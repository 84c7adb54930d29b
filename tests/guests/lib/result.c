/*
 * XTF-style results: the most severe outcome recorded wins; test_end()
 * prints it and powers the domain off.
 */
#include "lib.h"

#include <public/sched.h>

enum result { RESULT_SUCCESS, RESULT_SKIP, RESULT_ERROR, RESULT_FAILURE };
static const char *const result_names[] = { "SUCCESS", "SKIP", "ERROR", "FAILURE" };
static enum result result = RESULT_SUCCESS;
static char result_reason[200];

static void record(enum result r, const char *fmt, va_list ap)
{
	char msg[sizeof(result_reason)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	printf("%s: %s\n", result_names[r], msg);
	if (r > result) {
		result = r;
		memcpy(result_reason, msg, sizeof(msg));
	}
}

void test_success(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(RESULT_SUCCESS, fmt, ap);
	va_end(ap);
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(RESULT_SKIP, fmt, ap);
	va_end(ap);
}

void test_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(RESULT_ERROR, fmt, ap);
	va_end(ap);
}

void test_failure(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(RESULT_FAILURE, fmt, ap);
	va_end(ap);
}

bool test_has_failed(void)
{
	return result >= RESULT_ERROR;
}

void test_end(void)
{
	irq_disable();
	if (result == RESULT_SUCCESS)
		printf("Test result: SUCCESS\n");
	else
		printf("Test result: %s %s\n", result_names[result], result_reason);
	if (xen_cpuid_base) {
		struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };
		long rc = sched_op(SCHEDOP_shutdown, &sd);

		printf("SCHEDOP_shutdown(poweroff) returned %ld\n", rc);
	}
	for (;;)
		__asm__ volatile("cli; hlt");
}
