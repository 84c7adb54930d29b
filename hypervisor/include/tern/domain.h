/* Domains: dom0 now; domUs join them later. */
#ifndef TERN_DOMAIN_H
#define TERN_DOMAIN_H

#include <asm/hvm.h>

typedef uint16_t domid_t;

struct domain {
	domid_t id;
	const char *name;
	paddr_t npt_root;      /* nested page table (guest-physical -> host-physical) */
	paddr_t iopm_pa;       /* I/O permission map, 12 KiB */
	paddr_t msrpm_pa;      /* MSR permission map, 8 KiB */
	uint32_t asid;
	bool is_privileged;
	struct vcpu vcpu0;
};

/* Copies guest-physical memory through the domain's nested page table;
 * -EFAULT if any of it is not mapped. */
int domain_read_gpa(struct domain *d, uint64_t gpa, void *buf, size_t len);

/*
 * Stops a domain after a fatal guest error (triple fault, unhandled exit).
 * For dom0 this reboots the machine (or halts with noreboot), as Xen does.
 */
__attribute__((noreturn)) void domain_crash(struct domain *d, const char *why);

#endif
