/* The host as sysctl physinfo describes it (xl info). */
#include <asm/cpu.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <tern/control.h>
#include <tern/mm.h>
#include <tern/setup.h>
#include <tern/string.h>

void control_physinfo(struct tern_sysctl_physinfo *pi)
{
	const struct e820_map *map = &boot_info.map;
	struct cpuid_regs l1 = cpuid(1, 0), e1 = cpuid(0x80000001, 0), l7 = cpuid(7, 0);

	memset(pi, 0, sizeof(*pi));
	pi->threads_per_core = 1;
	pi->cores_per_socket = nr_cpus_online;
	pi->nr_cpus = nr_cpus_online;
	pi->max_cpu_id = nr_cpus_online - 1;
	pi->nr_nodes = 1;
	pi->cpu_khz = (uint32_t)tsc_khz;
	pi->capabilities = TERN_PHYSCAP_hvm | TERN_PHYSCAP_hap | TERN_PHYSCAP_directio |
			   TERN_PHYSCAP_gnttab_v1;
	/* All the RAM tern manages: dom0's, its own, the heap and the boot modules. */
	pi->total_pages = (e820_total(map, E820_RAM) + e820_total(map, E820_DOM0) +
			   e820_total(map, E820_HYPERVISOR) + e820_total(map, E820_MODULE)) >> PAGE_SHIFT;
	pi->free_pages = mm_free_pages();
	pi->max_mfn = (MAX(e820_end(map, E820_RAM), e820_end(map, E820_DOM0)) >> PAGE_SHIFT) - 1;
	pi->hw_cap[0] = l1.edx;
	pi->hw_cap[1] = l1.ecx;
	pi->hw_cap[2] = e1.edx;
	pi->hw_cap[3] = e1.ecx;
	pi->hw_cap[4] = cpuid(0xd, 1).eax;
	pi->hw_cap[5] = l7.ebx;
	pi->hw_cap[6] = l7.ecx;
	pi->hw_cap[7] = cpuid(0x80000007, 0).edx;
}
