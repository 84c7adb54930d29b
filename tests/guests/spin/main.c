/*
 * spin: a misbehaving guest for the domU system tests (tests/system/
 * test_domu.py). With the command line "spin" it prints "spinning" and loops
 * forever without a hypercall, so only tern's LAPIC timer takes its pCPU back
 * (the scheduler's weight and cap tests measure its share). With
 * "triple-fault" it prints "faulting", empties its IDT and executes UD2: the
 * exception cannot be delivered, the CPU shuts down, and tern must stop this
 * domain alone (its on_crash). Booted any other way (as test_guests.py boots
 * every guest) it only checks that it can read its command line.
 * Proves: nothing by itself; it is a load and a crash.
 */
#include "lib.h"

const char test_title[] = "misbehaving load (command line \"spin\" or \"triple-fault\")";

static void triple_fault(void)
{
	const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty = { 0, 0 };

	printf("faulting\n");
	__asm__ volatile("lidt %0; ud2" : : "m"(empty));
}

void test_main(void)
{
	const struct hvm_start_info *si = start_info();
	const char *cmdline = si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : NULL;

	if (!cmdline)
		return test_error("no command line");
	if (strcmp(cmdline, "triple-fault") == 0)
		triple_fault();
	if (strcmp(cmdline, "spin") != 0)
		return test_success("command line '%.*s': not asked to spin", 100, cmdline);
	printf("spinning\n");
	for (;;)
		cpu_relax();
}
