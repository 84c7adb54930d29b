/*
 * tern's domain control interface: hypercall 36 (__HYPERVISOR_domctl), dom0 only.
 *
 * tern's own structures under Xen's hypercall number (see sysctl.h for the
 * reasons, the calling convention and the common errors: the same rules hold
 * here with struct tern_domctl and TERN_DOMCTL_INTERFACE_VERSION).
 *
 * Ops (cmd)                      implemented?
 *   TERN_DOMCTL_createdomain   1   later
 *   TERN_DOMCTL_destroydomain  2   later
 *   TERN_DOMCTL_pausedomain    3   later
 *   TERN_DOMCTL_unpausedomain  4   later
 *   TERN_DOMCTL_getdomaininfo  5   yes
 *   TERN_DOMCTL_setvcpuaffinity 9  later
 *   TERN_DOMCTL_max_mem       11   later
 *   TERN_DOMCTL_vcpu_start    12   later
 *   TERN_DOMCTL_getvcpuinfo   14   later
 *   TERN_DOMCTL_max_vcpus     15   later
 *   TERN_DOMCTL_set_param     60   later
 *   TERN_DOMCTL_get_param     61   later
 * An op marked "later" returns -ENOSYS until implemented; its structure is
 * provisional and may change before then (the interface version is bumped
 * when a released layout changes).
 *
 * domctl.domain names the target domain (IN). It must be an existing domain
 * (-ESRCH otherwise); DOMID_SELF means the caller. Ops that would stop dom0
 * itself (destroydomain, pausedomain on the caller) return -EINVAL.
 * Errors beyond sysctl.h's: -ESRCH no such domain, -EBUSY domain is dying.
 *
 * Layout checks: hypervisor/common/public_layout.c.
 */
#ifndef TERN_PUBLIC_DOMCTL_H
#define TERN_PUBLIC_DOMCTL_H

#include <stdint.h>
#include "sysctl.h" /* struct tern_domaininfo */

#define TERN_DOMCTL_INTERFACE_VERSION 1

#define TERN_DOMCTL_createdomain 1
#define TERN_DOMCTL_destroydomain 2
#define TERN_DOMCTL_pausedomain 3
#define TERN_DOMCTL_unpausedomain 4
#define TERN_DOMCTL_getdomaininfo 5
#define TERN_DOMCTL_setvcpuaffinity 9
#define TERN_DOMCTL_max_mem 11
#define TERN_DOMCTL_vcpu_start 12
#define TERN_DOMCTL_getvcpuinfo 14
#define TERN_DOMCTL_max_vcpus 15
#define TERN_DOMCTL_set_param 60
#define TERN_DOMCTL_get_param 61

/* getdomaininfo: OUT info of domctl.domain (same struct as getdomaininfolist). */
struct tern_domctl_getdomaininfo {
	struct tern_domaininfo info; /* OUT */
};

/*
 * createdomain (provisional): domctl.domain IN = wanted id, 0 = any free id;
 * OUT = the new domain's id. The domain starts paused, with no memory and no
 * vCPUs running; the builder then sets max_vcpus, max_mem, memory, vcpu_start.
 */
#define TERN_CDF_hvm (1u << 0) /* HVM container (PVH guests set it) */
struct tern_domctl_createdomain {
	uint32_t flags;      /* IN: TERN_CDF_* */
	uint32_t max_vcpus;  /* IN */
	uint32_t ssidref;    /* IN */
	uint32_t cpupool;    /* IN */
	uint8_t handle[16];  /* IN: UUID */
};

/* max_mem (provisional): the domain's memory limit. */
struct tern_domctl_max_mem {
	uint64_t max_memkb; /* IN */
};

/* max_vcpus (provisional): create vCPUs 0..max-1 (offline but vCPU 0). */
struct tern_domctl_max_vcpus {
	uint32_t max; /* IN */
	uint32_t pad0;
};

/* setvcpuaffinity (provisional): pCPUs vCPU `vcpu` may run on (bit n = pCPU n). */
struct tern_domctl_vcpuaffinity {
	uint32_t vcpu;    /* IN */
	uint32_t pad0;
	uint64_t cpumap;  /* IN; OUT the effective map */
};

/* getvcpuinfo (provisional). */
struct tern_domctl_getvcpuinfo {
	uint32_t vcpu;     /* IN */
	uint8_t online;    /* OUT */
	uint8_t blocked;   /* OUT */
	uint8_t running;   /* OUT */
	uint8_t pad0;
	uint64_t cpu_time; /* OUT: ns */
	uint32_t cpu;      /* OUT: pCPU it runs / last ran on */
	uint32_t pad1;
};

/*
 * vcpu_start (provisional): set a vCPU's initial register state and mark it
 * runnable (PVH entry: 32-bit flat protected mode, paging off, rbx = guest
 * physical address of hvm_start_info).
 */
struct tern_domctl_vcpu_start {
	uint32_t vcpu;  /* IN */
	uint32_t flags; /* IN: 0 */
	uint64_t rip;
	uint64_t rsp;
	uint64_t rbx;
	uint64_t rsi;
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
};

/* set_param / get_param (provisional): HVM_PARAM_* of hvm.h. */
struct tern_domctl_param {
	uint32_t index; /* IN: HVM_PARAM_* */
	uint32_t pad0;
	uint64_t value; /* IN (set) / OUT (get) */
};

#define TERN_DOMCTL_OP_SIZE 128
struct tern_domctl {
	uint32_t cmd;               /* TERN_DOMCTL_* */
	uint32_t interface_version; /* TERN_DOMCTL_INTERFACE_VERSION */
	uint16_t domain;            /* IN (createdomain: IN/OUT) */
	uint16_t pad0[3];
	union {
		struct tern_domctl_getdomaininfo getdomaininfo;
		struct tern_domctl_createdomain createdomain;
		struct tern_domctl_max_mem max_mem;
		struct tern_domctl_max_vcpus max_vcpus;
		struct tern_domctl_vcpuaffinity vcpuaffinity;
		struct tern_domctl_getvcpuinfo getvcpuinfo;
		struct tern_domctl_vcpu_start vcpu_start;
		struct tern_domctl_param param;
		uint8_t pad[TERN_DOMCTL_OP_SIZE];
	} u;
};

#endif
