/*
 * The ioctl interface of Linux's /dev/xen/privcmd, evtchn and gntdev, as
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

/* gntdev: map count grants; the mapping is then mmap()ed at offset index. */
struct ioctl_gntdev_grant_ref {
	uint32_t domid;
	uint32_t ref;
};
struct ioctl_gntdev_map_grant_ref {
	uint32_t count;
	uint32_t pad;
	uint64_t index; /* OUT */
	struct ioctl_gntdev_grant_ref refs[1]; /* count of them */
};
struct ioctl_gntdev_unmap_grant_ref {
	uint64_t index;
	uint32_t count;
	uint32_t pad;
};

/* gntdev: grant copy; each segment has a local address or a foreign grant
 * on each side (GNTCOPY_source_gref / GNTCOPY_dest_gref in flags). */
struct gntdev_grant_copy_segment {
	union {
		void *virt;
		struct {
			uint32_t ref;
			uint16_t offset;
			uint16_t domid;
		} foreign;
	} source, dest;
	uint16_t len;
	uint16_t flags;
	int16_t status; /* OUT: GNTST_* */
};
struct ioctl_gntdev_grant_copy {
	unsigned int count;
	struct gntdev_grant_copy_segment *segments;
};

#define IOCTL_GNTDEV_MAP_GRANT_REF _IOC(_IOC_NONE, 'G', 0, sizeof(struct ioctl_gntdev_map_grant_ref))
#define IOCTL_GNTDEV_UNMAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 1, sizeof(struct ioctl_gntdev_unmap_grant_ref))
#define IOCTL_GNTDEV_GRANT_COPY _IOC(_IOC_NONE, 'G', 8, sizeof(struct ioctl_gntdev_grant_copy))

_Static_assert(sizeof(struct ioctl_gntdev_map_grant_ref) == 24, "gntdev map");
_Static_assert(sizeof(struct ioctl_gntdev_unmap_grant_ref) == 16, "gntdev unmap");
_Static_assert(sizeof(struct gntdev_grant_copy_segment) == 24, "gntdev copy segment");
_Static_assert(offsetof(struct gntdev_grant_copy_segment, len) == 16, "copy len");
_Static_assert(offsetof(struct gntdev_grant_copy_segment, status) == 20, "copy status");
_Static_assert(sizeof(struct ioctl_gntdev_grant_copy) == 16, "gntdev copy");

#endif
