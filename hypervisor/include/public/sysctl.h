/*
 * tern's system control interface: hypercall 35 (__HYPERVISOR_sysctl), dom0 only.
 *
 * These are tern's own structures, not Xen's: only the hypercall number is
 * shared. Xen's xl/libxc will not work against them (their interface_version
 * differs, so they get -EACCES); tern's tools in tools/lib use them.
 *
 * Ops (cmd):
 *   TERN_SYSCTL_readconsole       1  read (and optionally clear) the console ring
 *   TERN_SYSCTL_physinfo          3  CPUs, memory, capabilities of the host
 *   TERN_SYSCTL_sched_id          4  which scheduler runs (credit)
 *   TERN_SYSCTL_getdomaininfolist 6  state of the domains, in domain id order
 *   TERN_SYSCTL_debug_keys        7  run debug keys (state dumps to the console)
 *
 * Calling convention: hypercall(35, arg) where arg is the guest-virtual address
 * of one struct tern_sysctl (144 bytes). The hypervisor copies the whole struct
 * in, checks it, performs the op and copies the whole struct back out (OUT
 * fields updated). The hypercall returns 0 or a negative Xen errno:
 *   -EPERM   caller is not dom0 (the privileged, initial domain)
 *   -EFAULT  arg, or a buffer address inside the op, is not readable/writable
 *   -EACCES  interface_version != TERN_SYSCTL_INTERFACE_VERSION
 *   -ENOSYS  unknown cmd
 *   -EINVAL  a reserved/padding field is not zero, or an IN field is out of range
 * Nothing changes in the hypervisor when an error is returned (except that
 * readconsole may already have copied some bytes into its buffer).
 * Every pad/reserved field and sysctl.domain must be zero.
 *
 * Buffers named by an op are guest-virtual addresses (uint64_t), in the
 * caller's address space; from dom0 user space they reach the hypervisor
 * unchanged through /dev/xen/privcmd, so they must be resident (touched or
 * mlock'ed) when the hypercall runs.
 *
 * Layout checks: hypervisor/common/public_layout.c.
 */
#ifndef TERN_PUBLIC_SYSCTL_H
#define TERN_PUBLIC_SYSCTL_H

#include <stdint.h>

#define TERN_SYSCTL_INTERFACE_VERSION 1

#define TERN_SYSCTL_readconsole 1
#define TERN_SYSCTL_physinfo 3
#define TERN_SYSCTL_sched_id 4
#define TERN_SYSCTL_getdomaininfolist 6
#define TERN_SYSCTL_debug_keys 7

/*
 * readconsole: copy bytes of the hypervisor console ring into buffer.
 * Positions are byte counts of all console output since boot (64-bit, never
 * wrap). The ring keeps the most recent bytes only.
 *   incremental = 0: start at the oldest byte still held (index is ignored).
 *   incremental = 1: start at index, moved forward to the oldest byte still
 *                    held if it is older than that (text was overwritten).
 *   clear = 1:       after the copy, forget everything written so far (the
 *                    oldest held byte becomes the current end), whether or
 *                    not it all fitted in buffer.  (`xl dmesg -c`)
 * OUT: count = bytes copied (0 = nothing more), index = position after the
 * last byte copied. A reader loops with incremental = 1 until count is 0.
 * -EINVAL if clear or incremental is not 0/1. count may be 0 (only clears).
 */
struct tern_sysctl_readconsole {
	uint8_t clear;       /* IN */
	uint8_t incremental; /* IN */
	uint16_t pad0;
	uint32_t count;      /* IN: size of buffer in bytes; OUT: bytes copied */
	uint64_t buffer;     /* IN: guest-virtual address of count bytes */
	uint64_t index;      /* IN (if incremental) / OUT: ring position */
};

/*
 * physinfo: the host as tern sees it. All OUT. Page counts are 4 KiB pages of
 * the host (total = RAM tern manages, free = not given to any domain).
 */
#define TERN_PHYSCAP_hvm (1u << 0)       /* HVM/PVH guests can run */
#define TERN_PHYSCAP_pv (1u << 1)        /* classic PV guests (tern: never) */
#define TERN_PHYSCAP_hap (1u << 2)       /* nested paging (NPT/EPT) */
#define TERN_PHYSCAP_shadow (1u << 3)
#define TERN_PHYSCAP_iommu_hap_pt_share (1u << 4)
#define TERN_PHYSCAP_vmtrace (1u << 5)
#define TERN_PHYSCAP_vpmu (1u << 6)
#define TERN_PHYSCAP_gnttab_v1 (1u << 7)
#define TERN_PHYSCAP_gnttab_v2 (1u << 8)
#define TERN_PHYSCAP_directio (1u << 9)  /* passthrough devices (dom0's) */

struct tern_sysctl_physinfo {
	uint32_t threads_per_core;
	uint32_t cores_per_socket;
	uint32_t nr_cpus;         /* online pCPUs */
	uint32_t max_cpu_id;      /* highest pCPU number */
	uint32_t nr_nodes;        /* NUMA nodes (1 until tern knows NUMA) */
	uint32_t max_node_id;
	uint32_t cpu_khz;         /* calibrated TSC frequency */
	uint32_t capabilities;    /* TERN_PHYSCAP_* */
	uint64_t total_pages;
	uint64_t free_pages;
	uint64_t scrub_pages;     /* free but not yet scrubbed (0 if tern scrubs at once) */
	uint64_t outstanding_pages; /* claimed, not yet allocated (0: no claims) */
	uint64_t max_mfn;         /* highest host frame number of RAM */
	uint32_t hw_cap[8];       /* CPUID words as `xl info` hw_caps prints them:
	                           * 1.edx 1.ecx 0x80000001.edx 0x80000001.ecx
	                           * 0xd.1.eax 7.0.ebx 7.0.ecx 0x80000007.edx */
};

/* sched_id: OUT sched_id, one of TERN_SCHEDULER_* (Xen's numbering). */
#define TERN_SCHEDULER_credit 5
#define TERN_SCHEDULER_credit2 6
#define TERN_SCHEDULER_rtds 8
#define TERN_SCHEDULER_null 9
struct tern_sysctl_sched_id {
	uint32_t sched_id; /* OUT */
	uint32_t pad0;
};

/*
 * One domain's state, used by getdomaininfolist and domctl getdomaininfo.
 * flags: TERN_DOMINF_*. shutdown_reason is valid when TERN_DOMINF_shutdown is
 * set (SHUTDOWN_* of sched.h: 0 poweroff, 1 reboot, 2 suspend, 3 crash,
 * 4 watchdog, 5 soft_reset). cpu_time: ns all its vCPUs have run.
 * max_vcpu_id: highest vCPU number that exists (vCPUs = max_vcpu_id + 1).
 */
#define TERN_DOMINF_dying (1u << 0)      /* being destroyed */
#define TERN_DOMINF_hvm_guest (1u << 1)  /* HVM or PVH container (all tern domains) */
#define TERN_DOMINF_shutdown (1u << 2)   /* SCHEDOP_shutdown done, not yet dying */
#define TERN_DOMINF_paused (1u << 3)     /* paused by the toolstack */
#define TERN_DOMINF_blocked (1u << 4)    /* all online vCPUs blocked */
#define TERN_DOMINF_running (1u << 5)    /* some vCPU is on a pCPU now */
#define TERN_DOMINF_privileged (1u << 6) /* dom0: may issue sysctl/domctl */

struct tern_domaininfo {
	uint16_t domain;
	uint8_t shutdown_reason;
	uint8_t pad0;
	uint32_t flags;
	uint64_t tot_pages;         /* pages the domain has now */
	uint64_t max_pages;         /* its limit */
	uint64_t outstanding_pages; /* claimed, not yet allocated */
	uint64_t shared_info_frame; /* guest frame of shared_info, ~0 if not mapped */
	uint64_t cpu_time;
	uint32_t nr_online_vcpus;
	uint32_t max_vcpu_id;
	uint32_t ssidref;           /* security label (0: none) */
	uint32_t cpupool;           /* 0: Pool-0 */
	uint8_t handle[16];         /* the domain's UUID, as given at creation */
};

/*
 * getdomaininfolist: fill buffer with the domains whose id >= first_domain,
 * in increasing id order, at most max_domains of them. Idle and system
 * domains (DOMID_FIRST_RESERVED and above) are never listed.
 * OUT: num_domains = entries written (0 when none is left).
 * -EINVAL if max_domains > TERN_SYSCTL_MAX_DOMAINS.
 */
#define TERN_SYSCTL_MAX_DOMAINS 1024
struct tern_sysctl_getdomaininfolist {
	uint16_t first_domain; /* IN */
	uint16_t pad0;
	uint32_t max_domains;  /* IN: entries buffer holds */
	uint64_t buffer;       /* IN: guest-virtual address of struct tern_domaininfo[max_domains] */
	uint32_t num_domains;  /* OUT */
	uint32_t pad1;
};

/*
 * debug_keys: handle each key as Xen's debug keys (`xl debug-keys`); what
 * they print goes to the hypervisor console (`xl dmesg`). 'h' lists them.
 * -EINVAL if nr_keys > TERN_SYSCTL_MAX_DEBUG_KEYS; unknown keys are named
 * on the console and otherwise ignored.
 */
#define TERN_SYSCTL_MAX_DEBUG_KEYS 64
struct tern_sysctl_debug_keys {
	uint64_t keys;    /* IN: guest-virtual address of nr_keys bytes */
	uint32_t nr_keys; /* IN */
	uint32_t pad0;
};

#define TERN_SYSCTL_OP_SIZE 128
struct tern_sysctl {
	uint32_t cmd;               /* TERN_SYSCTL_* */
	uint32_t interface_version; /* TERN_SYSCTL_INTERFACE_VERSION */
	uint16_t domain;            /* unused by sysctl: must be 0 */
	uint16_t pad0[3];
	union {
		struct tern_sysctl_readconsole readconsole;
		struct tern_sysctl_physinfo physinfo;
		struct tern_sysctl_sched_id sched_id;
		struct tern_sysctl_getdomaininfolist getdomaininfolist;
		struct tern_sysctl_debug_keys debug_keys;
		uint8_t pad[TERN_SYSCTL_OP_SIZE];
	} u;
};

#endif
