/*
 * Guest page walks over fake guest memory: every paging mode Linux can be in
 * when it touches a device register, large pages at each level, and
 * not-present entries or unreadable tables giving -EFAULT.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <asm/guest_walk.h>
#include <asm/x86-defs.h>
#include <tern/errno.h>

#define MEM_PAGES 64
static uint8_t mem[MEM_PAGES * 4096];
static unsigned int next_page;

static bool read_mem(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	if (gpa + len > sizeof(mem))
		return false;
	memcpy(buf, mem + gpa, len);
	return true;
}

static uint64_t new_table(void)
{
	return (uint64_t)(next_page++) * 4096;
}

static void set64(uint64_t table, unsigned int index, uint64_t val)
{
	memcpy(mem + table + index * 8, &val, 8);
}

static void set32(uint64_t table, unsigned int index, uint32_t val)
{
	memcpy(mem + table + index * 4, &val, 4);
}

static int setup(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	next_page = 1; /* page 0 stays empty */
	return 0;
}

/* Maps va through a 4-level (or 5-level) chain down to the given level. */
static uint64_t map_long(unsigned int levels, uint64_t va, uint64_t target, unsigned int leaf_level)
{
	uint64_t root = new_table(), table = root;

	for (unsigned int level = levels; level > leaf_level; level--) {
		uint64_t next = new_table();

		set64(table, (va >> (12 + 9 * (level - 1))) & 511, next | PTE_P | PTE_RW);
		table = next;
	}
	set64(table, (va >> (12 + 9 * (leaf_level - 1))) & 511,
	      target | PTE_P | PTE_RW | (leaf_level > 1 ? PTE_PS : 0));
	return root;
}

static void test_paging_off(void **state)
{
	struct guest_paging p = { .cr0 = X86_CR0_PE };
	uint64_t gpa;

	(void)state;
	assert_int_equal(guest_walk(&p, 0x1234567, read_mem, NULL, &gpa), 0);
	assert_int_equal(gpa, 0x1234567);
}

static void test_long_mode_4k_2m_1g(void **state)
{
	struct guest_paging p = { .cr0 = X86_CR0_PE | X86_CR0_PG, .cr4 = X86_CR4_PAE,
				  .efer = EFER_LME | EFER_LMA };
	const uint64_t apic_va = 0xffffffffff5fd000ull;
	uint64_t gpa;

	(void)state;
	p.cr3 = map_long(4, apic_va, 0xfee00000, 1);
	assert_int_equal(guest_walk(&p, apic_va + 0x300, read_mem, NULL, &gpa), 0);
	assert_int_equal(gpa, 0xfee00300);

	p.cr3 = map_long(4, 0xffffffff81000000ull, 0x1000000, 2);
	assert_int_equal(guest_walk(&p, 0xffffffff81012345ull, read_mem, NULL, &gpa), 0);
	assert_int_equal(gpa, 0x1012345);

	p.cr3 = map_long(4, 0xffff888000000000ull, 0x40000000, 3);
	assert_int_equal(guest_walk(&p, 0xffff888012345678ull, read_mem, NULL, &gpa), 0);
	assert_int_equal(gpa, 0x52345678);

	/* Another address in none of those tables. */
	assert_int_equal(guest_walk(&p, 0x400000, read_mem, NULL, &gpa), -EFAULT);
}

static void test_five_level(void **state)
{
	struct guest_paging p = { .cr0 = X86_CR0_PE | X86_CR0_PG, .cr4 = X86_CR4_PAE | (1u << 12),
				  .efer = EFER_LME | EFER_LMA };
	const uint64_t va = 0xff11000000001000ull;
	uint64_t gpa;

	(void)state;
	p.cr3 = map_long(5, va, 0x7000, 1);
	assert_int_equal(guest_walk(&p, va + 0x10, read_mem, NULL, &gpa), 0);
	assert_int_equal(gpa, 0x7010);
	/* The same tables read as 4-level find nothing there. */
	p.cr4 &= ~(1u << 12);
	assert_int_equal(guest_walk(&p, va + 0x10, read_mem, NULL, &gpa), -EFAULT);
}

static void test_pae_and_32bit(void **state)
{
	struct guest_paging p = { .cr0 = X86_CR0_PE | X86_CR0_PG, .cr4 = X86_CR4_PAE };
	uint64_t pdpt = new_table(), pd = new_table(), pt = new_table(), gpa;

	(void)state;
	/* PAE: va 0xc0345678 -> PDPTE 3 -> PDE 1 -> PTE 0x145. */
	set64(pdpt, 3, pd | PTE_P);
	set64(pd, 1, pt | PTE_P);
	set64(pt, 0x145, 0xabc000 | PTE_P);
	p.cr3 = pdpt;
	assert_int_equal(guest_walk(&p, 0xc0345678, read_mem, NULL, &gpa), 0);
	assert_int_equal(gpa, 0xabc678);

	/* 32-bit with a 4 MiB page whose bits 32-39 are in the entry. */
	uint64_t pgd = new_table();
	set32(pgd, 0x3fb, 0xfec00000u | (0x1u << 13) | PTE_P | PTE_PS);
	p.cr4 = 1u << 4; /* PSE */
	p.cr3 = pgd;
	assert_int_equal(guest_walk(&p, 0xfee00300, read_mem, NULL, &gpa), 0);
	assert_int_equal(gpa, 0x1fee00300ull);
	/* Without PSE the same entry points at a page table. */
	p.cr4 = 0;
	assert_int_equal(guest_walk(&p, 0xfee00300, read_mem, NULL, &gpa), -EFAULT);
}

static void test_tables_outside_memory(void **state)
{
	struct guest_paging p = { .cr0 = X86_CR0_PE | X86_CR0_PG, .cr4 = X86_CR4_PAE,
				  .efer = EFER_LME | EFER_LMA, .cr3 = 0x40000000 };
	uint64_t gpa;

	(void)state;
	assert_int_equal(guest_walk(&p, 0x1000, read_mem, NULL, &gpa), -EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_paging_off, setup),
		cmocka_unit_test_setup(test_long_mode_4k_2m_1g, setup),
		cmocka_unit_test_setup(test_five_level, setup),
		cmocka_unit_test_setup(test_pae_and_32bit, setup),
		cmocka_unit_test_setup(test_tables_outside_memory, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
