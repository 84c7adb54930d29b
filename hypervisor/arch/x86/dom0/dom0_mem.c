/*
 * dom0's RAM and e820 (see asm/dom0_mem.h for the layout decided).
 *
 * Boot-time code, run once on one CPU: the working maps are static rather
 * than on the small hypervisor stack, and the host map is only replaced once
 * everything has succeeded.
 */
#include <asm/dom0_mem.h>
#include <tern/errno.h>
#include <tern/string.h>

static struct e820_map dom0_work;

/* Bytes of [start, end) that host RAM entries of the given type cover. */
static uint64_t dom0_mem_covered(const struct e820_map *map, uint32_t type, uint64_t start,
				 uint64_t end)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < map->nr; i++) {
		const struct e820_entry *e = &map->entry[i];
		uint64_t s = MAX(e->addr, start), t = MIN(e->addr + e->size, end);

		if (e->type == type && t > s)
			total += t - s;
	}
	return total;
}

void dom0_mem_size(const struct e820_map *host, const struct boot_options *opts,
		   struct dom0_mem_result *res)
{
	uint64_t free = e820_total(host, E820_RAM), size;

	if (opts->dom0_mem)
		size = opts->dom0_mem;
	else
		size = MIN(ALIGN_DOWN(free / 2, PAGE_SIZE), DOM0_MEM_DEFAULT_MAX);
	if (opts->dom0_mem_min && size < opts->dom0_mem_min)
		size = opts->dom0_mem_min;
	if (opts->dom0_mem_max && size > opts->dom0_mem_max)
		size = opts->dom0_mem_max;
	size = size > UINT64_MAX - PAGE_SIZE ? ALIGN_DOWN(UINT64_MAX, PAGE_SIZE) : ALIGN_UP(size, PAGE_SIZE);

	res->free = free;
	res->requested = size;
	res->clamped = size > free;
	res->size = res->clamped ? free : size;
}

/*
 * Marks E820_DOM0, in ascending order, the first `left` bytes of free RAM in
 * map. The kernel's range is marked already, so it is not RAM any more and
 * is not counted twice.
 */
static int dom0_mem_take_low(struct e820_map *map, uint64_t left)
{
	uint64_t pos = 0;
	int rc;

	while (left) {
		const struct e820_entry *ram = NULL;
		uint64_t start, end;

		/* The lowest RAM entry ending above pos (the map is sorted). */
		for (unsigned int i = 0; i < map->nr && !ram; i++)
			if (map->entry[i].type == E820_RAM && map->entry[i].addr + map->entry[i].size > pos)
				ram = &map->entry[i];
		if (!ram)
			return -ENOMEM; /* cannot happen: the size is at most the free RAM */
		start = MAX(ram->addr, pos);
		end = MIN(ram->addr + ram->size, start + left);
		rc = e820_set_type(map, start, end - start, E820_DOM0);
		if (rc)
			return rc;
		left -= end - start;
		pos = end;
	}
	return 0;
}

/* dom0's view: its RAM is RAM, every other range tern knows of is reserved. */
static int dom0_mem_guest_map(const struct e820_map *host, struct e820_map *dom0)
{
	dom0->nr = host->nr;
	for (unsigned int i = 0; i < host->nr; i++) {
		dom0->entry[i] = host->entry[i];
		switch (host->entry[i].type) {
		case E820_DOM0:
			dom0->entry[i].type = E820_RAM;
			break;
		case E820_RAM:        /* the domain heap */
		case E820_HYPERVISOR:
		case E820_MODULE:
			dom0->entry[i].type = E820_RESERVED;
			break;
		default:              /* firmware's: reserved, ACPI, NVS, unusable, ... */
			break;
		}
	}
	return e820_sanitize(dom0) < 0 ? -ENOSPC : 0;
}

int dom0_mem_build(struct e820_map *host, const struct boot_options *opts, uint64_t must_start,
		   uint64_t must_end, struct e820_map *dom0, struct dom0_mem_result *res)
{
	uint64_t must_len;
	int rc;

	must_start = ALIGN_DOWN(must_start, PAGE_SIZE);
	must_end = must_end > ALIGN_DOWN(UINT64_MAX, PAGE_SIZE) ? UINT64_MAX : ALIGN_UP(must_end, PAGE_SIZE);
	must_len = must_end > must_start ? must_end - must_start : 0;
	if (!must_len)
		must_start = must_end = 0;

	dom0_mem_size(host, opts, res);
	if (!res->size)
		return -ENOMEM;
	if (dom0_mem_covered(host, E820_RAM, must_start, must_end) != must_len)
		return -ENOMEM;
	if (res->size < must_len)
		return -EINVAL;

	memcpy(&dom0_work, host, sizeof(dom0_work));
	rc = e820_set_type(&dom0_work, must_start, must_len, E820_DOM0);
	if (!rc)
		rc = dom0_mem_take_low(&dom0_work, res->size - must_len);
	if (!rc)
		rc = dom0_mem_guest_map(&dom0_work, dom0);
	if (rc)
		return rc;
	memcpy(host, &dom0_work, sizeof(*host));
	return 0;
}
