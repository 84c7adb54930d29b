/* Ticket spinlocks: fair between CPUs, which matters for the console lock. */
#ifndef ASM_SPINLOCK_H
#define ASM_SPINLOCK_H

#include <asm/cpu.h>

struct spinlock {
	volatile uint16_t owner;
	volatile uint16_t next;
};

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(struct spinlock *l)
{
	uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

#endif
