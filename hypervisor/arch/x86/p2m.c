/* The physical-to-machine map on top of the nested page table. */
#include <asm/npt_build.h>
#include <tern/errno.h>
#include <tern/p2m.h>

extern struct npt_mem hypervisor_npt_mem;

int p2m_set(struct domain *d, uint64_t gpa, paddr_t hpa, bool writable)
{
	int rc;

	if (gpa & ~PAGE_MASK || gpa >= (1ull << 48))
		return -EINVAL;
	rc = npt_map_4k(&hypervisor_npt_mem, d->npt_root, gpa, hpa,
			NPT_P | NPT_US | (writable ? NPT_RW : 0));
	if (!rc)
		d->npt_changed = true;
	return rc;
}

int p2m_reset(struct domain *d, uint64_t gpa)
{
	paddr_t hpa;

	if (gpa & ~PAGE_MASK || gpa >= (1ull << 48))
		return -EINVAL;
	if (!d->base_frame(d, gpa, &hpa)) {
		int rc = npt_map_4k(&hypervisor_npt_mem, d->npt_root, gpa, 0, 0);

		if (!rc)
			d->npt_changed = true;
		return rc;
	}
	return p2m_set(d, gpa, hpa, true);
}

int p2m_get_ram(struct domain *d, uint64_t gpa, paddr_t *hpa)
{
	paddr_t base, now;

	if (!d->is_ram(d, gpa) || !d->base_frame(d, gpa, &base) ||
	    npt_translate(&hypervisor_npt_mem, d->npt_root, gpa, &now, NULL) || now != base)
		return -EINVAL;
	*hpa = now;
	return 0;
}
