/*
 * The hypervisor's reads and writes of guest memory (tern/p2m.h): through
 * the domain's nested table, under its p2m lock, and only where the frame
 * behind is RAM the hypervisor maps and, for a write, one the domain itself
 * may write. So a guest (or a dom0 process through privcmd) that points a
 * hypercall at MMIO, at dom0's LAPIC page, above the direct map or at a
 * read-only grant mapping gets -EFAULT, and the hypervisor touches nothing.
 */
#include <asm/p2m_table.h>
#include <asm/paging.h>
#include <tern/errno.h>
#include <tern/p2m.h>
#include <tern/p2m_bounds.h>
#include <tern/setup.h>
#include <tern/string.h>

/* Lookups only: nothing is allocated or freed through it. */
static struct p2m_mem lookup_mem = { .map = p2m_direct_map };

/* Host frames the hypervisor may dereference: RAM of the heap (domUs'
 * memory, hypervisor pages given to guests) or dom0's, below the end of
 * the direct map. Never a device's registers, never an unmapped address. */
static bool host_ram(paddr_t hpa)
{
	paddr_t page = hpa & PAGE_MASK;

	return page < direct_map_end &&
	       (e820_contains(&boot_info.map, page, PAGE_SIZE, E820_RAM) ||
		e820_contains(&boot_info.map, page, PAGE_SIZE, E820_DOM0));
}

/* The hypervisor pointer to gpa in d, if d may read (write: and write)
 * it; d's p2m_lock held. */
static void *guest_pointer_locked(struct domain *d, uint64_t gpa, bool write)
{
	paddr_t hpa;
	bool writable;

	if (!d->npt_root || hvm->p2m_table->translate(&lookup_mem, d->npt_root, gpa, &hpa, NULL, &writable) ||
	    (write && !writable) || !host_ram(hpa))
		return NULL;
	return (void *)(uintptr_t)hpa;
}

/* Copies len bytes at gpa to out (a read) or from in (a write: in set). */
static int copy(struct domain *d, uint64_t gpa, void *out, const void *in, size_t len)
{
	uint8_t *p;
	int rc = -EFAULT;

	if (len > PAGE_SIZE - (gpa & ~PAGE_MASK))
		return -EFAULT;
	spin_lock(&d->p2m_lock);
	p = guest_pointer_locked(d, gpa, in != NULL);
	if (p) {
		if (in)
			memcpy(p, in, len);
		else
			memcpy(out, p, len);
		rc = 0;
	}
	spin_unlock(&d->p2m_lock);
	return rc;
}

int p2m_copy_from(struct domain *d, uint64_t gpa, void *buf, size_t len)
{
	return copy(d, gpa, buf, NULL, len);
}

int p2m_copy_to(struct domain *d, uint64_t gpa, const void *buf, size_t len)
{
	return copy(d, gpa, NULL, buf, len);
}

int domain_read_gpa(struct domain *d, uint64_t gpa, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gpa & ~PAGE_MASK));

		if (p2m_copy_from(d, gpa, out, chunk))
			return -EFAULT;
		out += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

int p2m_ram_gfn(struct domain *d, uint64_t gfn, paddr_t *hpa)
{
	paddr_t base, now;
	bool writable, ram;
	uint64_t gpa;

	if (!p2m_gfn_below(gfn, d->p2m_limit))
		return -EINVAL;
	gpa = gfn << PAGE_SHIFT;
	spin_lock(&d->p2m_lock);
	ram = d->npt_root && d->is_ram(d, gpa) && d->base_frame(d, gpa, &base) &&
	      !hvm->p2m_table->translate(&lookup_mem, d->npt_root, gpa, &now, NULL, &writable) && now == base &&
	      writable && host_ram(now);
	spin_unlock(&d->p2m_lock);
	if (!ram)
		return -EINVAL;
	*hpa = now;
	return 0;
}
