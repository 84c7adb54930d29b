/*
 * The ioctl interface of Linux's /dev/xen/privcmd and /dev/xen/evtchn, as
 * the kernel defines it (numbers and layouts are the kernel's uapi, x86-64;
 * the definitions are written here so the tools need no kernel headers).
 */
#ifndef TERN_TOOLS_PRIVCMD_DEV_H
#define TERN_TOOLS_PRIVCMD_DEV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

/* privcmd: one hypercall with up to five arguments, run by the kernel. */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};

/*
 * privcmd: map num frames of domain dom at user address addr, which must be
 * an mmap() of the privcmd file. arr[i] is the foreign guest frame; err[i]
 * receives 0 or a negative errno per frame.
 */
struct privcmd_mmapbatch_v2 {
	uint32_t num;
	uint16_t dom;
	uint16_t pad0;
	uint64_t addr;
	const uint64_t *arr;
	int *err;
};

#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))
#define IOCTL_PRIVCMD_MMAPBATCH_V2 _IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))

/* evtchn: each ioctl's argument; bind ioctls return the new local port. */
struct ioctl_evtchn_bind_virq {
	uint32_t virq;
};
struct ioctl_evtchn_bind_interdomain {
	uint32_t remote_domain;
	uint32_t remote_port;
};
struct ioctl_evtchn_bind_unbound_port {
	uint32_t remote_domain;
};
struct ioctl_evtchn_port {
	uint32_t port; /* for UNBIND and NOTIFY */
};

#define IOCTL_EVTCHN_BIND_VIRQ _IOC(_IOC_NONE, 'E', 0, sizeof(struct ioctl_evtchn_bind_virq))
#define IOCTL_EVTCHN_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct ioctl_evtchn_bind_interdomain))
#define IOCTL_EVTCHN_BIND_UNBOUND_PORT \
	_IOC(_IOC_NONE, 'E', 2, sizeof(struct ioctl_evtchn_bind_unbound_port))
#define IOCTL_EVTCHN_UNBIND _IOC(_IOC_NONE, 'E', 3, sizeof(struct ioctl_evtchn_port))
#define IOCTL_EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(struct ioctl_evtchn_port))
#define IOCTL_EVTCHN_RESET _IOC(_IOC_NONE, 'E', 5, 0)

_Static_assert(sizeof(struct privcmd_hypercall) == 48, "privcmd_hypercall");
_Static_assert(sizeof(struct privcmd_mmapbatch_v2) == 32, "mmapbatch_v2");
_Static_assert(offsetof(struct privcmd_mmapbatch_v2, addr) == 8, "mmapbatch addr");

#endif
