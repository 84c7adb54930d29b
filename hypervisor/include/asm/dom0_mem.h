/*
 * dom0's memory: how much RAM it gets (dom0_mem=) and which host ranges.
 *
 * dom0 is identity-mapped (guest-physical == host-physical), so its devices
 * DMA correctly without an IOMMU. It gets host RAM in ascending address order,
 * from 0 up (the real-mode area, BIOS data and EBDA below 1 MiB included and
 * counted), plus the range its kernel is loaded into, until the chosen size is
 * reached. Its e820 shows exactly that RAM; every other host RAM range (the
 * domain heap), the hypervisor's ranges and the boot modules are reserved
 * there; firmware entries are passed through unchanged.
 */
#ifndef ASM_DOM0_MEM_H
#define ASM_DOM0_MEM_H

#include <tern/cmdline.h>
#include <tern/e820.h>
#include <tern/types.h>

/* The default size when dom0_mem= gives none: half of the free RAM, at most this. */
#define DOM0_MEM_DEFAULT_MAX GiB(4)

struct dom0_mem_result {
	uint64_t size;       /* RAM given to dom0, in bytes (pages) */
	uint64_t requested;  /* dom0_mem= (or the default) after min:/max:, before the free-RAM limit */
	uint64_t free;       /* free host RAM before dom0 took its share */
	bool clamped;        /* requested > free: dom0 got all the free RAM */
};

/*
 * The size dom0 gets from opts (dom0_mem, dom0_mem_min, dom0_mem_max) and the
 * free RAM (E820_RAM) of host: dom0_mem, or by default half the free RAM capped
 * at DOM0_MEM_DEFAULT_MAX; then raised to min and lowered to max when given;
 * rounded up to whole pages; never more than the free RAM. Fills res.
 */
void dom0_mem_size(const struct e820_map *host, const struct boot_options *opts,
		   struct dom0_mem_result *res);

/*
 * Chooses dom0's RAM and writes its e820.
 *
 * host: the sanitised host map after boot: E820_RAM entries are free RAM; the
 * caller has marked as E820_HYPERVISOR (or E820_MODULE) every range it still
 * needs, so none of it is given away. [must_start, must_end) must become dom0's
 * (the kernel's load address up to load address + init_size); it is widened
 * to whole pages and counted in the size.
 *
 * On success returns 0, marks dom0's ranges E820_DOM0 in host (what stays
 * E820_RAM there is the domain heap), writes dom0's sanitised e820 to dom0 (its
 * RAM total is res->size exactly) and fills res. On error host is unchanged:
 *   -ENOMEM  [must_start, must_end) is not all free host RAM, or there is no free RAM;
 *   -EINVAL  the size is smaller than [must_start, must_end);
 *   -ENOSPC  a map needs more than E820_MAX entries.
 */
int dom0_mem_build(struct e820_map *host, const struct boot_options *opts, uint64_t must_start,
		   uint64_t must_end, struct e820_map *dom0, struct dom0_mem_result *res);

#endif
