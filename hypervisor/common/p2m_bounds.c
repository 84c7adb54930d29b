/* Bounds of guest-physical spaces and their page tables (tern/p2m_bounds.h). */
#include <tern/errno.h>
#include <tern/p2m_bounds.h>

static uint64_t div_up(uint64_t x, uint64_t unit)
{
	return x / unit + (x % unit != 0);
}

uint64_t p2m_domu_limit(uint64_t max_pages)
{
	uint64_t ram_end = max_pages << PAGE_SHIFT;

	return ALIGN_UP(MAX(ram_end, P2M_LOW_SPACE), GiB(1)) + P2M_HIGH_SPACE;
}

uint64_t p2m_tables_to_map(uint64_t bytes)
{
	/* Page tables (2 MiB each), directories (1 GiB), directory-pointer
	 * tables (512 GiB) and the root. */
	return div_up(bytes, MiB(2)) + div_up(bytes, GiB(1)) + div_up(bytes, GiB(512)) + 1;
}

uint64_t p2m_domu_table_allowance(uint64_t max_pages)
{
	return p2m_tables_to_map(max_pages << PAGE_SHIFT) + P2M_EXTRA_TABLES;
}

bool p2m_gfn_below(uint64_t gfn, uint64_t limit)
{
	return gfn < limit >> PAGE_SHIFT;
}

bool p2m_range_below(uint64_t gfn, uint64_t n, uint64_t end)
{
	return gfn <= end && n <= end - gfn;
}

int p2m_max_pages_check(uint64_t max_pages, uint64_t host_pages)
{
	return max_pages > host_pages || max_pages > P2M_MAX_PAGES ? -EINVAL : 0;
}
