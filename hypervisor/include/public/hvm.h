/* hvm_op (hypercall 34) and the HVM parameters. */
#ifndef TERN_PUBLIC_HVM_H
#define TERN_PUBLIC_HVM_H

#include "xen.h"

#define HVMOP_set_param 0
#define HVMOP_get_param 1
struct xen_hvm_param {
	domid_t domid;
	uint16_t pad;
	uint32_t index; /* HVM_PARAM_* */
	uint64_t value;
};
#define HVMOP_pagetable_dying 9
#define HVMOP_get_time 10
#define HVMOP_get_mem_type 15
#define HVMOP_set_evtchn_upcall_vector 23
struct xen_hvm_evtchn_upcall_vector {
	uint32_t vcpu;
	uint8_t vector;
	uint8_t pad[3];
};

#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_CALLBACK_TYPE_SHIFT 56
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2
#define HVM_PARAM_STORE_PFN 1
#define HVM_PARAM_STORE_EVTCHN 2
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18
#define HVM_NR_PARAMS 40

/* Xen's CPUID leaves (base 0x40000000). */
#define XEN_CPUID_FIRST_LEAF 0x40000000
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558u /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4du /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566eu /* "nVMM" */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT (1u << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT (1u << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS (1u << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT (1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT (1u << 4)
#define XEN_HVM_CPUID_EXT_DEST_ID (1u << 5)
#define XEN_HVM_CPUID_UPCALL_VECTOR (1u << 6)
#define XEN_HYPERCALL_PAGE_MSR 0x40000000u

#endif
