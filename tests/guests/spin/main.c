/*
 * spin: a misbehaving guest for the domU system tests (tests/system/
 * test_domu.py). With the command line "spin" it prints "spinning" and loops
 * forever without a hypercall, so only tern's LAPIC timer takes its pCPU back
 * (the scheduler's weight and cap tests measure its share). With
 * "triple-fault" it prints "faulting", empties its IDT and executes UD2: the
 * exception cannot be delivered, the CPU shuts down, and tern must stop this
 * domain alone (its on_crash). With "bad-cr0" it prints "loading CR0" and
 * sets CR0.NW with CD clear: a CPU refuses that with #GP, QEMU takes it and
 * then fails the next VMRUN, which tern must report and survive. Booted any other way (as test_guests.py boots
 * every guest) it only checks that it can read its command line.
 * Proves: nothing by itself; it is a load and a crash.
 */
#include "lib.h"

const char test_title[] = "misbehaving load (command line \"spin\", \"triple-fault\" or \"bad-cr0\")";

static void triple_fault(void)
{
	const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty = { 0, 0 };

	printf("faulting\n");
	__asm__ volatile("lidt %0; ud2" : : "m"(empty));
}

static void bad_cr0(void)
{
	uint64_t cr0;

	printf("loading CR0\n");
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~(1ull << 30)) | 1ull << 29; /* CD clear, NW set */
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	printf("CR0 %#lx taken\n", cr0);
}

void test_main(void)
{
	const struct hvm_start_info *si = start_info();
	const char *cmdline = si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : NULL;

	if (!cmdline)
		return test_error("no command line");
	if (strcmp(cmdline, "triple-fault") == 0)
		triple_fault();
	if (strcmp(cmdline, "bad-cr0") == 0)
		bad_cr0();
	if (strcmp(cmdline, "spin") != 0)
		return test_success("command line '%.*s': not asked to spin", 100, cmdline);
	printf("spinning\n");
	for (;;)
		cpu_relax();
}
