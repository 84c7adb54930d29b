/* Building and guarding dom0. */
#ifndef ASM_DOM0_H
#define ASM_DOM0_H

#include <tern/domain.h>
#include <tern/setup.h>

/*
 * Chooses dom0's RAM (marked E820_DOM0 in host) before the page allocator
 * takes the rest; checks the kernel module is a bzImage it can start.
 * Returns 0 or a negative errno, after saying why on the console.
 */
int dom0_plan(struct e820_map *host, const struct boot_module *kernel, const struct boot_options *opts);

/*
 * Loads the kernel, initrd and zero page into dom0's memory, builds its
 * nested page table and its vCPU. Returns 0 or a negative errno.
 */
int dom0_build(struct domain *d, const struct hvm_ops *hvm, const struct boot_module *kernel,
	       const struct boot_module *initrd);

/* dom0's nested page table (dom0_npt.c). */
int dom0_npt_build(struct domain *d);

/*
 * dom0's LAPIC page: dom0 reads it natively, its writes are intercepted
 * (read-only in the nested page table) and carried out by dom0_lapic_write(),
 * which filters the interrupt command register (asm/lapic_guard.h).
 */
extern paddr_t dom0_lapic_base;
void dom0_lapic_write(unsigned int reg, uint32_t val);

#endif
