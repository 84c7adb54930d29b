/* memory_op (hypercall 12). */
#ifndef TERN_PUBLIC_MEMORY_H
#define TERN_PUBLIC_MEMORY_H

#include "xen.h"

/* A memory_op command is its low bits; the bits above say where a
 * continued batch (populate_physmap, add_to_physmap_batch) resumes. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK ((1u << MEMOP_EXTENT_SHIFT) - 1)

#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap 6
struct xen_memory_reservation {
	uint64_t extent_start; /* guest handle: xen_pfn_t[] */
	xen_ulong_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags;
	domid_t domid;
	uint16_t pad[3];
};

#define XENMEM_maximum_ram_page 2
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4
/* These three take a domid_t (IN) and return pages. */

#define XENMEM_add_to_physmap 7
struct xen_add_to_physmap {
	domid_t domid;
	uint16_t size;  /* for XENMAPSPACE_gmfn_range */
	uint32_t space; /* XENMAPSPACE_* */
	xen_ulong_t idx;
	xen_pfn_t gpfn;
};
#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
#define XENMAPSPACE_gmfn 2
#define XENMAPSPACE_gmfn_range 3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio 5
#define XENMAPIDX_grant_table_status 0x80000000u

#define XENMEM_memory_map 9
#define XENMEM_machine_memory_map 10
struct xen_memory_map {
	uint32_t nr_entries; /* IN: room; OUT: entries written */
	uint32_t pad;
	uint64_t buffer;     /* guest handle: e820 entries (20 bytes each) */
};

#define XENMEM_remove_from_physmap 15
struct xen_remove_from_physmap {
	domid_t domid;
	uint16_t pad[3];
	xen_pfn_t gpfn;
};

#define XENMEM_add_to_physmap_batch 23
struct xen_add_to_physmap_batch {
	domid_t domid;
	uint16_t space;
	uint16_t size;
	domid_t foreign_domid; /* for XENMAPSPACE_gmfn_foreign */
	uint64_t idxs;  /* guest handle: xen_ulong_t[size] */
	uint64_t gpfns; /* guest handle: xen_pfn_t[size] */
	uint64_t errs;  /* guest handle: int[size], OUT */
};

#define XENMEM_acquire_resource 28

#endif
