/*
 * The 32-bit guests' start: identity-map the first 4 GiB in the paging mode
 * main.c picks (the top GiB uncached: MMIO), turn it on, find Xen, install
 * the hypercall page from this mode (which makes the domain a 32-bit one,
 * docs/compat-abi.md), run the test. PAGING32_LONG turns on long mode but
 * stays in a 32-bit code segment, as a 64-bit kernel running 32-bit code.
 */
#include "lib32.h"

#define CR0_PG (1u << 31)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define PTE_P 0x1
#define PTE_RW 0x2
#define PTE_PCD_PWT 0x18
#define PTE_PS 0x80
#define MMIO_START (3ull << 30)
#define MSR_EFER 0xc0000080
#define EFER_LMA (1u << 10)

static uint32_t pse_dir[1024] __aligned(PAGE_SIZE);
static uint64_t pae_dirs[4][512] __aligned(PAGE_SIZE);
static uint64_t pae_pdpt[4] __aligned(32);
static uint64_t long_pml4[512] __aligned(PAGE_SIZE);
static uint64_t long_pdpt[512] __aligned(PAGE_SIZE);
static uint64_t long_low_ptes[512] __aligned(PAGE_SIZE);

static const char *const mode_names[] = {
	[PAGING32_NONE] = "32-bit, no paging",
	[PAGING32_PSE] = "32-bit, PSE paging",
	[PAGING32_PAE] = "32-bit, PAE paging",
	[PAGING32_LONG] = "long mode, 32-bit code segment",
};

static uint32_t read_cr(int n)
{
	uint32_t v = 0;

	if (n == 0)
		__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	else
		__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void paging_on(uint32_t cr4_bits, const void *root)
{
	uint32_t cr4 = read_cr(4) | cr4_bits, cr0 = read_cr(0) | CR0_PG;

	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
	__asm__ volatile("mov %0, %%cr3" : : "r"((uint32_t)(uintptr_t)root) : "memory");
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
}

/* PAE: four page directories of 2 MiB pages. */
static void fill_pae_dirs(void)
{
	for (uint64_t i = 0; i < 2048; i++) {
		uint64_t addr = i << 21;

		pae_dirs[i / 512][i % 512] =
			addr | PTE_P | PTE_RW | PTE_PS | (addr >= MMIO_START ? PTE_PCD_PWT : 0);
	}
}

static void paging_setup(void)
{
	switch (guest32_paging) {
	case PAGING32_NONE:
		break;
	case PAGING32_PSE:
		for (uint32_t i = 0; i < 1024; i++) {
			uint64_t addr = (uint64_t)i << 22;

			pse_dir[i] = (uint32_t)addr | PTE_P | PTE_RW | PTE_PS |
				     (addr >= MMIO_START ? PTE_PCD_PWT : 0);
		}
		paging_on(CR4_PSE, pse_dir);
		break;
	case PAGING32_PAE:
		fill_pae_dirs();
		/* PAE's four PDPTEs take only the present bit. */
		for (unsigned int i = 0; i < 4; i++)
			pae_pdpt[i] = (uintptr_t)pae_dirs[i] | PTE_P;
		paging_on(CR4_PAE, pae_pdpt);
		break;
	case PAGING32_LONG:
		/* The same page directories under one PML4 and PDPT entry, but
		 * the first 2 MiB (this guest, its shared pages) in 4 KiB pages:
		 * hypercalls and shared pages are then seen through both sizes. */
		fill_pae_dirs();
		for (uint64_t i = 0; i < 512; i++)
			long_low_ptes[i] = i << 12 | PTE_P | PTE_RW;
		pae_dirs[0][0] = (uintptr_t)long_low_ptes | PTE_P | PTE_RW;
		for (unsigned int i = 0; i < 4; i++)
			long_pdpt[i] = (uintptr_t)pae_dirs[i] | PTE_P | PTE_RW;
		long_pml4[0] = (uintptr_t)long_pdpt | PTE_P | PTE_RW;
		lib32_enter_long_mode(long_pml4);
		break;
	}
}

/* The mode the guest is in, as the CPU reports it. */
static bool in_long_mode(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_EFER));
	return lo & EFER_LMA;
}

static void check_mode(void)
{
	if (in_long_mode() != (guest32_paging == PAGING32_LONG))
		test_failure("EFER.LMA is %d in mode '%s'", in_long_mode(),
			     mode_names[guest32_paging]);
}

void lib32_main(void);
void lib32_main(void)
{
	paging_setup();
	xen_cpuid_base = find_xen_leaves();
	printf("Guest: %s (%s)\n", test_title, mode_names[guest32_paging]);
	check_mode();
	if (!xen_cpuid_base) {
		test_skip("no Xen");
		test_end();
	}
	if (!test_has_failed())
		setup_hypercall_page();
	if (!test_has_failed())
		test_main();
	if (!test_has_failed() && guest32_paging == PAGING32_LONG)
		long_mode_abi();
	test_end();
}

/* The exception table's expected faults are not handled in 32-bit guests
 * (lib.h's *_safe helpers report none): an unexpected fault ends the domain. */
volatile int trap_caught = TRAP_NONE;
