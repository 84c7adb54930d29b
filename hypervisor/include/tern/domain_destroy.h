/* Stopping and destroying domUs (common/domain_destroy.c). */
#ifndef TERN_DOMAIN_DESTROY_H
#define TERN_DOMAIN_DESTROY_H

#include <tern/domain.h>

/*
 * One step of destroying d for the toolstack's hypercall on `caller`: 0 when
 * d is gone (d is freed), the step's continuation while there is more to do,
 * -EBUSY if a vCPU of d stayed on a pCPU for seconds (d stays dying; a later
 * destroy tries again).
 */
long domain_destroy(struct vcpu *caller, struct domain *d);

/* Every vCPU, as domain_stop_vcpus()'s vcpus. */
#define ALL_VCPUS (~0ull)

/* Kicks d's vCPUs in vcpus (bit i = vCPU i) off their pCPUs and waits up to
 * wait_ms for them to leave; whether they did. The caller keeps them from
 * running again (dying, paused, offline). */
bool domain_stop_vcpus(struct domain *d, uint64_t vcpus, unsigned int wait_ms);

#endif
