/* Bringing up the application processors. */
#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <tern/e820.h>

/*
 * Starts every processor the ACPI MADT lists (INIT-SIPI-SIPI through the
 * real-mode trampoline) and waits for each to come online. Returns the number
 * of CPUs online, the boot CPU included.
 */
unsigned int smp_boot_cpus(const struct e820_map *map);

extern unsigned int nr_cpus_online;

#endif
