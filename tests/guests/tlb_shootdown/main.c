/*
 * tlb_shootdown: with the command line "shootdown", a domU keeps reading a
 * page of its RAM (the window) without leaving guest mode, while dom0
 * (tools/tests/memattack tlb, driven by tests/system/test_memory.py) maps
 * one of the domU's grant-table frames over the window and takes it away
 * again, round after round, through XENMEM_add_to_physmap and
 * XENMEM_remove_from_physmap naming this domain. After each removal has
 * returned, dom0 writes the round's number into a mailbox page.
 * Proves: once the removal has returned (the guest sees the round number),
 * this vCPU, which never left the guest on its own, no longer reaches the
 * grant-table frame through a stale TLB entry: tern kicked it out of guest
 * mode and it entered again with a fresh ASID. A stale read is counted and
 * fails the test.
 * Cannot tell: the case of a vCPU that moves between pCPUs (QEMU flushes
 * its TLB at every world switch; tests/unit/test_asid.c covers it).
 * Booted any other way it only checks that it can read its command line.
 */
#include "lib.h"

const char test_title[] = "no stale translation after a remap returns (command line \"shootdown\")";

#define RAM_PATTERN 0x52414d21u /* what the window's own page holds */

/* Shared with dom0, which maps this page. */
struct mailbox {
	volatile uint32_t round;   /* dom0: the last round whose removal has returned */
	volatile uint32_t seen;    /* guest: the round whose grant frame it has seen */
	volatile uint32_t checked; /* guest: the last round it checked (dom0 waits for it) */
	volatile uint32_t done;    /* dom0: no more rounds */
	volatile uint32_t stale;   /* guest: reads of the frame after its removal */
};

static volatile uint32_t window[PAGE_SIZE / 4] __aligned(PAGE_SIZE);
static struct mailbox mailbox __aligned(PAGE_SIZE);

static void shoot(void)
{
	uint32_t expect = 1, rounds = 0;

	for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
		window[i] = RAM_PATTERN;
	printf("shootdown: window gfn %#lx mailbox gfn %#lx\n", (uintptr_t)window / PAGE_SIZE,
	       (uintptr_t)&mailbox / PAGE_SIZE);
	/* Nothing is routed to this guest, so RFLAGS.IF changes nothing on a
	 * real CPU; Bochs 2.7 never takes a VMX guest that runs with IF clear
	 * out for an external interrupt (docs/vmx.md), and the kicks would not
	 * reach it. */
	irq_enable();
	while (!mailbox.done) {
		/* x86 does not reorder loads: the round is read before the window. */
		uint32_t round = mailbox.round;
		uint32_t seen = window[0];

		if (round >= expect) {
			/* Round `round` was removed before we read the window. */
			if (seen != RAM_PATTERN)
				mailbox.stale++;
			rounds = round;
			expect = round + 1;
			mailbox.checked = round;
		} else if (seen != RAM_PATTERN && mailbox.seen < expect) {
			mailbox.seen = expect;
		}
	}
	printf("shootdown: %u rounds, %u stale reads\n", rounds, mailbox.stale);
	if (!rounds)
		test_error("dom0 ran no round");
	if (mailbox.stale)
		test_failure("%u reads of the grant frame after dom0's removal had returned",
			     mailbox.stale);
}

void test_main(void)
{
	const struct hvm_start_info *si = start_info();
	const char *cmdline = si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : NULL;

	if (cmdline && strcmp(cmdline, "shootdown") == 0)
		return shoot();
	test_success("command line '%.*s': not asked to take part", 100, cmdline ? cmdline : "");
}
