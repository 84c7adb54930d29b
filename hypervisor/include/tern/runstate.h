/*
 * A vCPU's runstate, as Xen keeps it (public/vcpu.h): the RUNSTATE_* it is
 * in, since when (system time), and the time it has spent in each. Guests
 * read it for steal time (runnable + offline), the toolstack for a vCPU's
 * run time. Pure accounting over a clock the caller supplies
 * (common/runstate.c, unit-tested); common/sched.c keeps every domU vCPU's
 * up to date at each change and shows it to the guest.
 */
#ifndef TERN_RUNSTATE_H
#define TERN_RUNSTATE_H

#include <public/vcpu.h>
#include <tern/types.h>

struct vcpu;

/* A new vCPU's: offline since now, no time anywhere. */
void runstate_init(struct vcpu_runstate_info *rs, uint64_t now);

/*
 * The state v is in by its flags: running on a pCPU; offline if not started,
 * gone offline, or its domain is paused, shut down or dying; blocked waiting
 * for an event; runnable otherwise (waiting for a pCPU).
 */
int runstate_of(const struct vcpu *v);

/* Moves rs to state at now: the time since it entered its present state is
 * added to that state's. A clock that went back (another CPU's reading a
 * little behind) adds nothing. The same state again changes nothing. */
void runstate_change(struct vcpu_runstate_info *rs, int state, uint64_t now);

/* rs as of now: its present state's time includes the time since entry. */
void runstate_read(const struct vcpu_runstate_info *rs, uint64_t now,
		   struct vcpu_runstate_info *out);

/*
 * A live vCPU's (common/vcpu_runstate.c). Every change of a flag that
 * runstate_of() reads is followed by vcpu_runstate_update(v), from any CPU
 * (runstate_lock is innermost: nothing else is taken under it).
 */
struct domain;
void vcpu_runstate_update(struct vcpu *v);
void vcpu_runstate_domain(struct domain *d);
/* Its time running, up to now (ns). */
uint64_t vcpu_run_time(struct vcpu *v);
/* Writes it into the guest's area, if it registered one; the caller keeps
 * writers of one vCPU's area in order (the scheduler's lock). */
void vcpu_runstate_publish(struct vcpu *v);
/* VCPUOP_register_runstate_memory_area and VCPUOP_get_runstate_info. */
long vcpu_runstate_register(struct vcpu *caller, struct vcpu *v, uint64_t arg);
long vcpu_runstate_get(struct vcpu *caller, struct vcpu *v, uint64_t arg);

#endif
