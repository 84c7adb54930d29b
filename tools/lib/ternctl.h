/*
 * libternctl: what dom0's tools need from the hypervisor, over Linux's
 * /dev/xen/privcmd and /dev/xen/evtchn. Every function returns 0 (or a
 * count) on success and a negative errno on failure; none prints or exits.
 *
 * Hypercall argument buffers are read and written by the hypervisor through
 * dom0's page tables while the hypercall runs, so they must be resident:
 * tc_buf_alloc() gives page-aligned, touched, mlock'ed memory for that.
 */
#ifndef TERN_TOOLS_TERNCTL_H
#define TERN_TOOLS_TERNCTL_H

#include <stddef.h>
#include <stdint.h>

#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/version.h>

#define TC_PRIVCMD_PATH "/dev/xen/privcmd"
#define TC_EVTCHN_PATH "/dev/xen/evtchn"

struct tc_handle {
	int fd; /* /dev/xen/privcmd, -1 when closed */
};

/* Opens /dev/xen/privcmd (path NULL) or path. -errno of open(2). */
int tc_open(struct tc_handle *h, const char *path);
void tc_close(struct tc_handle *h);

/*
 * Issues hypercall op through privcmd. Returns the hypervisor's result (>= 0)
 * or a negative errno (the hypervisor's, or the kernel's if the ioctl failed).
 */
long tc_hypercall(struct tc_handle *h, uint64_t op, uint64_t a0, uint64_t a1,
		  uint64_t a2, uint64_t a3, uint64_t a4);

/* Resident, zeroed, page-aligned memory for hypercall arguments; NULL on failure. */
void *tc_buf_alloc(size_t len);
void tc_buf_free(void *p, size_t len);

/* xen_version, all of it: what `xl info` prints. */
struct tc_version {
	unsigned major, minor;
	char extra[sizeof(xen_extraversion_t) + 1];
	char caps[sizeof(xen_capabilities_info_t) + 1];
	char changeset[sizeof(xen_changeset_info_t) + 1];
	char commandline[sizeof(xen_commandline_t) + 1];
	char compiler[65], compile_by[17], compile_domain[33], compile_date[33];
	char build_id[2 * 64 + 1]; /* hex; empty if the hypervisor has none */
	uint64_t virt_start;
	unsigned long pagesize;
};

/* XENVER_version only: major << 16 | minor, or -errno. */
long tc_version_number(struct tc_handle *h);
/* Fills every field; fails only if XENVER_version fails (others left empty). */
int tc_version_get(struct tc_handle *h, struct tc_version *v);

/* sysctl wrappers. */
int tc_physinfo(struct tc_handle *h, struct tern_sysctl_physinfo *out);
int tc_sched_id(struct tc_handle *h, uint32_t *sched_id);
/* Sends n (at most TERN_SYSCTL_MAX_DEBUG_KEYS) debug keys; their output is in the console ring. */
int tc_debug_keys(struct tc_handle *h, const char *keys, uint32_t n);
/*
 * One readconsole call: copies up to *count bytes into buf (a tc_buf_alloc
 * buffer); on return *count = bytes copied and *index = the next position.
 */
int tc_readconsole(struct tc_handle *h, void *buf, uint32_t *count, int clear,
		   int incremental, uint64_t *index);
/* Domains with id >= first, at most max, into out; returns how many. */
int tc_domain_list(struct tc_handle *h, uint16_t first, uint32_t max,
		   struct tern_domaininfo *out);
/* One domain; -ESRCH if it does not exist. */
int tc_domain_info(struct tc_handle *h, uint16_t domid, struct tern_domaininfo *out);

/* One vCPU's state, run time and affinity; -ENOENT if it does not exist. */
int tc_vcpu_info(struct tc_handle *h, uint16_t domid, uint32_t vcpu,
		 struct tern_domctl_getvcpuinfo *out);
/* Sets a vCPU's hard and/or soft affinity; a holds the maps in effect after. */
int tc_vcpu_affinity(struct tc_handle *h, uint16_t domid, struct tern_domctl_vcpuaffinity *a);
/* The credit scheduler's getinfo / putinfo on a domain (sched_id is filled in). */
int tc_sched_credit(struct tc_handle *h, uint16_t domid, struct tern_domctl_scheduler_op *op);

/* Raw sysctl/domctl: fills in interface_version, copies in and out. */
int tc_sysctl(struct tc_handle *h, struct tern_sysctl *op);
int tc_domctl(struct tc_handle *h, struct tern_domctl *op);

/* Scheduler name for `xl info` (credit, credit2, ...), or "unknown". */
const char *tc_sched_name(uint32_t sched_id);

/*
 * Foreign mapping: maps num frames of domain domid (guest frames gfns[]) into
 * this process. errs[i] gets each frame's 0 or -errno. Returns the address or
 * NULL with errno set; unmap with tc_unmap_foreign().
 */
void *tc_map_foreign(struct tc_handle *h, uint16_t domid, int prot,
		     const uint64_t *gfns, int *errs, unsigned num);
int tc_unmap_foreign(void *addr, unsigned num);

/* Event channels through /dev/xen/evtchn. */
struct tc_evtchn {
	int fd;
};
int tc_evtchn_open(struct tc_evtchn *e);
void tc_evtchn_close(struct tc_evtchn *e);
/* Each bind returns the local port (>= 0) or -errno. */
int tc_evtchn_bind_virq(struct tc_evtchn *e, uint32_t virq);
int tc_evtchn_bind_interdomain(struct tc_evtchn *e, uint32_t domid, uint32_t remote_port);
int tc_evtchn_bind_unbound(struct tc_evtchn *e, uint32_t domid);
int tc_evtchn_unbind(struct tc_evtchn *e, uint32_t port);
int tc_evtchn_notify(struct tc_evtchn *e, uint32_t port);
/* Waits for a pending port (blocking read); returns it, or -errno. */
int tc_evtchn_pending(struct tc_evtchn *e);
/* Re-enables delivery on a port returned by tc_evtchn_pending(). */
int tc_evtchn_unmask(struct tc_evtchn *e, uint32_t port);

/*
 * One read over a connection of its own to the daemon's unix socket
 * ($XENSTORED_PATH or /run/xenstored/socket): path into out (NUL-terminated,
 * truncated to outlen - 1). Returns the value's length, or -errno (-ENOENT if
 * absent, the daemon's error otherwise, -ECONNREFUSED/-ENOENT if no daemon
 * runs).
 */
int tc_xs_read(const char *path, char *out, size_t outlen);
/* The socket path the client uses. */
const char *tc_xs_socket_path(void);
/* Maps a xenstore error name ("ENOENT") to an errno; EINVAL if unknown. */
int tc_xs_errno(const char *name);

/*
 * A xenstore connection for several requests (same socket as tc_xs_read).
 * tx is a transaction id (0: none). Every call returns 0 or -errno (the
 * daemon's error by name, -ECONNREFUSED/-ENOENT from tc_xs_open when no
 * daemon listens). Values and reply buffers are malloc'ed, NUL-terminated;
 * the caller frees them.
 */
struct tc_xs_event;
struct tc_xs {
	int fd;
	uint32_t req_id;
	struct tc_xs_event *events; /* watch events received while waiting */
};
struct iovec;
int tc_xs_open(struct tc_xs *xs);
void tc_xs_close(struct tc_xs *xs);
/* One request of type (XS_*) with the payload parts concatenated. */
int tc_xs_request(struct tc_xs *xs, uint32_t type, uint32_t tx, const struct iovec *parts,
		  unsigned nparts, char **reply, uint32_t *reply_len);
int tc_xs_get(struct tc_xs *xs, uint32_t tx, const char *path, char **value);
/* Reads path into out as tc_xs_read() does (truncated, NUL-terminated; the
 * value's length or -errno), over this connection. */
int tc_xs_get_buf(struct tc_xs *xs, const char *path, char *out, size_t outlen);
int tc_xs_write(struct tc_xs *xs, uint32_t tx, const char *path, const char *value);
int tc_xs_mkdir(struct tc_xs *xs, uint32_t tx, const char *path);
int tc_xs_rm(struct tc_xs *xs, uint32_t tx, const char *path);
/* perms: space-separated entries, owner first: "n0 r5". */
int tc_xs_set_perms(struct tc_xs *xs, uint32_t tx, const char *path, const char *perms);
/* Child names, each NUL-terminated, back to back in *names (*len bytes). */
int tc_xs_directory(struct tc_xs *xs, uint32_t tx, const char *path, char **names,
		    uint32_t *len);
int tc_xs_txn_start(struct tc_xs *xs, uint32_t *tx);
/* commit 0 aborts; -EAGAIN: a conflict, retry the whole transaction. */
int tc_xs_txn_end(struct tc_xs *xs, uint32_t tx, int commit);
int tc_xs_introduce(struct tc_xs *xs, uint32_t domid, uint64_t gfn, uint32_t port);
int tc_xs_release(struct tc_xs *xs, uint32_t domid);
int tc_xs_watch(struct tc_xs *xs, const char *path, const char *token);
int tc_xs_unwatch(struct tc_xs *xs, const char *path, const char *token);
/*
 * The next watch event (timeout_ms < 0: wait forever; -ETIMEDOUT). *path is
 * malloc'ed and *token points into it: free(*path) only.
 */
int tc_xs_wait_event(struct tc_xs *xs, int timeout_ms, char **path, char **token);

/*
 * Forks into the background, starts a session, moves to / and points
 * stdin/out/err at /dev/null. The parent writes the child's pid to pid_file
 * (if given) before it exits, so whoever waited for the parent (systemd's
 * Type=forking, xencommons) finds the file complete; it exits 1 if it cannot.
 * 0 or -errno (in the child).
 */
int tc_daemonize(const char *pid_file);
/* Writes pid to path, one line. 0 or -errno. */
int tc_write_pid_file(const char *path, long pid);

/*
 * Grants through /dev/xen/gntdev: a backend maps the frontend's ring pages
 * (tc_gntdev_map) and moves data with grant copy (tc_gntdev_copy), so that
 * no foreign page is ever handed to a device (docs/design.md).
 */
#define TC_GNTDEV_PATH "/dev/xen/gntdev"
struct tc_gntdev {
	int fd;
};
int tc_gntdev_open(struct tc_gntdev *g);
void tc_gntdev_close(struct tc_gntdev *g);

/* count grants refs[] of domain domid, mapped back to back. */
struct tc_grant_map {
	void *addr;
	uint64_t index;
	unsigned count;
};
/* 0 or -errno; prot is PROT_READ [| PROT_WRITE]. */
int tc_gntdev_map(struct tc_gntdev *g, uint16_t domid, const uint32_t *refs, unsigned count,
		  int prot, struct tc_grant_map *out);
int tc_gntdev_unmap(struct tc_gntdev *g, struct tc_grant_map *m);

/*
 * One grant copy segment: each side is either this process's memory (local,
 * may not cross a page) or a grant of another domain (page offset + len
 * within the granted page). status is the GNTST_* result, 0 = copied.
 */
struct tc_gcopy {
	void *local;           /* this process's buffer */
	uint32_t ref;          /* the foreign grant */
	uint16_t domid;        /* its domain */
	uint16_t offset;       /* within the granted page */
	uint16_t len;
	int to_foreign;        /* 1: local -> grant, 0: grant -> local */
	int16_t status;        /* OUT */
};
/*
 * Runs n copies with as few ioctls as it can (the kernel then batches them
 * into hypercalls). 0 when every segment was tried (see each status), or
 * -errno if the call itself failed (then every status is unknown).
 */
int tc_gntdev_copy(struct tc_gntdev *g, struct tc_gcopy *segs, unsigned n);
/* Room for n descriptors in a growing scratch array (*buf, *cap); NULL if
 * memory ran out (the old array stays). */
struct tc_gcopy *tc_gcopy_room(struct tc_gcopy **buf, unsigned *cap, unsigned n);
/* Whether the n copies at g all succeeded. */
int tc_gcopy_all_ok(const struct tc_gcopy *g, unsigned n);

/*
 * Supervision: runs fn(arg) in a child process and starts it again each
 * time it dies (a signal, or a non-zero exit), at most max_restarts times
 * within window_s seconds. SIGTERM or SIGINT to the supervisor goes to the
 * worker and ends both. The worker's pid goes to worker_pid_file (if set)
 * each time it starts. Returns 0 when the worker exited 0 or was stopped,
 * -ECHILD after giving up, -errno if it cannot fork.
 */
struct tc_supervise_opts {
	const char *name;              /* for messages */
	const char *worker_pid_file;
	unsigned max_restarts, window_s;
	void (*log)(const char *msg);
};
int tc_supervise(const struct tc_supervise_opts *o, int (*fn)(void *arg), void *arg);

#endif
