/*
 * The guest ABI's layouts, checked where the manual of record (Xen's public
 * headers, x86-64) puts them. Compiled into the hypervisor; it emits nothing.
 */
#include <public/domctl.h>
#include <public/hvm.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/start_info.h>
#include <public/sysctl.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <stddef.h>

_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info");
_Static_assert(offsetof(struct vcpu_time_info, tsc_to_system_mul) == 24, "tsc mul");
_Static_assert(offsetof(struct vcpu_time_info, flags) == 29, "time flags");
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info");
_Static_assert(offsetof(struct vcpu_info, evtchn_pending_sel) == 8, "pending_sel");
_Static_assert(offsetof(struct vcpu_info, time) == 32, "vcpu_info time");
_Static_assert(offsetof(struct shared_info, evtchn_pending) == 2048, "evtchn_pending");
_Static_assert(offsetof(struct shared_info, evtchn_mask) == 2560, "evtchn_mask");
_Static_assert(offsetof(struct shared_info, wc_version) == 3072, "wc_version");
_Static_assert(offsetof(struct shared_info, arch) == 3088, "arch_shared_info");
_Static_assert(sizeof(struct shared_info) == 3136, "shared_info");
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 40, "memmap_paddr");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "modlist entry");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entry");
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "runstate");
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "add_to_physmap");
_Static_assert(offsetof(struct xen_add_to_physmap, gpfn) == 16, "add_to_physmap gpfn");
_Static_assert(sizeof(struct xen_add_to_physmap_batch) == 32, "add_to_physmap_batch");
_Static_assert(offsetof(struct xen_add_to_physmap_batch, foreign_domid) == 6, "batch foreign");
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "memory_reservation");
_Static_assert(sizeof(struct xen_hvm_param) == 16, "hvm_param");
_Static_assert(sizeof(struct xen_hvm_evtchn_upcall_vector) == 8, "upcall_vector");
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "register_vcpu_info");
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "singleshot");
_Static_assert(sizeof(struct xen_compile_info) == 144, "compile_info");
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll");
_Static_assert(sizeof(struct xen_feature_info) == 8, "feature_info");

/* tern's own control interface (sysctl.h, domctl.h): same for 64-bit tools and tern. */
_Static_assert(offsetof(struct tern_sysctl, interface_version) == 4, "sysctl version");
_Static_assert(offsetof(struct tern_sysctl, domain) == 8, "sysctl domain");
_Static_assert(offsetof(struct tern_sysctl, u) == 16, "sysctl u");
_Static_assert(sizeof(struct tern_sysctl) == 144, "sysctl");
_Static_assert(offsetof(struct tern_domctl, interface_version) == 4, "domctl version");
_Static_assert(offsetof(struct tern_domctl, domain) == 8, "domctl domain");
_Static_assert(offsetof(struct tern_domctl, u) == 16, "domctl u");
_Static_assert(sizeof(struct tern_domctl) == 144, "domctl");
_Static_assert(sizeof(struct tern_sysctl_readconsole) == 24, "readconsole");
_Static_assert(offsetof(struct tern_sysctl_readconsole, buffer) == 8, "readconsole buffer");
_Static_assert(offsetof(struct tern_sysctl_readconsole, index) == 16, "readconsole index");
_Static_assert(sizeof(struct tern_sysctl_physinfo) == 104, "physinfo");
_Static_assert(sizeof(struct tern_sysctl_debug_keys) == 16, "debug_keys");
_Static_assert(offsetof(struct tern_sysctl_debug_keys, nr_keys) == 8, "debug_keys nr_keys");
_Static_assert(offsetof(struct tern_sysctl_physinfo, total_pages) == 32, "physinfo pages");
_Static_assert(offsetof(struct tern_sysctl_physinfo, hw_cap) == 72, "physinfo hw_cap");
_Static_assert(sizeof(struct tern_domaininfo) == 80, "domaininfo");
_Static_assert(offsetof(struct tern_domaininfo, flags) == 4, "domaininfo flags");
_Static_assert(offsetof(struct tern_domaininfo, cpu_time) == 40, "domaininfo cpu_time");
_Static_assert(offsetof(struct tern_domaininfo, handle) == 64, "domaininfo handle");
_Static_assert(sizeof(struct tern_sysctl_getdomaininfolist) == 24, "getdomaininfolist");
_Static_assert(offsetof(struct tern_sysctl_getdomaininfolist, buffer) == 8, "gdil buffer");
_Static_assert(sizeof(struct tern_domctl_vcpu_start) == 72, "vcpu_start");
_Static_assert(sizeof(struct tern_domctl_getvcpuinfo) == 32, "getvcpuinfo");
_Static_assert(offsetof(struct tern_domctl_getvcpuinfo, cpu) == 16, "getvcpuinfo cpu");
_Static_assert(offsetof(struct tern_domctl_getvcpuinfo, cpumap) == 24, "getvcpuinfo cpumap");
_Static_assert(sizeof(struct tern_domctl_scheduler_op) == 24, "scheduler_op");
_Static_assert(offsetof(struct tern_domctl_scheduler_op, weight) == 12, "scheduler_op weight");
_Static_assert(offsetof(struct tern_domctl_scheduler_op, cap) == 16, "scheduler_op cap");
#include <public/event_channel.h>
#include <public/grant_table.h>
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "alloc_unbound");
_Static_assert(offsetof(struct evtchn_alloc_unbound, port) == 4, "alloc_unbound port");
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "bind_interdomain");
_Static_assert(offsetof(struct evtchn_bind_interdomain, remote_port) == 4, "bind_interdomain rport");
_Static_assert(offsetof(struct evtchn_bind_interdomain, local_port) == 8, "bind_interdomain lport");
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "bind_virq");
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "bind_ipi");
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "bind_vcpu");
_Static_assert(sizeof(struct evtchn_close) == 4, "evtchn_close");
_Static_assert(sizeof(struct evtchn_send) == 4, "evtchn_send");
_Static_assert(sizeof(struct evtchn_unmask) == 4, "evtchn_unmask");
_Static_assert(sizeof(struct evtchn_reset) == 2, "evtchn_reset");
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status");
_Static_assert(offsetof(struct evtchn_status, status) == 8, "evtchn_status status");
_Static_assert(offsetof(struct evtchn_status, u) == 16, "evtchn_status u");
_Static_assert(offsetof(struct evtchn_status, u.interdomain.port) == 20, "status interdomain port");
_Static_assert(sizeof(struct evtchn_init_control) == 24, "init_control");
_Static_assert(offsetof(struct evtchn_init_control, link_bits) == 16, "init_control link_bits");
_Static_assert(sizeof(struct evtchn_expand_array) == 8, "expand_array");
_Static_assert(sizeof(struct evtchn_set_priority) == 8, "set_priority");
_Static_assert(sizeof(struct evtchn_fifo_control_block) == 72, "fifo control block");
_Static_assert(offsetof(struct evtchn_fifo_control_block, head) == 8, "fifo head");
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1");
_Static_assert(offsetof(struct grant_entry_v1, frame) == 4, "grant_entry_v1 frame");
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "map_grant_ref");
_Static_assert(offsetof(struct gnttab_map_grant_ref, dom) == 16, "map_grant_ref dom");
_Static_assert(offsetof(struct gnttab_map_grant_ref, status) == 18, "map_grant_ref status");
_Static_assert(offsetof(struct gnttab_map_grant_ref, handle) == 20, "map_grant_ref handle");
_Static_assert(offsetof(struct gnttab_map_grant_ref, dev_bus_addr) == 24, "map_grant_ref bus");
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "unmap_grant_ref");
_Static_assert(offsetof(struct gnttab_unmap_grant_ref, handle) == 16, "unmap handle");
_Static_assert(offsetof(struct gnttab_unmap_grant_ref, status) == 20, "unmap status");
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "setup_table");
_Static_assert(offsetof(struct gnttab_setup_table, frame_list) == 16, "setup_table list");
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy");
_Static_assert(offsetof(struct gnttab_copy, source.domid) == 8, "copy source domid");
_Static_assert(offsetof(struct gnttab_copy, source.offset) == 10, "copy source offset");
_Static_assert(offsetof(struct gnttab_copy, dest) == 16, "copy dest");
_Static_assert(offsetof(struct gnttab_copy, dest.offset) == 26, "copy dest offset");
_Static_assert(offsetof(struct gnttab_copy, len) == 32, "copy len");
_Static_assert(offsetof(struct gnttab_copy, flags) == 34, "copy flags");
_Static_assert(offsetof(struct gnttab_copy, status) == 36, "copy status");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "query_size");
_Static_assert(offsetof(struct gnttab_query_size, status) == 12, "query_size status");
_Static_assert(sizeof(struct gnttab_set_version) == 4, "set_version");
_Static_assert(sizeof(struct gnttab_get_version) == 8, "get_version");
