/* Guest page-table walks (no access-rights checks: only the address matters here). */
#include <asm/guest_walk.h>
#include <asm/x86-defs.h>
#include <tern/errno.h>

#define PTE_ADDR_MASK 0x000ffffffffff000ull

/* Walks levels of 512 8-byte entries (PAE and long mode), top level first. */
static int walk64(uint64_t table, uint64_t va, unsigned int levels, guest_read_fn read,
		  void *ctx, uint64_t *gpa)
{
	for (unsigned int level = levels; level >= 1; level--) {
		unsigned int shift = PAGE_SHIFT + 9 * (level - 1);
		uint64_t entry;

		if (!read(ctx, (table & PTE_ADDR_MASK) + ((va >> shift) & 511) * 8, &entry, 8) ||
		    !(entry & PTE_P))
			return -EFAULT;
		/* Large pages: 1 GiB at level 3, 2 MiB at level 2. */
		if (level == 1 || (level <= 3 && entry & PTE_PS)) {
			uint64_t page_mask = (1ull << shift) - 1;

			*gpa = (entry & PTE_ADDR_MASK & ~page_mask) | (va & page_mask);
			return 0;
		}
		table = entry;
	}
	return -EFAULT;
}

static int walk32(uint32_t cr3, uint32_t va, bool pse, guest_read_fn read, void *ctx,
		  uint64_t *gpa)
{
	uint32_t pde, pte;

	if (!read(ctx, (cr3 & PAGE_MASK) + (va >> 22) * 4, &pde, 4) || !(pde & PTE_P))
		return -EFAULT;
	if (pse && pde & PTE_PS) {
		/* 4 MiB page; bits 13-20 of the entry hold address bits 32-39. */
		*gpa = (pde & 0xffc00000u) | ((uint64_t)(pde >> 13 & 0xff) << 32) | (va & 0x3fffff);
		return 0;
	}
	if (!read(ctx, (pde & PAGE_MASK) + ((va >> 12) & 1023) * 4, &pte, 4) || !(pte & PTE_P))
		return -EFAULT;
	*gpa = (pte & PAGE_MASK) | (va & ~PAGE_MASK);
	return 0;
}

int guest_walk(const struct guest_paging *p, uint64_t va, guest_read_fn read, void *ctx,
	       uint64_t *gpa)
{
	if (!(p->cr0 & X86_CR0_PG)) {
		*gpa = p->efer & EFER_LMA ? va : (uint32_t)va;
		return 0;
	}
	if (p->efer & EFER_LMA)
		return walk64(p->cr3, va, p->cr4 & X86_CR4_LA57 ? 5 : 4, read, ctx, gpa);
	if (p->cr4 & X86_CR4_PAE) {
		/* The four PDPTEs sit at CR3 (32-byte aligned): a 3-level walk. */
		uint64_t pdpte;

		if (!read(ctx, (p->cr3 & 0xffffffe0u) + ((uint32_t)va >> 30) * 8, &pdpte, 8) ||
		    !(pdpte & PTE_P))
			return -EFAULT;
		return walk64(pdpte, (uint32_t)va, 2, read, ctx, gpa);
	}
	return walk32((uint32_t)p->cr3, (uint32_t)va, p->cr4 & X86_CR4_PSE, read, ctx, gpa);
}
