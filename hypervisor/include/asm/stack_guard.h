/* Guard pages under the CPUs' stacks (arch/x86/stack_guard.c). */
#ifndef ASM_STACK_GUARD_H
#define ASM_STACK_GUARD_H

#include <tern/types.h>

struct percpu;

/* Unmaps the page below cpu's stack (stack_bottom must be set): 0 or -errno. */
int stack_guard_install(const struct percpu *cpu);

/* A stack of STACK_SIZE bytes with a page below it that is free to be its
 * guard (stack_guard_install()); returns its bottom, or NULL. */
void *stack_alloc_guarded(void);

/* Whether addr is in cpu's guard page: its stack overflowed. */
bool stack_guard_hit(const struct percpu *cpu, uint64_t addr);

#endif
