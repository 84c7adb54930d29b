/*
 * The 32-bit guest ABI (docs/compat-abi.md): a caller in 32-bit code passes
 * the i386 form of the public structures, where xen_ulong_t, xen_pfn_t and
 * guest handles are 4 bytes and uint64_t is 4-byte aligned. Handlers work on
 * the native structures only; the structures that differ are translated at
 * the boundary from a field list (one per structure, xlat_*), chosen per
 * call from v->hcall.compat.
 */
#ifndef TERN_COMPAT_H
#define TERN_COMPAT_H

#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <tern/types.h>

/* i386 scalars: 4-byte handles and longs, 4-byte aligned 64-bit fields. */
typedef uint32_t compat_ulong_t;
typedef uint32_t compat_pfn_t;
typedef uint32_t compat_handle_t;
typedef uint64_t compat_u64 __attribute__((aligned(4)));

struct compat_xen_add_to_physmap {
	domid_t domid;
	uint16_t size;
	uint32_t space;
	compat_ulong_t idx;
	compat_pfn_t gpfn;
};

struct compat_xen_add_to_physmap_batch {
	domid_t domid;
	uint16_t space;
	uint16_t size;
	domid_t foreign_domid;
	compat_handle_t idxs, gpfns, errs;
};

struct compat_xen_remove_from_physmap {
	domid_t domid;
	uint16_t pad;
	compat_pfn_t gpfn;
};

struct compat_xen_memory_reservation {
	compat_handle_t extent_start;
	compat_ulong_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags;
	domid_t domid;
};

struct compat_xen_memory_map {
	uint32_t nr_entries;
	compat_handle_t buffer;
};

struct compat_vcpu_set_singleshot_timer {
	compat_u64 timeout_abs_ns;
	uint32_t flags;
};

struct compat_vcpu_runstate_info {
	int32_t state;
	compat_u64 state_entry_time;
	compat_u64 time[4];
};

struct compat_gnttab_setup_table {
	domid_t dom;
	uint32_t nr_frames;
	int16_t status;
	compat_handle_t frame_list;
};

struct compat_gnttab_copy {
	struct compat_gnttab_copy_ptr {
		union {
			grant_ref_t ref;
			compat_pfn_t gmfn;
		} u;
		domid_t domid;
		uint16_t offset;
	} source, dest;
	uint16_t len;
	uint16_t flags;
	int16_t status;
};

struct compat_sched_poll {
	compat_handle_t ports;
	uint32_t nr_ports;
	compat_u64 timeout;
};

struct compat_xen_platform_parameters {
	compat_ulong_t virt_start;
};

/* The shared pages as a 32-bit guest sees them (latched per domain). */
struct compat_vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	uint16_t pad0;
	uint32_t evtchn_pending_sel; /* bit n: word n (32 ports) of evtchn_pending */
	uint32_t cr2;
	uint32_t pad[5];
	struct vcpu_time_info time;
};

#define EVTCHN_2L_COMPAT_WORDS 32 /* 32 x 32 bits: 1024 ports */

struct compat_shared_info {
	struct compat_vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	uint32_t evtchn_pending[EVTCHN_2L_COMPAT_WORDS];
	uint32_t evtchn_mask[EVTCHN_2L_COMPAT_WORDS];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	struct compat_arch_shared_info {
		uint32_t max_pfn, pfn_to_mfn_frame_list_list, nmi_reason;
		uint32_t p2m_cr3, p2m_vaddr, p2m_generation;
		uint32_t wc_sec_hi; /* no room for it beside wc_nsec in this form */
	} arch;
};

/* The largest 32-bit form of a translated structure (checked for each). */
#define COMPAT_MAX_SIZE 64

/* One field: where it is and how wide, in the native and the 32-bit form. */
struct xlat_field {
	uint16_t native_off, compat_off;
	uint8_t native_size, compat_size;
};

struct xlat_layout {
	uint16_t native_size, compat_size;
	uint8_t nr_fields;
	const struct xlat_field *field;
};

extern const struct xlat_layout xlat_add_to_physmap, xlat_add_to_physmap_batch,
	xlat_remove_from_physmap, xlat_memory_reservation, xlat_memory_map,
	xlat_vcpu_set_singleshot_timer, xlat_vcpu_runstate_info, xlat_gnttab_setup_table,
	xlat_gnttab_copy, xlat_sched_poll, xlat_platform_parameters;

/*
 * The pure translations. compat_to_native fills every byte of native
 * (l->native_size): each field zero-extended, padding zero.
 * native_to_compat writes every byte of compat (l->compat_size): each field
 * truncated to its 32-bit width (a value above it cannot be expressed).
 */
void compat_to_native(const struct xlat_layout *l, const void *compat, void *native);
void native_to_compat(const struct xlat_layout *l, const void *native, void *compat);

struct vcpu;

/*
 * A structure of the caller's current hypercall in the caller's form: for
 * a 32-bit caller the i386 form is copied and translated, else the native
 * one is copied as it is. 0 or -EFAULT, as copy_from_guest/copy_to_guest.
 */
int copy_abi_from_guest(struct vcpu *v, void *native, uint64_t gva, const struct xlat_layout *l);
int copy_abi_to_guest(struct vcpu *v, uint64_t gva, const void *native,
		      const struct xlat_layout *l);

/* Element i of a guest array of xen_ulong_t or xen_pfn_t (4 bytes for a
 * 32-bit caller, 8 otherwise), zero-extended. 0 or -EFAULT. */
int copy_ulong_from_guest(struct vcpu *v, uint64_t *val, uint64_t array, uint64_t i);

/* Whether v's current hypercall comes from 32-bit code. */
bool hypercall_is_compat(const struct vcpu *v);

#endif
