/*
 * The hypercall layer: what every hypercall handler uses. Handlers take the
 * calling vCPU and their raw arguments, check every argument before touching
 * any state (a bad one returns a negative Xen errno and changes nothing), and
 * return the value the guest sees in rax.
 *
 * Guest handles are guest-virtual addresses, translated through the guest's
 * page tables and its nested page table on each copy; only RAM the
 * hypervisor maps is copied, and only what the guest may write is written.
 */
#ifndef TERN_HYPERCALL_H
#define TERN_HYPERCALL_H

#include <tern/domain.h>

/*
 * Copy between hypervisor memory and the guest's virtual address space.
 * Return 0, or -EFAULT if any byte is not mapped, not RAM, or (copy_to_guest)
 * not writable for the guest (nothing useful copied then).
 */
int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len);
int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len);

/*
 * A guest-virtual range whose page walk is done once (guest_span_init), for
 * handlers that touch one array many times: each read or write by offset
 * then costs one nested-table lookup instead of a walk of the guest's page
 * tables per access, and is still checked against the nested table as
 * copy_from_guest/copy_to_guest are. A range spans at most
 * GUEST_SPAN_PAGES pages; the walk is the guest's as it was at init (a
 * hypercall's view of its own argument array, like a TLB entry).
 */
#define GUEST_SPAN_PAGES 2
struct guest_span {
	struct domain *d;
	uint64_t gva;
	size_t len;
	uint64_t gpa[GUEST_SPAN_PAGES]; /* of each page the range touches */
};
/* 0, -EFAULT (a page not mapped) or -EINVAL (empty, wrapping or too long). */
int guest_span_init(struct vcpu *v, struct guest_span *s, uint64_t gva, size_t len);
/* len bytes at offset off of the range: 0 or -EFAULT, as copy_from/to_guest. */
int guest_span_read(const struct guest_span *s, size_t off, void *dst, size_t len);
int guest_span_write(const struct guest_span *s, size_t off, const void *src, size_t len);

/* One entry per hypercall family (common/hypercall.c dispatches on rax). */
long do_xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg);
long do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf);
long do_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
long do_hvm_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
long do_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpuid, uint64_t arg);
long do_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
long do_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
long do_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t count);
long do_sysctl(struct vcpu *v, uint64_t arg);
long do_domctl(struct vcpu *v, uint64_t arg);
long do_vm_assist(struct vcpu *v, uint64_t cmd, uint64_t type);

/* Fills the guest page at guest-physical msr_value with hypercall stubs;
 * -EINVAL if msr_value is not page aligned, -EFAULT if that page is not RAM
 * the guest may write. */
int hypercall_page_install(struct domain *d, uint64_t msr_value);

/*
 * For a handler that has done a bounded share of a long operation: once it
 * returns, the guest is put back on its hypercall instruction with its first
 * nargs (at most 3) arguments replaced by a0, a1, a2 (what is left to do),
 * so it issues the call again after taking its interrupts; meanwhile it may
 * be descheduled, paused or destroyed. The handler returns what this
 * returns; the guest never sees it. Every continued call is checked again
 * like a new one: the guest may have changed its registers or memory.
 */
long hypercall_continue(struct vcpu *v, unsigned int nargs, uint64_t a0, uint64_t a1,
			uint64_t a2);

/* The largest value an argument of v's current hypercall can carry back. */
uint64_t hypercall_arg_max(const struct vcpu *v);

/* Runs hypercall nr with up to five arguments; -ENOSYS for an unknown nr. */
long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[5]);

#endif
