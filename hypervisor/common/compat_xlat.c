/*
 * The structures whose 32-bit form differs (docs/compat-abi.md), as field
 * lists derived from the two C descriptions, and the translation between
 * the forms. The compile-time checks pin each 32-bit layout to the i386 ABI.
 */
#include <tern/compat.h>
#include <tern/string.h>

#define FIELD(name, member)                                                           \
	{ offsetof(struct name, member), offsetof(struct compat_##name, member),      \
	  sizeof(((struct name *)0)->member), sizeof(((struct compat_##name *)0)->member) }

#define LAYOUT(var, name, ...)                                                        \
	_Static_assert(sizeof(struct compat_##name) <= COMPAT_MAX_SIZE, #name);      \
	static const struct xlat_field var##_fields[] = { __VA_ARGS__ };             \
	const struct xlat_layout var = { sizeof(struct name), sizeof(struct compat_##name), \
					 ARRAY_SIZE(var##_fields), var##_fields }

LAYOUT(xlat_add_to_physmap, xen_add_to_physmap,
       FIELD(xen_add_to_physmap, domid), FIELD(xen_add_to_physmap, size),
       FIELD(xen_add_to_physmap, space), FIELD(xen_add_to_physmap, idx),
       FIELD(xen_add_to_physmap, gpfn));
_Static_assert(sizeof(struct compat_xen_add_to_physmap) == 16, "compat add_to_physmap");
_Static_assert(offsetof(struct compat_xen_add_to_physmap, gpfn) == 12, "compat atp gpfn");

LAYOUT(xlat_add_to_physmap_batch, xen_add_to_physmap_batch,
       FIELD(xen_add_to_physmap_batch, domid), FIELD(xen_add_to_physmap_batch, space),
       FIELD(xen_add_to_physmap_batch, size), FIELD(xen_add_to_physmap_batch, foreign_domid),
       FIELD(xen_add_to_physmap_batch, idxs), FIELD(xen_add_to_physmap_batch, gpfns),
       FIELD(xen_add_to_physmap_batch, errs));
_Static_assert(sizeof(struct compat_xen_add_to_physmap_batch) == 20, "compat batch");
_Static_assert(offsetof(struct compat_xen_add_to_physmap_batch, errs) == 16, "compat batch errs");

LAYOUT(xlat_remove_from_physmap, xen_remove_from_physmap,
       FIELD(xen_remove_from_physmap, domid), FIELD(xen_remove_from_physmap, gpfn));
_Static_assert(sizeof(struct compat_xen_remove_from_physmap) == 8, "compat remove_from_physmap");
_Static_assert(offsetof(struct compat_xen_remove_from_physmap, gpfn) == 4, "compat rfp gpfn");

LAYOUT(xlat_memory_reservation, xen_memory_reservation,
       FIELD(xen_memory_reservation, extent_start), FIELD(xen_memory_reservation, nr_extents),
       FIELD(xen_memory_reservation, extent_order), FIELD(xen_memory_reservation, mem_flags),
       FIELD(xen_memory_reservation, domid));
_Static_assert(sizeof(struct compat_xen_memory_reservation) == 20, "compat reservation");
_Static_assert(offsetof(struct compat_xen_memory_reservation, domid) == 16, "compat resv domid");

LAYOUT(xlat_memory_map, xen_memory_map,
       FIELD(xen_memory_map, nr_entries), FIELD(xen_memory_map, buffer));
_Static_assert(sizeof(struct compat_xen_memory_map) == 8, "compat memory_map");

LAYOUT(xlat_vcpu_set_singleshot_timer, vcpu_set_singleshot_timer,
       FIELD(vcpu_set_singleshot_timer, timeout_abs_ns), FIELD(vcpu_set_singleshot_timer, flags));
_Static_assert(sizeof(struct compat_vcpu_set_singleshot_timer) == 12, "compat singleshot");

LAYOUT(xlat_vcpu_runstate_info, vcpu_runstate_info,
       FIELD(vcpu_runstate_info, state), FIELD(vcpu_runstate_info, state_entry_time),
       FIELD(vcpu_runstate_info, time[0]), FIELD(vcpu_runstate_info, time[1]),
       FIELD(vcpu_runstate_info, time[2]), FIELD(vcpu_runstate_info, time[3]));
_Static_assert(sizeof(struct compat_vcpu_runstate_info) == 44, "compat runstate");
_Static_assert(offsetof(struct compat_vcpu_runstate_info, state_entry_time) == 4,
	       "compat runstate entry time");
_Static_assert(offsetof(struct compat_vcpu_runstate_info, time) == 12, "compat runstate time");

LAYOUT(xlat_gnttab_setup_table, gnttab_setup_table,
       FIELD(gnttab_setup_table, dom), FIELD(gnttab_setup_table, nr_frames),
       FIELD(gnttab_setup_table, status), FIELD(gnttab_setup_table, frame_list));
_Static_assert(sizeof(struct compat_gnttab_setup_table) == 16, "compat setup_table");
_Static_assert(offsetof(struct compat_gnttab_setup_table, frame_list) == 12, "compat frames");

LAYOUT(xlat_gnttab_copy, gnttab_copy,
       FIELD(gnttab_copy, source.u), FIELD(gnttab_copy, source.domid),
       FIELD(gnttab_copy, source.offset), FIELD(gnttab_copy, dest.u),
       FIELD(gnttab_copy, dest.domid), FIELD(gnttab_copy, dest.offset),
       FIELD(gnttab_copy, len), FIELD(gnttab_copy, flags), FIELD(gnttab_copy, status));
_Static_assert(sizeof(struct compat_gnttab_copy) == 24, "compat gnttab_copy");
_Static_assert(offsetof(struct compat_gnttab_copy, dest) == 8, "compat copy dest");
_Static_assert(offsetof(struct compat_gnttab_copy, status) == 20, "compat copy status");

LAYOUT(xlat_sched_poll, sched_poll,
       FIELD(sched_poll, ports), FIELD(sched_poll, nr_ports), FIELD(sched_poll, timeout));
_Static_assert(sizeof(struct compat_sched_poll) == 16, "compat sched_poll");
_Static_assert(offsetof(struct compat_sched_poll, timeout) == 8, "compat poll timeout");

LAYOUT(xlat_platform_parameters, xen_platform_parameters,
       FIELD(xen_platform_parameters, virt_start));
_Static_assert(sizeof(struct compat_xen_platform_parameters) == 4, "compat platform_parameters");

_Static_assert(sizeof(struct compat_vcpu_info) == 64, "compat vcpu_info");
_Static_assert(offsetof(struct compat_vcpu_info, evtchn_pending_sel) == 4, "compat pending_sel");
_Static_assert(offsetof(struct compat_vcpu_info, time) == 32, "compat vcpu_info time");
_Static_assert(offsetof(struct compat_shared_info, evtchn_pending) == 2048, "compat pending");
_Static_assert(offsetof(struct compat_shared_info, evtchn_mask) == 2176, "compat mask");
_Static_assert(offsetof(struct compat_shared_info, wc_version) == 2304, "compat wc_version");
_Static_assert(offsetof(struct compat_shared_info, arch) == 2316, "compat arch");
_Static_assert(offsetof(struct compat_shared_info, arch.wc_sec_hi) == 2340, "compat wc_sec_hi");
_Static_assert(sizeof(struct compat_shared_info) <= PAGE_SIZE, "compat shared_info");

void compat_to_native(const struct xlat_layout *l, const void *compat, void *native)
{
	memset(native, 0, l->native_size);
	for (unsigned int i = 0; i < l->nr_fields; i++) {
		const struct xlat_field *f = &l->field[i];

		/* Little-endian: the low bytes first, the rest stays zero. */
		memcpy((uint8_t *)native + f->native_off, (const uint8_t *)compat + f->compat_off,
		       MIN(f->native_size, f->compat_size));
	}
}

void native_to_compat(const struct xlat_layout *l, const void *native, void *compat)
{
	memset(compat, 0, l->compat_size);
	for (unsigned int i = 0; i < l->nr_fields; i++) {
		const struct xlat_field *f = &l->field[i];

		memcpy((uint8_t *)compat + f->compat_off, (const uint8_t *)native + f->native_off,
		       MIN(f->native_size, f->compat_size));
	}
}
