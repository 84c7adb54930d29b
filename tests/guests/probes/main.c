/*
 * probes: what a guest sees when it pokes at things that are not there, as
 * on Xen. Proves: RDMSR/WRMSR of unknown MSRs raise #GP in the guest, unknown
 * CPUID leaves read as zeros, and guest-physical addresses outside the memory
 * map (inside this guest's identity mapping) read as all-ones at every width
 * and ignore writes; the domain survives all of it.
 * Cannot tell: the behaviour for MSRs or addresses other than those tried,
 * or for addresses that hold something tern emulates.
 */
#include "lib.h"

const char test_title[] = "unknown MSRs, unknown CPUID leaves, unbacked memory";

#define GP_VECTOR 13

/* An address above all RAM that no memory-map entry covers, below 4 GiB. */
static uint64_t find_hole(void)
{
	static const uint64_t candidates[] = { 0xc0000000, 0xd0000000, 0xa0000000, 0xf0000000 };
	const struct hvm_start_info *si = start_info();
	const struct hvm_memmap_table_entry *map = (const void *)(uintptr_t)si->memmap_paddr;

	for (unsigned int c = 0; c < ARRAY_SIZE(candidates); c++) {
		uint64_t a = candidates[c];
		bool clear = true;

		for (uint32_t i = 0; i < si->memmap_entries && clear; i++)
			if (map[i].addr < a + 0x200000 && a < map[i].addr + map[i].size + 0x200000)
				clear = false;
		if (clear)
			return a;
	}
	return 0;
}

void test_main(void)
{
	/* Outside the ranges an SVM MSR permission map covers (0-0x1fff,
	 * 0xc0000000-0xc0001fff, 0xc0010000-0xc0011fff), so always intercepted:
	 * what the guest sees is tern's answer, not the CPU's. */
	static const uint32_t msrs[] = { 0x4b564dff, 0x00002000, 0xc0002000, 0xc0012000, 0xdeadbeef };
	uint64_t val;

	for (unsigned int i = 0; i < ARRAY_SIZE(msrs); i++) {
		int v = rdmsr_safe(msrs[i], &val);

		printf("rdmsr %#x: %s\n", msrs[i], v == GP_VECTOR ? "#GP" : "no #GP");
		if (v != GP_VECTOR)
			test_failure("rdmsr %#x: vector %d (value %#lx), expected #GP", msrs[i], v, val);
		v = wrmsr_safe(msrs[i], 0x1234);
		if (v != GP_VECTOR)
			test_failure("wrmsr %#x: vector %d, expected #GP", msrs[i], v);
	}

	static const uint32_t leaves[] = { 0x4fff0000, 0x8fffffff, 0x4000ff00 };

	for (unsigned int i = 0; i < ARRAY_SIZE(leaves); i++) {
		uint32_t r[4];

		cpuid(leaves[i], 0, r);
		printf("cpuid %#x: %08x %08x %08x %08x\n", leaves[i], r[0], r[1], r[2], r[3]);
		if (r[0] | r[1] | r[2] | r[3])
			test_failure("cpuid %#x is not all zeros", leaves[i]);
	}

	uint64_t hole = find_hole();

	if (!hole)
		return test_error("no address below 4 GiB outside the memory map");
	volatile uint8_t *p8 = (volatile uint8_t *)(uintptr_t)hole;
	volatile uint16_t *p16 = (volatile uint16_t *)(uintptr_t)(hole + 0x10);
	volatile uint32_t *p32 = (volatile uint32_t *)(uintptr_t)(hole + 0x20);
	volatile uint64_t *p64 = (volatile uint64_t *)(uintptr_t)(hole + 0x1000);

	printf("reading unbacked guest-physical %#lx\n", hole);
	if (*p8 != 0xff || *p16 != 0xffff || *p32 != 0xffffffffu || *p64 != ~0ull)
		test_failure("unbacked reads: %#x %#x %#x %#lx, expected all-ones", *p8, *p16, *p32,
			     *p64);
	*p8 = 0x12;
	*p16 = 0x3456;
	*p32 = 0x789abcde;
	*p64 = 0x0123456789abcdefull;
	if (*p8 != 0xff || *p16 != 0xffff || *p32 != 0xffffffffu || *p64 != ~0ull)
		test_failure("unbacked memory kept a write: %#x %#x %#x %#lx", *p8, *p16, *p32, *p64);
	/* Byte by byte across a page of the hole, as a copy loop reads it. */
	uint64_t buf[4] = { 0 };

	memcpy(buf, (const void *)(uintptr_t)(hole + 0x2000), sizeof(buf));
	for (unsigned int i = 0; i < ARRAY_SIZE(buf); i++)
		if (buf[i] != ~0ull)
			test_failure("memcpy from unbacked memory: word %u is %#lx", i, buf[i]);
}
