/*
 * Building a PVH domain (docs/pvh-boot.md) through struct
 * dombuild_ops.
 *
 * Guest physical layout, for memory = M bytes:
 *
 *   0 .. 0xA0000           RAM (Linux puts its real-mode trampoline here)
 *   0xA0000 .. 0xFF000     reserved in the memmap, but backed by zeroed RAM:
 *                          Linux may scan it for MP tables
 *   0xFF000 .. 0x100000    the ACPI tables (memmap type ACPI), RSDP first
 *   0x100000 .. M - 8K     RAM: the kernel at its p_paddr, then the
 *                          start_info page (hvm_start_info, modlist, memmap,
 *                          command line), then the ramdisk, page aligned
 *   M - 8K                 console ring page   } reserved, zeroed; their pfns
 *   M - 4K                 xenstore ring page  } are HVM params
 *
 * All of [0, M) is populated, with 2 MiB extents where aligned. The
 * hypervisor hands out scrubbed pages, so only what the builder writes is
 * written (and the bss and ring pages, explicitly zeroed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/hvm.h>

#include "dombuild.h"

#define MIB (1ull << 20)
#define PAGE_UP(x) (((x) + DOMBUILD_PAGE - 1) & ~(DOMBUILD_PAGE - 1))
#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3
/* Pages mapped into dom0 at once while loading. */
#define MAP_CHUNK 512u
/* Extents per populate_physmap call. */
#define POPULATE_BATCH 512u

static void memmap_add(struct dombuild_layout *l, uint64_t addr, uint64_t size, uint32_t type)
{
	struct hvm_memmap_table_entry *e = &l->memmap[l->nmemmap++];

	e->addr = addr;
	e->size = size;
	e->type = type;
	e->reserved = 0;
}

int dombuild_plan(struct dombuild_layout *l, uint64_t mem, const struct dombuild_kernel *k,
		  uint64_t ramdisk_size, size_t cmdline_len, char *err, size_t errlen)
{
	uint64_t top, next;

	memset(l, 0, sizeof(*l));
	l->mem = mem;
	if (mem < 2 * MIB || mem % DOMBUILD_PAGE) {
		snprintf(err, errlen, "memory must be at least 2 MiB (is %llu KiB)",
			 (unsigned long long)(mem >> 10));
		return -ENOSPC;
	}
	if (cmdline_len > DOMBUILD_CMDLINE_MAX) {
		snprintf(err, errlen, "the command line is %zu characters; PVH allows %d",
			 cmdline_len, DOMBUILD_CMDLINE_MAX);
		return -ENOSPC;
	}
	top = mem - 2 * DOMBUILD_PAGE;
	l->console_pfn = top / DOMBUILD_PAGE;
	l->store_pfn = l->console_pfn + 1;
	if (k->elf.lowest < MIB) {
		snprintf(err, errlen, "the kernel loads at 0x%llx, below 1 MiB; PVH kernels load "
			 "at 1 MiB or above", (unsigned long long)k->elf.lowest);
		return -ENOSPC;
	}
	next = PAGE_UP(k->elf.highest);
	if (next + DOMBUILD_PAGE > top) {
		snprintf(err, errlen, "the kernel needs memory up to %llu MiB, but memory is "
			 "%llu MiB: increase memory=",
			 (unsigned long long)((next + DOMBUILD_PAGE + 2 * DOMBUILD_PAGE + MIB - 1) / MIB),
			 (unsigned long long)(mem / MIB));
		return -ENOSPC;
	}
	l->start_info = next;
	next += DOMBUILD_PAGE;
	if (ramdisk_size) {
		if (ramdisk_size > top - next) {
			snprintf(err, errlen, "the ramdisk (%llu KiB) does not fit in memory: "
				 "%llu KiB are free after the kernel in %llu MiB; increase memory=",
				 (unsigned long long)(ramdisk_size >> 10),
				 (unsigned long long)((top - next) >> 10),
				 (unsigned long long)(mem / MIB));
			return -ENOSPC;
		}
		l->ramdisk = next;
		l->ramdisk_size = ramdisk_size;
	}
	l->acpi = DOMBUILD_ACPI_BASE;
	memmap_add(l, 0, 0xA0000, E820_RAM);
	memmap_add(l, 0xA0000, l->acpi - 0xA0000, E820_RESERVED);
	memmap_add(l, l->acpi, DOMBUILD_ACPI_SIZE, E820_ACPI);
	memmap_add(l, MIB, top - MIB, E820_RAM);
	memmap_add(l, top, 2 * DOMBUILD_PAGE, E820_RESERVED);
	return 0;
}

/* 2 MiB extents where a whole aligned one fits, else 4 KiB. */
static unsigned extent_order(uint64_t pfn, uint64_t end)
{
	return pfn % 512 == 0 && end - pfn >= 512 ? 9 : 0;
}

/* Populates [0, mem) in batches of extents of one order. */
static int populate(const struct dombuild_ops *ops, uint16_t domid, uint64_t mem, char *err,
		    size_t errlen)
{
	uint64_t *gfns = malloc(POPULATE_BATCH * sizeof(*gfns));
	uint64_t pfn = 0, end = mem / DOMBUILD_PAGE;
	int rc = 0;

	if (!gfns)
		return -ENOMEM;
	while (pfn < end) {
		unsigned order = extent_order(pfn, end), n = 0;
		long done;

		while (n < POPULATE_BATCH && pfn < end && extent_order(pfn, end) == order) {
			gfns[n++] = pfn;
			pfn += 1ull << order;
		}
		done = ops->populate(ops->priv, domid, order, gfns, n);
		if (done < 0 || (unsigned long)done < n) {
			uint64_t got = (gfns[0] + (done > 0 ? (uint64_t)done << order : 0)) *
				       DOMBUILD_PAGE;

			rc = done < 0 ? (int)done : -ENOMEM;
			snprintf(err, errlen, "could not give the domain its memory: %llu of %llu MiB "
				 "populated (%s); is there enough free memory (xl info)?",
				 (unsigned long long)(got / MIB), (unsigned long long)(mem / MIB),
				 strerror(-rc));
			break;
		}
	}
	free(gfns);
	return rc;
}

/*
 * Copies len bytes of src (NULL: zeros) to guest address gpa, then zeroes
 * up to gpa + total. Maps at most MAP_CHUNK pages at a time.
 */
static int guest_write(const struct dombuild_ops *ops, uint16_t domid, uint64_t gpa,
		       const uint8_t *src, uint64_t len, uint64_t total, char *err, size_t errlen)
{
	uint64_t first = gpa / DOMBUILD_PAGE, last = (gpa + total + DOMBUILD_PAGE - 1) /
						     DOMBUILD_PAGE;

	while (first < last) {
		unsigned n = last - first > MAP_CHUNK ? MAP_CHUNK : (unsigned)(last - first);
		uint64_t base = first * DOMBUILD_PAGE, lo, hi;
		uint8_t *p = ops->map(ops->priv, domid, first, n);

		if (!p) {
			int rc = errno ? -errno : -EIO;

			snprintf(err, errlen, "cannot map the domain's memory at 0x%llx: %s",
				 (unsigned long long)base, strerror(-rc));
			return rc;
		}
		/* The part of [gpa, gpa + total) inside this chunk. */
		lo = gpa > base ? gpa : base;
		hi = gpa + total < base + (uint64_t)n * DOMBUILD_PAGE ? gpa + total :
		     base + (uint64_t)n * DOMBUILD_PAGE;
		for (uint64_t a = lo; a < hi; ) {
			uint64_t off = a - gpa, span = hi - a;

			if (src && off < len) {
				span = len - off < span ? len - off : span;
				memcpy(p + (a - base), src + off, span);
			} else {
				memset(p + (a - base), 0, span);
			}
			a += span;
		}
		ops->unmap(ops->priv, p, n);
		first += n;
	}
	return 0;
}

/* The start_info page: hvm_start_info, modlist, memmap and command line. */
static void fill_start_info(uint8_t *page, const struct dombuild_layout *l, const char *cmdline)
{
	struct hvm_start_info *si = (struct hvm_start_info *)page;
	struct hvm_modlist_entry *mod = (struct hvm_modlist_entry *)(page + DOMBUILD_SI_MODLIST);

	memset(page, 0, DOMBUILD_PAGE);
	si->magic = XEN_HVM_START_MAGIC_VALUE;
	si->version = 1;
	si->flags = 0; /* a domU: no SIF_INITDOMAIN, no SIF_PRIVILEGED */
	if (l->ramdisk_size) {
		si->nr_modules = 1;
		si->modlist_paddr = l->start_info + DOMBUILD_SI_MODLIST;
		mod->paddr = l->ramdisk;
		mod->size = l->ramdisk_size;
	}
	if (cmdline && *cmdline) {
		strcpy((char *)page + DOMBUILD_SI_CMDLINE, cmdline);
		si->cmdline_paddr = l->start_info + DOMBUILD_SI_CMDLINE;
	}
	si->rsdp_paddr = l->acpi;
	memcpy(page + DOMBUILD_SI_MEMMAP, l->memmap, l->nmemmap * sizeof(l->memmap[0]));
	si->memmap_paddr = l->start_info + DOMBUILD_SI_MEMMAP;
	si->memmap_entries = l->nmemmap;
}

_Static_assert(sizeof(struct hvm_start_info) <= DOMBUILD_SI_MODLIST, "start_info fits");
_Static_assert(DOMBUILD_SI_MEMMAP + DOMBUILD_MAX_MEMMAP * sizeof(struct hvm_memmap_table_entry)
	       <= DOMBUILD_SI_CMDLINE, "memmap fits");
_Static_assert(DOMBUILD_SI_CMDLINE + DOMBUILD_CMDLINE_MAX + 1 <= DOMBUILD_PAGE, "cmdline fits");

static int load(const struct dombuild_ops *ops, const struct xlcfg_domain *cfg,
		const struct dombuild_kernel *k, const uint8_t *ramdisk,
		struct dombuild_result *res, char *err, size_t errlen)
{
	const struct dombuild_layout *l = &res->layout;
	uint16_t domid = res->domid;
	uint8_t *page;
	int rc = 0;

	for (unsigned i = 0; i < k->elf.nr_segments && rc == 0; i++) {
		const struct elf_pvh_segment *seg = &k->elf.segment[i];

		rc = guest_write(ops, domid, seg->paddr, k->image + seg->offset, seg->filesz,
				 seg->memsz, err, errlen);
	}
	if (rc == 0 && l->ramdisk_size)
		rc = guest_write(ops, domid, l->ramdisk, ramdisk, l->ramdisk_size, l->ramdisk_size,
				 err, errlen);
	/* The two ring pages start zeroed: the rings' indices and flags at 0. */
	if (rc == 0)
		rc = guest_write(ops, domid, l->console_pfn * DOMBUILD_PAGE, NULL, 0,
				 2 * DOMBUILD_PAGE, err, errlen);
	if (rc)
		return rc;
	page = malloc(DOMBUILD_PAGE);
	if (!page)
		return -ENOMEM;
	_Static_assert(DOMBUILD_ACPI_SIZE <= DOMBUILD_PAGE, "the ACPI tables fit one page");
	rc = dombuild_acpi_build(page, DOMBUILD_ACPI_SIZE, l->acpi, cfg->maxvcpus, err, errlen);
	if (rc == 0)
		rc = guest_write(ops, domid, l->acpi, page, DOMBUILD_ACPI_SIZE, DOMBUILD_ACPI_SIZE,
				 err, errlen);
	if (rc == 0) {
		fill_start_info(page, l, cfg->cmdline);
		rc = guest_write(ops, domid, l->start_info, page, DOMBUILD_PAGE, DOMBUILD_PAGE,
				 err, errlen);
	}
	free(page);
	return rc;
}

static int rings(const struct dombuild_ops *ops, struct dombuild_result *res, char *err,
		 size_t errlen)
{
	uint16_t domid = res->domid;
	int rc;

	rc = ops->alloc_unbound(ops->priv, domid, 0, &res->console_port);
	if (rc == 0)
		rc = ops->alloc_unbound(ops->priv, domid, 0, &res->store_port);
	if (rc) {
		snprintf(err, errlen, "cannot allocate the console/xenstore event channels "
			 "(EVTCHNOP_alloc_unbound): %s", strerror(-rc));
		return rc;
	}
	rc = ops->set_param(ops->priv, domid, HVM_PARAM_CONSOLE_PFN, res->layout.console_pfn);
	if (rc == 0)
		rc = ops->set_param(ops->priv, domid, HVM_PARAM_CONSOLE_EVTCHN, res->console_port);
	if (rc == 0)
		rc = ops->set_param(ops->priv, domid, HVM_PARAM_STORE_PFN, res->layout.store_pfn);
	if (rc == 0)
		rc = ops->set_param(ops->priv, domid, HVM_PARAM_STORE_EVTCHN, res->store_port);
	if (rc)
		snprintf(err, errlen, "cannot set the domain's HVM params (domctl set_param): %s",
			 strerror(-rc));
	return rc;
}

static int vcpus(const struct dombuild_ops *ops, const struct xlcfg_domain *cfg,
		 struct dombuild_result *res, char *err, size_t errlen)
{
	struct tern_domctl_vcpu_start st;
	int rc;

	uint32_t flags = (cfg->ncpumaps ? TERN_VCPUAFFINITY_hard : 0) |
			 (cfg->ncpumaps_soft ? TERN_VCPUAFFINITY_soft : 0);

	for (unsigned v = 0; v < cfg->maxvcpus && flags; v++) {
		rc = ops->set_affinity(ops->priv, res->domid, v, flags,
				       xlcfg_vcpu_cpumap(cfg->ncpumaps, cfg->cpumaps, v),
				       xlcfg_vcpu_cpumap(cfg->ncpumaps_soft, cfg->cpumaps_soft, v));
		if (rc) {
			snprintf(err, errlen, "cannot set vCPU %u's affinity (cpus=): %s%s", v,
				 strerror(-rc), rc == -EINVAL ? " (no usable pCPU in the map: "
				 "dom0's pCPU is not used for guests)" : "");
			return rc;
		}
	}
	rc = ops->set_sched(ops->priv, res->domid, cfg->cpu_weight, cfg->cap);
	if (rc) {
		snprintf(err, errlen, "cannot set cpu_weight=%u cap=%u (domctl scheduler_op): %s",
			 cfg->cpu_weight, cfg->cap, strerror(-rc));
		return rc;
	}
	memset(&st, 0, sizeof(st));
	st.vcpu = 0;
	st.rip = res->entry;
	st.rbx = res->layout.start_info;
	st.cr0 = 0x11; /* PE | ET: protected mode, paging off */
	rc = ops->vcpu_start(ops->priv, res->domid, &st);
	if (rc)
		snprintf(err, errlen, "cannot start vCPU 0 (domctl vcpu_start): %s", strerror(-rc));
	return rc;
}

int dombuild_build(const struct dombuild_ops *ops, const struct xlcfg_domain *cfg,
		   const struct dombuild_kernel *k, const uint8_t *ramdisk, size_t ramdisk_len,
		   struct dombuild_result *res, char *err, size_t errlen)
{
	uint64_t mem = cfg->memory_mib * MIB;
	size_t cmdlen = cfg->cmdline ? strlen(cfg->cmdline) : 0;
	uint8_t uuid[16];
	int rc;

	memset(res, 0, sizeof(*res));
	res->entry = k->elf.entry;
	rc = dombuild_plan(&res->layout, mem, k, ramdisk ? ramdisk_len : 0, cmdlen, err, errlen);
	if (rc)
		return rc;
	memcpy(uuid, cfg->uuid, sizeof(uuid));
	rc = ops->create(ops->priv, cfg->maxvcpus, cfg->max_event_channels, uuid, &res->domid);
	if (rc) {
		snprintf(err, errlen, "cannot create the domain (domctl createdomain): %s%s",
			 strerror(-rc), rc == -ENOSYS ? " (the hypervisor does not implement "
			 "it yet)" : rc == -ENODEV ? " (dom0 owns every pCPU of this "
			 "machine; tern runs guests only on pCPUs dom0 does not own: see "
			 "dom0_max_vcpus)" : "");
		return rc;
	}
	rc = ops->max_mem(ops->priv, res->domid, cfg->maxmem_mib * 1024);
	if (rc) {
		snprintf(err, errlen, "cannot set the domain's memory limit (domctl max_mem): %s",
			 strerror(-rc));
		goto fail;
	}
	rc = populate(ops, res->domid, mem, err, errlen);
	if (rc == 0)
		rc = load(ops, cfg, k, ramdisk, res, err, errlen);
	if (rc == 0)
		rc = rings(ops, res, err, errlen);
	if (rc == 0)
		rc = vcpus(ops, cfg, res, err, errlen);
	if (rc == 0)
		return 0;
fail:
	ops->destroy(ops->priv, res->domid);
	return rc;
}
