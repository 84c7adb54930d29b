/*
 * Bookkeeping of batch hypercalls that continue (hypercall_continue()):
 * how much of a batch one call runs and what the rest continues with, and
 * where a memory_op batch resumes (Xen keeps that in the command's bits
 * above MEMOP_EXTENT_SHIFT). Pure: tested on the host.
 */
#ifndef TERN_HYPERCALL_BATCH_H
#define TERN_HYPERCALL_BATCH_H

#include <tern/types.h>

/* One call's share of a batch of entries in guest memory. */
struct batch_step {
	uint64_t n;         /* entries this call runs (at most the step) */
	uint64_t next_addr; /* where the rest starts */
	uint64_t left;      /* entries left for the continuation (0: done) */
};

/*
 * The share of a batch of count entries of size bytes at guest address addr
 * that one call runs, at most step entries. -EFAULT (nothing to run) if the
 * array would wrap around the address space.
 */
int batch_step(uint64_t addr, uint64_t count, size_t size, uint64_t step, struct batch_step *out);

/* The memory_op command that resumes op at entry next. */
uint64_t memop_resume_cmd(unsigned int op, uint64_t next);

/* The entry a memory_op command resumes at. */
uint64_t memop_resume_point(uint64_t cmd);

/* Whether every resume point of a batch of n entries fits in a command
 * register holding at most arg_max (32-bit guests have 32-bit ones). */
bool memop_batch_fits(uint64_t n, uint64_t arg_max);

#endif
