/*
 * grant_table_op (hypercall 20): Xen's grant tables, version 1.
 *
 * A domain (the granter) lets another domain reach one of its pages by
 * filling an entry of its grant table: frame = the page's GFN, domid = who
 * may use it, then flags = GTF_permit_access [| GTF_readonly]. The grantee
 * maps the page (map_grant_ref, with host_addr = the guest-physical address
 * to map it at, since guests on tern are auto-translated) or copies to or
 * from it (copy). While a grant is mapped the hypervisor keeps GTF_reading
 * (and GTF_writing for a writable mapping) set in the entry, so the granter's
 * revocation (a cmpxchg of flags to 0 that expects them clear) fails.
 *
 * The table is made of frames the guest maps with XENMEM_add_to_physmap
 * (XENMAPSPACE_grant_table, idx = frame index). Each op's count says how
 * many structs the array at arg holds; the call returns 0 (each entry then
 * has its own GNTST_* status) or a negative errno for a bad cmd, count or
 * pointer. Fields are IN unless marked OUT.
 * Layout checks: hypervisor/common/public_layout.c.
 */
#ifndef TERN_PUBLIC_GRANT_TABLE_H
#define TERN_PUBLIC_GRANT_TABLE_H

#include "xen.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* One v1 entry; 512 per 4 KiB frame. Refs 0-7 are reserved for the
 * toolstack (0: console ring, 1: xenstore ring). */
struct grant_entry_v1 {
	uint16_t flags;
	domid_t domid;
	uint32_t frame;
};

/* flags: bits 0-1 the type, then modifiers. */
#define GTF_invalid 0
#define GTF_permit_access 1
#define GTF_accept_transfer 2
#define GTF_transfer_committed 4 /* transfer entries only */
#define GTF_transfer_completed 8 /* transfer entries only */
#define GTF_type_mask 3
#define GTF_readonly (1 << 2)    /* the grantee may only read */
#define GTF_reading (1 << 3)     /* set by the hypervisor while in use */
#define GTF_writing (1 << 4)     /* set by the hypervisor while in use for writing */
#define GTF_PWT (1 << 5)
#define GTF_PCD (1 << 6)
#define GTF_PAT (1 << 7)

#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_copy 5
#define GNTTABOP_query_size 6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version 8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version 10

/* map_grant_ref flags. */
#define GNTMAP_device_map (1 << 0)
#define GNTMAP_host_map (1 << 1)
#define GNTMAP_readonly (1 << 2)
#define GNTMAP_application_map (1 << 3)
#define GNTMAP_contains_pte (1 << 4)

/* Per-entry status. */
#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_bad_virt_addr (-5)
#define GNTST_bad_dev_addr (-6)
#define GNTST_no_device_space (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)
#define GNTST_address_too_big (-11)
#define GNTST_eagain (-12)
#define GNTST_no_space (-13)

/*
 * Maps grant ref of domain dom at guest-physical address host_addr of the
 * caller (GNTMAP_host_map required; GNTMAP_readonly for a read-only mapping).
 */
struct gnttab_map_grant_ref {
	uint64_t host_addr;
	uint32_t flags;          /* GNTMAP_* */
	grant_ref_t ref;
	domid_t dom;
	int16_t status;          /* OUT: GNTST_* */
	grant_handle_t handle;   /* OUT: for unmap_grant_ref */
	uint64_t dev_bus_addr;   /* OUT: 0 (no device mappings on tern) */
};

/* Undoes the map that returned handle; host_addr must be the mapped address. */
struct gnttab_unmap_grant_ref {
	uint64_t host_addr;
	uint64_t dev_bus_addr;
	grant_handle_t handle;
	int16_t status;          /* OUT: GNTST_* */
};

/*
 * For guests that are not auto-translated; on tern it checks its arguments
 * and answers GNTST_general_error (use XENMEM_add_to_physmap instead).
 */
struct gnttab_setup_table {
	domid_t dom;
	uint32_t nr_frames;
	int16_t status;          /* OUT */
	uint64_t frame_list;     /* guest handle: xen_pfn_t[nr_frames], OUT */
};

/* copy flags: which side names a grant (otherwise a GFN of the caller,
 * whose domid must be DOMID_SELF). */
#define GNTCOPY_source_gref (1 << 0)
#define GNTCOPY_dest_gref (1 << 1)

/* Copies len bytes; offset + len must stay within the page on both sides. */
struct gnttab_copy {
	struct gnttab_copy_ptr {
		union {
			grant_ref_t ref;
			xen_pfn_t gmfn;
		} u;
		domid_t domid;
		uint16_t offset;
	} source, dest;
	uint16_t len;
	uint16_t flags;          /* GNTCOPY_* */
	int16_t status;          /* OUT */
};

/* Current and maximum size of dom's table (DOMID_SELF, or any domain for a
 * privileged caller), in frames. */
struct gnttab_query_size {
	domid_t dom;
	uint32_t nr_frames;      /* OUT */
	uint32_t max_nr_frames;  /* OUT */
	int16_t status;          /* OUT */
};

/* Only version 1 exists on tern: 1 succeeds, anything else is -EINVAL;
 * version is set to the table's version (1) on return either way. */
struct gnttab_set_version {
	uint32_t version;        /* IN/OUT */
};

struct gnttab_get_version {
	domid_t dom;
	uint16_t pad;
	uint32_t version;        /* OUT */
};

#endif
