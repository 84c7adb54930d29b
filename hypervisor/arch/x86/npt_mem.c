/*
 * The hypervisor's side of the nested page tables: tables come from the page
 * allocator and are reached through the direct map; guest-physical memory is
 * read through a domain's table.
 */
#include <asm/npt_build.h>
#include <tern/domain.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/string.h>

static uint64_t npt_alloc_table(void *ctx)
{
	(void)ctx;
	return (uintptr_t)alloc_pages(0);
}

static uint64_t *npt_map(void *ctx, uint64_t paddr)
{
	(void)ctx;
	return (uint64_t *)(uintptr_t)paddr;
}

struct npt_mem hypervisor_npt_mem = { NULL, npt_alloc_table, npt_map };

int domain_read_gpa(struct domain *d, uint64_t gpa, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gpa & ~PAGE_MASK));
		uint64_t hpa;

		if (npt_translate(&hypervisor_npt_mem, d->npt_root, gpa, &hpa, NULL))
			return -EFAULT;
		memcpy(out, (const void *)(uintptr_t)hpa, chunk);
		out += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}
