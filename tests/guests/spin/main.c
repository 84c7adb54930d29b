/*
 * spin: a CPU-bound guest for the scheduler's system tests. With the command
 * line "spin" it prints "spinning" and loops forever without a hypercall, so
 * only tern's LAPIC timer takes its pCPU back (tests/system/test_domu.py
 * measures its share under weights and caps). Booted any other way (as
 * test_guests.py boots every guest) it only checks that it can read its
 * command line.
 * Proves: nothing by itself; it is a load.
 */
#include "lib.h"

const char test_title[] = "CPU-bound load (command line \"spin\")";

void test_main(void)
{
	const struct hvm_start_info *si = start_info();
	const char *cmdline = si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : NULL;

	if (!cmdline)
		return test_error("no command line");
	if (strcmp(cmdline, "spin") != 0)
		return test_success("command line '%.*s': not asked to spin", 100, cmdline);
	printf("spinning\n");
	for (;;)
		cpu_relax();
}
