/*
 * flood: a domU that tries to keep its pCPU and tern's console to itself
 * (tests/system/test_flood.py). With the command line "flood" it prints
 * "flooding", then loops forever over: four 64 KiB console_io writes of
 * full lines, a GNTTABOP_copy batch of 512 page-sized copies, a
 * populate_physmap of more extents than it may have, and 250 NMI IPIs to
 * itself through its x2APIC (each of which tern refuses with a log line;
 * it switches its APIC to x2APIC mode first).
 * Booted any other way it checks once that the long calls it relies on
 * finish right across tern's continuations: a 64 KiB write of carriage
 * returns (read in full, prints nothing) returns 0, and every entry of the
 * 512-entry copy batch is done.
 * Proves: continued console_io and grant copy calls complete with the
 * right result. Cannot tell: how long one call held the pCPU (the system
 * test judges that by another domU's answers).
 */
#include "lib.h"

#include <public/grant_table.h>
#include <public/memory.h>

const char test_title[] = "long hypercalls (command line \"flood\": floods forever)";

#define WRITE_BYTES (64 * 1024)
#define COPIES 512
#define MSR_APIC_BASE 0x1b
#define APIC_BASE_X2APIC (1u << 10)
#define MSR_X2APIC_ICR 0x830
#define ICR_NMI_TO_SELF ((4u << 8) | (1u << 18))

static char text[WRITE_BYTES];
static struct gnttab_copy copies[COPIES];
static uint8_t from[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t to[PAGE_SIZE] __aligned(PAGE_SIZE);
static xen_pfn_t extents[4096];

static long copy_batch(void)
{
	for (unsigned int i = 0; i < COPIES; i++)
		copies[i] = (struct gnttab_copy){
			.source = { .u.gmfn = (uintptr_t)from / PAGE_SIZE, .domid = DOMID_SELF },
			.dest = { .u.gmfn = (uintptr_t)to / PAGE_SIZE, .domid = DOMID_SELF },
			.len = PAGE_SIZE,
			.status = 1, /* not a GNTST_ code: tern must overwrite it */
		};
	return grant_table_op(GNTTABOP_copy, copies, COPIES);
}

static void check_once(void)
{
	long rc;

	memset(text, '\r', sizeof(text));
	rc = console_io(CONSOLEIO_write, sizeof(text), text);
	if (rc)
		test_failure("console_io(write, 64 KiB of CRs) returned %ld", rc);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		from[i] = (uint8_t)(i * 13 + 1);
	rc = copy_batch();
	if (rc)
		return test_failure("GNTTABOP_copy x %u returned %ld", COPIES, rc);
	for (unsigned int i = 0; i < COPIES; i++)
		if (copies[i].status != GNTST_okay)
			return test_failure("copy %u of %u: status %d", i, COPIES, copies[i].status);
	if (memcmp(from, to, PAGE_SIZE))
		test_failure("the copies did not copy");
}

static void __noreturn flood(void)
{
	struct xen_memory_reservation more = {
		.extent_start = (uintptr_t)extents, .nr_extents = ARRAY_SIZE(extents),
		.domid = DOMID_SELF,
	};
	uint64_t base;

	/* Full lines of 99 characters: about 650 lines per write. */
	for (unsigned int i = 0; i < sizeof(text); i++)
		text[i] = i % 100 == 99 ? '\n' : (char)('a' + i % 26);
	for (unsigned int i = 0; i < ARRAY_SIZE(extents); i++)
		extents[i] = 0x100000 + i; /* beyond its memory: refused */
	if (rdmsr_safe(MSR_APIC_BASE, &base) != TRAP_NONE ||
	    wrmsr_safe(MSR_APIC_BASE, base | APIC_BASE_X2APIC) != TRAP_NONE)
		test_error("cannot switch the local APIC to x2APIC mode");
	printf("flooding\n");
	for (;;) {
		for (int i = 0; i < 4; i++)
			console_io(CONSOLEIO_write, sizeof(text), text);
		copy_batch();
		memory_op(XENMEM_populate_physmap, &more);
		for (int i = 0; i < 250; i++)
			wrmsr_safe(MSR_X2APIC_ICR, ICR_NMI_TO_SELF);
	}
}

void test_main(void)
{
	const struct hvm_start_info *si = start_info();
	const char *cmdline = si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : NULL;

	if (cmdline && strcmp(cmdline, "flood") == 0)
		flood();
	check_once();
}
