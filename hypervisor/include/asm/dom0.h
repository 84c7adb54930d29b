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
 * nested page table and its nr_vcpus vCPUs. Returns 0 or a negative errno.
 */
int dom0_build(struct domain *d, const struct hvm_ops *hvm, const struct boot_module *kernel,
	       const struct boot_module *initrd, unsigned int nr_vcpus);

/* Where the boot structures go in dom0's low memory (its own RAM, one-to-one). */
#define DOM0_GDT 0x6000          /* flat code at 0x10, data at 0x18 */
#define DOM0_GDT_LIMIT (4 * 8 - 1)
#define DOM0_ZERO_PAGE 0x7000    /* bzImage: boot_params; PVH: hvm_start_info, modules */
#define DOM0_MEMMAP 0x9000       /* PVH: the memory map */
#define DOM0_CMDLINE 0x8000

void dom0_write_boot_gdt(void);

/* The highest page-aligned place in map's RAM (above 1 MiB) for size bytes
 * below limit, clear of [avoid_start, avoid_end); 0 if there is none. */
uint64_t dom0_place_high(const struct e820_map *map, uint64_t size, uint64_t limit,
			 uint64_t avoid_start, uint64_t avoid_end);

struct elf_pvh_info;
/* Loads a PVH kernel and writes its hvm_start_info (dom0_pvh.c). */
int dom0_pvh_load(const struct elf_pvh_info *elf, const struct e820_map *e820,
		  const struct boot_module *kernel, const struct boot_module *initrd,
		  struct vcpu_start *start);

/* dom0's nested page table (dom0_npt.c): everything one-to-one for a dom0
 * that owns the machine; only its RAM for one that does not. */
int dom0_npt_build(struct domain *d);
int dom0_npt_build_ram_only(struct domain *d);

/*
 * dom0's LAPIC page: dom0 reads it natively, its writes are intercepted
 * (read-only in the nested page table) and carried out by dom0_lapic_write(),
 * which filters the interrupt command register (asm/lapic_guard.h).
 */
extern paddr_t dom0_lapic_base;
void dom0_lapic_write(struct vcpu *v, unsigned int reg, uint32_t val);

/* Whether the planned dom0 owns the machine (a bzImage), not a PVH guest. */
bool dom0_owns_machine(void);

struct percpu;
/*
 * dom0's pCPUs (dom0/dom0_cpus.c). dom0_cpus_decide() (the boot CPU, once
 * the APs are up) gives dom0 pCPUs 0 to n-1, n from dom0_max_vcpus, and
 * returns n; each AP waits in dom0_cpus_ap_main() until then, and then runs
 * domUs, or waits for dom0 to start its vCPU there. dom0_cpu_start() starts
 * it (dom0's STARTUP, vcpu_start.c).
 */
unsigned int dom0_cpus_decide(const struct boot_options *opts, bool owns_machine);
__attribute__((noreturn)) void dom0_cpus_ap_main(struct percpu *cpu);
void dom0_cpu_start(struct vcpu *t, uint8_t vector);

#endif
