/*
 * tern's domain control interface: hypercall 36 (__HYPERVISOR_domctl), dom0 only.
 *
 * tern's own structures under Xen's hypercall number (see sysctl.h for the
 * reasons, the calling convention and the common errors: the same rules hold
 * here with struct tern_domctl and TERN_DOMCTL_INTERFACE_VERSION).
 *
 * Ops (cmd):
 *   TERN_DOMCTL_createdomain   1   a new domain, paused, no memory
 *   TERN_DOMCTL_destroydomain  2   stop it and give everything back
 *   TERN_DOMCTL_pausedomain    3   its vCPUs stop running
 *   TERN_DOMCTL_unpausedomain  4   its started vCPUs run
 *   TERN_DOMCTL_getdomaininfo  5   its state (as getdomaininfolist)
 *   TERN_DOMCTL_setvcpuaffinity 9  which pCPUs a vCPU may run on
 *   TERN_DOMCTL_max_mem       11   its memory limit
 *   TERN_DOMCTL_vcpu_start    12   a vCPU's first register state; it comes online
 *   TERN_DOMCTL_getvcpuinfo   14   a vCPU's state, run time and affinity
 *   TERN_DOMCTL_scheduler_op  16   its credit scheduler weight and cap
 *   TERN_DOMCTL_set_param     60   HVM_PARAM_* (console/xenstore ring pfn and port)
 *   TERN_DOMCTL_get_param     61
 * A domain's RAM is added with Xen's XENMEM_populate_physmap (memory.h) naming
 * the domain: extent_order 0 (4 KiB) or 9 (2 MiB), extent_start an array of
 * guest frame numbers; it returns how many extents were populated (fewer when
 * the heap or the domain's max_mem runs out). The toolstack then writes the
 * kernel into that memory through privcmd's foreign mappings.
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

/* 2: getvcpuinfo reports the affinity; scheduler_op. */
#define TERN_DOMCTL_INTERFACE_VERSION 3

#define TERN_DOMCTL_createdomain 1
#define TERN_DOMCTL_destroydomain 2
#define TERN_DOMCTL_pausedomain 3
#define TERN_DOMCTL_unpausedomain 4
#define TERN_DOMCTL_getdomaininfo 5
#define TERN_DOMCTL_setvcpuaffinity 9
#define TERN_DOMCTL_max_mem 11
#define TERN_DOMCTL_vcpu_start 12
#define TERN_DOMCTL_getvcpuinfo 14
#define TERN_DOMCTL_scheduler_op 16
#define TERN_DOMCTL_set_param 60
#define TERN_DOMCTL_get_param 61

/* getdomaininfo: OUT info of domctl.domain (same struct as getdomaininfolist). */
struct tern_domctl_getdomaininfo {
	struct tern_domaininfo info; /* OUT */
};

/*
 * createdomain: domctl.domain IN = wanted id, 0 = any free id;
 * OUT = the new domain's id. The domain starts paused, with no memory and
 * max_vcpus vCPUs (1..TERN_MAX_VCPUS), all offline; the builder then sets
 * max_mem, populates memory, starts vCPU 0 (vcpu_start) and unpauses it.
 * -EEXIST: the id is taken; -ENOSPC: no free id; -EINVAL: flags without
 * TERN_CDF_hvm, or max_vcpus out of range; -ENODEV: the machine has one
 * pCPU, dom0's, and domUs run only on the others. max_evtchn_port is the
 * highest event-channel port the domain may use (xl.cfg max_event_channels;
 * 0: 1023, Xen's toolstack default).
 */
#define TERN_CDF_hvm (1u << 0) /* HVM container (PVH guests set it) */
#define TERN_MAX_VCPUS 8
struct tern_domctl_createdomain {
	uint32_t flags;      /* IN: TERN_CDF_* */
	uint32_t max_vcpus;  /* IN */
	uint32_t ssidref;    /* IN */
	uint32_t cpupool;    /* IN */
	uint8_t handle[16];  /* IN: UUID */
	uint32_t max_evtchn_port; /* IN */
	uint32_t pad0;
};

/* max_mem: the most RAM populate_physmap may give the domain. */
struct tern_domctl_max_mem {
	uint64_t max_memkb; /* IN */
};

/*
 * setvcpuaffinity: the pCPUs vCPU `vcpu` may run on (bit n = pCPU n). dom0's
 * pCPU is never used for domUs and is dropped from the map; -EINVAL if no
 * pCPU is left. OUT: the map in effect.
 */
struct tern_domctl_vcpuaffinity {
	uint32_t vcpu;    /* IN */
	uint32_t pad0;
	uint64_t cpumap;  /* IN; OUT the effective map */
};

/* getvcpuinfo: a vCPU's state; -ENOENT for a vCPU that does not exist. */
struct tern_domctl_getvcpuinfo {
	uint32_t vcpu;     /* IN */
	uint8_t online;    /* OUT */
	uint8_t blocked;   /* OUT */
	uint8_t running;   /* OUT */
	uint8_t pad0;
	uint64_t cpu_time; /* OUT: ns */
	uint32_t cpu;      /* OUT: pCPU it runs / last ran on */
	uint32_t pad1;
	uint64_t cpumap;   /* OUT: hard affinity, the online pCPUs it may run on (bit n = pCPU n) */
};

/*
 * scheduler_op: a domain's credit scheduler parameters (Xen's meaning).
 * weight: its share of contended pCPU time, relative to other domains',
 * 1..65535, default 256. cap: the most pCPU time it may have, in percent of
 * one pCPU (0: no cap, 50: half a pCPU, 200: two), at most 100 per vCPU.
 * getinfo: OUT weight and cap (dom0, alone on its pCPU: 256 and 0).
 * putinfo: sets those named in flags. -EINVAL: sched_id is not
 * TERN_SCHEDULER_credit, an unknown cmd or flag, a value out of range, or
 * putinfo on dom0, which runs alone on its pCPU.
 */
#define TERN_SCHEDOP_putinfo 0
#define TERN_SCHEDOP_getinfo 1
#define TERN_SCHED_set_weight (1u << 0)
#define TERN_SCHED_set_cap (1u << 1)
struct tern_domctl_scheduler_op {
	uint32_t sched_id; /* IN: TERN_SCHEDULER_credit (sysctl.h) */
	uint32_t cmd;      /* IN: TERN_SCHEDOP_* */
	uint32_t flags;    /* IN (putinfo): TERN_SCHED_set_* */
	uint32_t weight;   /* IN (putinfo) / OUT (getinfo) */
	uint32_t cap;      /* IN (putinfo) / OUT (getinfo) */
	uint32_t pad0;
};

/*
 * vcpu_start: a vCPU's first register state; it comes online (it runs once
 * the domain is unpaused). Segments are flat 32-bit (code 0x10, data 0x18),
 * as the PVH entry needs: cr0 = PE|ET, paging off, rbx = guest-physical
 * address of hvm_start_info. flags must be 0; -EBUSY if the vCPU is online.
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

/* set_param / get_param: HVM_PARAM_* of hvm.h (-EINVAL beyond HVM_NR_PARAMS). */
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
		struct tern_domctl_vcpuaffinity vcpuaffinity;
		struct tern_domctl_getvcpuinfo getvcpuinfo;
		struct tern_domctl_scheduler_op scheduler_op;
		struct tern_domctl_vcpu_start vcpu_start;
		struct tern_domctl_param param;
		uint8_t pad[TERN_DOMCTL_OP_SIZE];
	} u;
};

#endif
