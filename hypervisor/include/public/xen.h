/*
 * tern's guest ABI: the core of Xen's public interface, with Xen's numbers and
 * layouts (x86-64), so unmodified Xen guests and tools work. One header per
 * topic, like Xen's; this one has the hypercall numbers, domain ids, and the
 * shared_info / vcpu_info pages through which events and time reach a guest.
 * Layout checks: hypervisor/common/public_layout.c.
 */
#ifndef TERN_PUBLIC_XEN_H
#define TERN_PUBLIC_XEN_H

#include <stdint.h>

/* Hypercall numbers. The hypercall page holds one 32-byte stub per number. */
#define __HYPERVISOR_platform_op 7
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op 33
#define __HYPERVISOR_hvm_op 34
#define __HYPERVISOR_sysctl 35
#define __HYPERVISOR_domctl 36
#define __HYPERVISOR_xenpmu_op 40
#define __HYPERVISOR_dm_op 41
#define XEN_HYPERCALL_STUB_SIZE 32
#define XEN_NR_HYPERCALLS 64

/* Special domain ids. */
typedef uint16_t domid_t;
#define DOMID_FIRST_RESERVED 0x7ff0
#define DOMID_SELF 0x7ff0
#define DOMID_IO 0x7ff1
#define DOMID_XEN 0x7ff2
#define DOMID_INVALID 0x7ff4
#define DOMID_IDLE 0x7fff

/* vm_assist: optional hypervisor behaviours a domain turns on. An HVM guest
 * may only ask for runstate_update_flag: XEN_RUNSTATE_UPDATE (vcpu.h) is set
 * in its runstate areas while the hypervisor writes them. */
#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_runstate_update_flag 5

/* console_io: write to / read from the hypervisor console. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/* Guest time as the hypervisor keeps it (pvclock). */
struct vcpu_time_info {
	uint32_t version;           /* odd while being updated */
	uint32_t pad0;
	uint64_t tsc_timestamp;     /* TSC at the last update */
	uint64_t system_time;       /* ns since boot at the last update */
	uint32_t tsc_to_system_mul; /* ns = ((tsc delta << tsc_shift) * mul) >> 32 */
	int8_t tsc_shift;
	uint8_t flags;
#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED (1 << 1)
	uint8_t pad1[2];
};

struct arch_vcpu_info {
	uint64_t cr2;
	uint64_t pad;
};

/* Per-vCPU event state; 64 bytes. */
struct vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	uint8_t pad0[6];
	uint64_t evtchn_pending_sel; /* which words of evtchn_pending to scan */
	struct arch_vcpu_info arch;
	struct vcpu_time_info time;
};

#define XEN_LEGACY_MAX_VCPUS 32

struct arch_shared_info {
	uint64_t max_pfn;
	uint64_t pfn_to_mfn_frame_list_list;
	uint64_t nmi_reason;
	uint64_t p2m_cr3;
	uint64_t p2m_vaddr;
	uint64_t p2m_generation;
};

/* The page a guest maps with XENMEM_add_to_physmap(XENMAPSPACE_shared_info). */
struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	uint64_t evtchn_pending[64]; /* 2-level event channels: 4096 ports */
	uint64_t evtchn_mask[64];
	uint32_t wc_version;         /* wall clock at system_time 0 */
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
	struct arch_shared_info arch;
};

/* start_info flags (also hvm_start_info.flags). */
#define SIF_PRIVILEGED (1 << 0)
#define SIF_INITDOMAIN (1 << 1)

/* VIRQs: per-domain or per-vCPU virtual interrupts bound to event channels. */
#define VIRQ_TIMER 0
#define VIRQ_DEBUG 1
#define VIRQ_CONSOLE 2
#define VIRQ_DOM_EXC 3
#define VIRQ_TBUF 4
#define VIRQ_DEBUGGER 6
#define VIRQ_XENOPROF 7
#define VIRQ_CON_RING 8
#define NR_VIRQS 24

/* Guest handles are guest-virtual addresses (HVM and PVH). */
typedef uint64_t xen_pfn_t;
typedef uint64_t xen_ulong_t;

#endif
