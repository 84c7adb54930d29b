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

static bool set_mem(void *ctx, uint64_t gpa, uint64_t bits, size_t len)
{
	uint64_t v = 0;

	(void)ctx;
	if (gpa + len > sizeof(mem))
		return false;
	memcpy(&v, mem + gpa, len);
	v |= bits;
	memcpy(mem + gpa, &v, len);
	return true;
}

static uint64_t get64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, mem + gpa, 8);
	return v;
}

/* The gpa of va's entry at level (4-level tables map_long built). */
static uint64_t entry_at(uint64_t root, uint64_t va, unsigned int level)
{
	uint64_t table = root;

	for (unsigned int l = 4; l > level; l--)
		table = get64(table + ((va >> (12 + 9 * (l - 1))) & 511) * 8) & ~0xfffull;
	return table + ((va >> (12 + 9 * (level - 1))) & 511) * 8;
}

static int access(const struct guest_paging *p, uint64_t va, bool write, bool user, bool ac,
		  uint32_t *pf)
{
	struct guest_access a = { .write = write, .user = user, .ac = ac };
	uint64_t gpa;

	*pf = 0xdead;
	return guest_walk_access(p, va, &a, read_mem, set_mem, NULL, &gpa, pf);
}

/* The rights the CPU checks, the #PF error codes it gives, and the accessed
 * and dirty bits it sets. */
static void test_access_rights(void **state)
{
	struct guest_paging p = { .cr0 = X86_CR0_PE | X86_CR0_PG, .cr4 = X86_CR4_PAE,
				  .efer = EFER_LME | EFER_LMA };
	const uint64_t va = 0x400000;
	uint64_t leaf, top, gpa;
	uint32_t pf;

	(void)state;
	p.cr3 = map_long(4, va, 0x9000, 1);
	leaf = entry_at(p.cr3, va, 1);
	top = entry_at(p.cr3, va, 4);
	/* A read sets accessed bits all the way down, and no dirty bit. */
	assert_int_equal(access(&p, va, false, false, false, &pf), 0);
	assert_true(get64(top) & PTE_A);
	assert_true(get64(leaf) & PTE_A);
	assert_false(get64(leaf) & PTE_D);
	assert_int_equal(access(&p, va, true, false, false, &pf), 0);
	assert_true(get64(leaf) & PTE_D);
	assert_false(get64(top) & PTE_D);

	/* Supervisor pages: no user access (a protection fault). */
	assert_int_equal(access(&p, va, false, true, false, &pf), -EFAULT);
	assert_int_equal(pf, PF_PRESENT | PF_USER);

	/* Read-only: the kernel writes only without CR0.WP. */
	set64(leaf & ~0xfffull, (leaf >> 3) & 511, get64(leaf) & ~(uint64_t)PTE_RW);
	assert_int_equal(access(&p, va, true, false, false, &pf), 0);
	p.cr0 |= X86_CR0_WP;
	assert_int_equal(access(&p, va, true, false, false, &pf), -EFAULT);
	assert_int_equal(pf, PF_PRESENT | PF_WRITE);
	assert_int_equal(access(&p, va, false, false, false, &pf), 0);

	/* User pages (U/S on every level): the kernel under SMAP only with AC. */
	for (unsigned int level = 4; level >= 1; level--)
		set_mem(NULL, entry_at(p.cr3, va, level), PTE_US | PTE_RW, 8);
	assert_int_equal(access(&p, va, true, true, false, &pf), 0);
	assert_int_equal(access(&p, va, false, false, false, &pf), 0);
	p.cr4 |= X86_CR4_SMAP;
	assert_int_equal(access(&p, va, false, false, false, &pf), -EFAULT);
	assert_int_equal(pf, PF_PRESENT);
	assert_int_equal(access(&p, va, false, false, true, &pf), 0);

	/* Not present: no P bit in the error code. */
	assert_int_equal(access(&p, va + 0x200000, true, true, false, &pf), -EFAULT);
	assert_int_equal(pf, PF_WRITE | PF_USER);
	/* A table that cannot be read is not the guest's #PF. */
	p.cr3 = sizeof(mem);
	assert_int_equal(access(&p, va, false, false, false, &pf), -EIO);
	assert_int_equal(guest_walk(&p, va, read_mem, NULL, &gpa), -EFAULT);
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
		cmocka_unit_test_setup(test_access_rights, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
