/* xen_version: what the hypervisor is (hypercall 17). */
#ifndef TERN_PUBLIC_VERSION_H
#define TERN_PUBLIC_VERSION_H

#include "xen.h"

#define XENVER_version 0 /* returns major << 16 | minor */
#define XENVER_extraversion 1
typedef char xen_extraversion_t[16];
#define XENVER_compile_info 2
struct xen_compile_info {
	char compiler[64];
	char compile_by[16];
	char compile_domain[32];
	char compile_date[32];
};
#define XENVER_capabilities 3
typedef char xen_capabilities_info_t[1024];
#define XENVER_changeset 4
typedef char xen_changeset_info_t[64];
#define XENVER_platform_parameters 5
struct xen_platform_parameters {
	xen_ulong_t virt_start;
};
#define XENVER_get_features 6
struct xen_feature_info {
	uint32_t submap_idx; /* IN: which 32-bit word */
	uint32_t submap;     /* OUT */
};
#define XENVER_pagesize 7
#define XENVER_guest_handle 8
typedef uint8_t xen_domain_handle_t[16];
#define XENVER_commandline 9
typedef char xen_commandline_t[1024];
#define XENVER_build_id 10
struct xen_build_id {
	uint32_t len; /* IN: size of buf; OUT: bytes written */
	unsigned char buf[];
};

/* XENVER_get_features bits (word 0). */
#define XENFEAT_writable_page_tables 0
#define XENFEAT_writable_descriptor_tables 1
#define XENFEAT_auto_translated_physmap 2
#define XENFEAT_supervisor_mode_kernel 3
#define XENFEAT_pae_pgdir_above_4gb 4
#define XENFEAT_mmu_pt_update_preserve_ad 5
#define XENFEAT_gnttab_map_avail_bits 7
#define XENFEAT_hvm_callback_vector 8
#define XENFEAT_hvm_safe_pvclock 9
#define XENFEAT_hvm_pirqs 10
#define XENFEAT_dom0 11
#define XENFEAT_memory_op_vnode_supported 13
#define XENFEAT_linux_rsdp_unrestricted 15

#endif
