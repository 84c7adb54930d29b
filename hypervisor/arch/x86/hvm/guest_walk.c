/* Guest page-table walks: the address alone (guest_walk), or with the rights
 * a data access needs (guest_walk_access). */
#include <asm/guest_walk.h>
#include <asm/x86-defs.h>
#include <tern/errno.h>

#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define MAX_LEVELS 5

/* The entries a walk went through, top level first, for rights and A/D bits. */
struct walk {
	uint64_t at[MAX_LEVELS];    /* each entry's guest-physical address */
	uint64_t entry[MAX_LEVELS];
	unsigned int n;
	unsigned int entry_len;     /* 8, or 4 for 32-bit tables */
};

static bool read_entry(struct walk *w, uint64_t at, guest_read_fn read, void *ctx)
{
	uint64_t entry = 0;

	if (!read(ctx, at, &entry, w->entry_len))
		return false;
	w->at[w->n] = at;
	w->entry[w->n++] = entry;
	return true;
}

/* Walks levels of 512 8-byte entries (PAE and long mode), top level first. */
static int walk64(uint64_t table, uint64_t va, unsigned int levels, guest_read_fn read,
		  void *ctx, struct walk *w, uint64_t *gpa)
{
	for (unsigned int level = levels; level >= 1; level--) {
		unsigned int shift = PAGE_SHIFT + 9 * (level - 1);
		uint64_t entry;

		if (!read_entry(w, (table & PTE_ADDR_MASK) + ((va >> shift) & 511) * 8, read, ctx))
			return -EFAULT;
		entry = w->entry[w->n - 1];
		if (!(entry & PTE_P))
			return -ENOENT;
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
		  struct walk *w, uint64_t *gpa)
{
	uint32_t pde, pte;

	w->entry_len = 4;
	if (!read_entry(w, (cr3 & PAGE_MASK) + (va >> 22) * 4, read, ctx))
		return -EFAULT;
	pde = (uint32_t)w->entry[0];
	if (!(pde & PTE_P))
		return -ENOENT;
	if (pse && pde & PTE_PS) {
		/* 4 MiB page; bits 13-20 of the entry hold address bits 32-39. */
		*gpa = (pde & 0xffc00000u) | ((uint64_t)(pde >> 13 & 0xff) << 32) | (va & 0x3fffff);
		return 0;
	}
	if (!read_entry(w, (pde & PAGE_MASK) + ((va >> 12) & 1023) * 4, read, ctx))
		return -EFAULT;
	pte = (uint32_t)w->entry[1];
	if (!(pte & PTE_P))
		return -ENOENT;
	*gpa = (pte & PAGE_MASK) | (va & ~PAGE_MASK);
	return 0;
}

/* 0, -ENOENT (an entry is not present) or -EFAULT (a table cannot be read). */
static int walk(const struct guest_paging *p, uint64_t va, guest_read_fn read, void *ctx,
		struct walk *w, uint64_t *gpa)
{
	*w = (struct walk){ .entry_len = 8 };
	if (!(p->cr0 & X86_CR0_PG)) {
		*gpa = p->efer & EFER_LMA ? va : (uint32_t)va;
		return 0;
	}
	if (p->efer & EFER_LMA)
		return walk64(p->cr3, va, p->cr4 & X86_CR4_LA57 ? 5 : 4, read, ctx, w, gpa);
	if (p->cr4 & X86_CR4_PAE) {
		/* The four PDPTEs sit at CR3 (32-byte aligned): a 3-level walk.
		 * They carry no rights, so the walk does not keep them. */
		uint64_t pdpte;

		if (!read(ctx, (p->cr3 & 0xffffffe0u) + ((uint32_t)va >> 30) * 8, &pdpte, 8))
			return -EFAULT;
		if (!(pdpte & PTE_P))
			return -ENOENT;
		return walk64(pdpte, (uint32_t)va, 2, read, ctx, w, gpa);
	}
	return walk32((uint32_t)p->cr3, (uint32_t)va, p->cr4 & X86_CR4_PSE, read, ctx, w, gpa);
}

int guest_walk(const struct guest_paging *p, uint64_t va, guest_read_fn read, void *ctx,
	       uint64_t *gpa)
{
	struct walk w;

	return walk(p, va, read, ctx, &w, gpa) ? -EFAULT : 0;
}

/* Whether the entries' rights allow the access, as the CPU checks them. */
static bool allowed(const struct guest_paging *p, const struct walk *w,
		    const struct guest_access *a)
{
	bool writable = true, user = true;

	for (unsigned int i = 0; i < w->n; i++) {
		writable &= (w->entry[i] & PTE_RW) != 0;
		user &= (w->entry[i] & PTE_US) != 0;
	}
	if (a->write && !writable && (a->user || p->cr0 & X86_CR0_WP))
		return false;
	if (a->user)
		return user;
	/* SMAP: the kernel reaches user pages only with EFLAGS.AC set. */
	return !(w->n && user && p->cr4 & X86_CR4_SMAP && !a->ac);
}

int guest_walk_access(const struct guest_paging *p, uint64_t va, const struct guest_access *a,
		      guest_read_fn read, guest_set_fn set, void *ctx, uint64_t *gpa,
		      uint32_t *pf_error)
{
	struct walk w;
	int rc = walk(p, va, read, ctx, &w, gpa);

	*pf_error = (a->write ? PF_WRITE : 0) | (a->user ? PF_USER : 0);
	if (rc == -EFAULT)
		return -EIO;
	if (rc)
		return -EFAULT;
	if (!allowed(p, &w, a)) {
		*pf_error |= PF_PRESENT;
		return -EFAULT;
	}
	/* Accessed on every level, dirty on the last for a write, as the CPU sets them. */
	for (unsigned int i = 0; i < w.n; i++) {
		uint64_t bits = PTE_A | (a->write && i == w.n - 1 ? PTE_D : 0);

		if ((w.entry[i] & bits) != bits && !set(ctx, w.at[i], bits, w.entry_len))
			return -EIO;
	}
	return 0;
}
