/*
 * The hypercall layer: what every hypercall handler uses. Handlers take the
 * calling vCPU and their raw arguments, check every argument before touching
 * any state (a bad one returns a negative Xen errno and changes nothing), and
 * return the value the guest sees in rax.
 *
 * Guest handles are guest-virtual addresses, translated through the guest's
 * page tables and its nested page table on each copy.
 */
#ifndef TERN_HYPERCALL_H
#define TERN_HYPERCALL_H

#include <tern/domain.h>

/*
 * Copy between hypervisor memory and the guest's virtual address space.
 * Return 0, or -EFAULT if any byte is not mapped (nothing useful copied then).
 */
int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len);
int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len);

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

/* Fills the guest page at guest-physical msr_value with hypercall stubs;
 * -EINVAL if that is not a page of the guest's. */
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
