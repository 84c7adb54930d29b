/*
 * The PVH domain builder: from a kernel file and an xl.cfg to a paused domain
 * whose vCPU 0 starts at the kernel's PVH entry (docs/pvh-boot.md).
 *
 *   decompress.c       gzip, xz, zstd, lz4, lzma, bzip2 payloads
 *   dombuild_kernel.c  ELF (32 or 64 bit) with the PVH note, or a bzImage
 *                      whose payload decompresses to one
 *   dombuild.c         guest memory layout, populating and loading it,
 *                      start_info, rings, vCPU 0 (through struct dombuild_ops,
 *                      so the unit tests run it on fake memory)
 *   dombuild_acpi.c    the domain's ACPI tables (RSDP, XSDT, FADT, DSDT, MADT)
 *   dombuild_tc.c      dombuild_ops on the real hypervisor (libternctl)
 *   dombuild_xs.c      the domain's xenstore nodes as libxl writes them
 *
 * Errors: functions return 0 or -errno and put a sentence for the user into
 * err (errlen bytes) when they fail.
 */
#ifndef TERN_TOOLS_DOMBUILD_H
#define TERN_TOOLS_DOMBUILD_H

#include <stddef.h>
#include <stdint.h>

#include <asm/elf_pvh.h>
#include <public/domctl.h>
#include <public/start_info.h>

#include "xlcfg.h"

/* ---- decompression ---- */

enum dombuild_comp {
	DOMBUILD_COMP_NONE,
	DOMBUILD_COMP_GZIP,
	DOMBUILD_COMP_XZ,
	DOMBUILD_COMP_ZSTD,
	DOMBUILD_COMP_LZ4,       /* legacy (lz4 -l, as Linux builds it) or frame */
	DOMBUILD_COMP_LZMA,
	DOMBUILD_COMP_BZIP2,
	DOMBUILD_COMP_LZO,       /* recognised, not supported */
	DOMBUILD_COMP_UNKNOWN,
};

/* From the magic bytes; NONE for an ELF, UNKNOWN otherwise. */
enum dombuild_comp dombuild_comp_detect(const uint8_t *p, size_t len);
const char *dombuild_comp_name(enum dombuild_comp c);
/*
 * Decompresses the first stream of in (trailing bytes, such as the size a
 * bzImage appends, are ignored) into a malloc'ed *out. size_hint, if not 0,
 * is the expected output size; output beyond max_out is an error (-EFBIG).
 * -EINVAL: corrupt or truncated data; -ENOTSUP: format not supported.
 */
int dombuild_decompress(enum dombuild_comp c, const uint8_t *in, size_t len, size_t size_hint,
			size_t max_out, uint8_t **out, size_t *outlen, char *err, size_t errlen);

/* ---- kernel images ---- */

struct dombuild_kernel {
	uint8_t *image;           /* the ELF (owned) */
	size_t image_len;
	struct elf_pvh_info elf;  /* its entry and loadable segments (offsets into image) */
	enum dombuild_comp comp;  /* payload compression of a bzImage, NONE for an ELF */
	int bzimage;
};

/*
 * Parses a kernel file's contents (not kept: the kernel holds its own copy
 * or the decompressed ELF). -ENOEXEC: not an ELF or bzImage, or no PVH entry
 * note; -EINVAL: damaged/truncated; -ENOTSUP: unsupported compression.
 */
int dombuild_kernel_parse(struct dombuild_kernel *k, const uint8_t *file, size_t len,
			  char *err, size_t errlen);
void dombuild_kernel_free(struct dombuild_kernel *k);

/* ---- guest memory layout ---- */

#define DOMBUILD_PAGE 4096ull
#define DOMBUILD_MAX_MEMMAP 8
#define DOMBUILD_CMDLINE_MAX 2047
/* The start_info page: hvm_start_info, modlist, memmap, then the command line. */
#define DOMBUILD_SI_MODLIST 64
#define DOMBUILD_SI_MEMMAP 128
#define DOMBUILD_SI_CMDLINE 1024

/*
 * The ACPI tables: the last page below 1 MiB, inside the legacy hole that the
 * memmap already keeps from Linux (marked ACPI there), where any RSDP scan of
 * 0xE0000-0xFFFFF also finds them. The RSDP comes first.
 */
#define DOMBUILD_ACPI_BASE 0xFF000ull
#define DOMBUILD_ACPI_SIZE DOMBUILD_PAGE

struct dombuild_layout {
	uint64_t mem;             /* bytes of RAM: [0, mem) */
	uint64_t start_info;      /* gpa of the start_info page */
	uint64_t acpi;            /* gpa of the ACPI tables (the RSDP), DOMBUILD_ACPI_SIZE bytes */
	uint64_t ramdisk, ramdisk_size;
	uint64_t console_pfn, store_pfn; /* the two top pages, reserved */
	struct hvm_memmap_table_entry memmap[DOMBUILD_MAX_MEMMAP];
	unsigned nmemmap;
};

/*
 * Where everything goes in [0, mem): the kernel at its own addresses, then
 * the start_info page, then the ramdisk (page aligned), the console and
 * xenstore pages at the top. -ENOSPC (with err) if something does not fit.
 */
int dombuild_plan(struct dombuild_layout *l, uint64_t mem, const struct dombuild_kernel *k,
		  uint64_t ramdisk_size, size_t cmdline_len, char *err, size_t errlen);

/* ---- ACPI tables (dombuild_acpi.c) ---- */

/*
 * Writes RSDP, XSDT, FADT, DSDT and MADT into buf (len bytes, zeroed first)
 * as they will lie at guest address gpa, the RSDP at gpa. The MADT lists
 * nr_vcpus processors (the domain's max vCPUs), all enabled: those the
 * config leaves offline the guest takes offline itself (dombuild_acpi.c).
 * -EINVAL for counts outside 1..TERN_MAX_VCPUS, -ENOSPC if len is too small.
 */
int dombuild_acpi_build(uint8_t *buf, size_t len, uint64_t gpa, unsigned nr_vcpus,
			char *err, size_t errlen);

/* ---- building ---- */

/* What the builder needs from the hypervisor; every call returns 0 or -errno. */
struct dombuild_ops {
	void *priv;
	/* A paused domain with max_vcpus vCPUs and event-channel ports 1..max_evtchn_port. */
	int (*create)(void *priv, uint32_t max_vcpus, uint32_t max_evtchn_port,
		      const uint8_t uuid[16], uint16_t *domid);
	int (*max_mem)(void *priv, uint16_t domid, uint64_t max_kb);
	/* Populates n extents of 4 KiB << order at gfns[]; returns how many (>= 0). */
	long (*populate)(void *priv, uint16_t domid, unsigned order, const uint64_t *gfns,
			 unsigned n);
	/* Maps n consecutive guest frames from gfn read-write; NULL with errno. */
	void *(*map)(void *priv, uint16_t domid, uint64_t gfn, unsigned n);
	void (*unmap)(void *priv, void *addr, unsigned n);
	int (*set_param)(void *priv, uint16_t domid, uint32_t index, uint64_t value);
	/* A port of domid that domain `remote` may bind. */
	int (*alloc_unbound)(void *priv, uint16_t domid, uint16_t remote, uint32_t *port);
	int (*vcpu_start)(void *priv, uint16_t domid, const struct tern_domctl_vcpu_start *st);
	/* Hard and/or soft affinity (flags: TERN_VCPUAFFINITY_*). */
	int (*set_affinity)(void *priv, uint16_t domid, uint32_t vcpu, uint32_t flags,
			    uint64_t hard, uint64_t soft);
	/* The credit scheduler's weight and cap. */
	int (*set_sched)(void *priv, uint16_t domid, uint32_t weight, uint32_t cap);
	int (*destroy)(void *priv, uint16_t domid);
};

/* What the builder made, for xenstore and the caller. */
struct dombuild_result {
	uint16_t domid;
	struct dombuild_layout layout;
	uint64_t entry;
	uint32_t console_port, store_port;
};

/*
 * Builds a paused domain: create, max_mem, populate [0, memory), load the
 * kernel, ramdisk, command line and start_info, zero the console and store
 * pages, set their HVM params and event channels, start vCPU 0, pin the
 * vCPUs from cpus= and cpus_soft= and set cpu_weight and cap. The domain is left paused; on failure it is destroyed.
 * ramdisk may be NULL (ramdisk_len 0).
 */
int dombuild_build(const struct dombuild_ops *ops, const struct xlcfg_domain *cfg,
		   const struct dombuild_kernel *k, const uint8_t *ramdisk, size_t ramdisk_len,
		   struct dombuild_result *res, char *err, size_t errlen);

/* The real hypervisor through /dev/xen/privcmd (dombuild_tc.c). */
struct tc_handle;
void dombuild_tc_ops(struct dombuild_ops *ops, struct tc_handle *h);

/* Reads a whole file into a malloc'ed buffer; -errno with err set. */
int dombuild_read_file(const char *path, const char *what, uint8_t **data, size_t *len,
		       char *err, size_t errlen);

/* ---- xenstore (dombuild_xs.c) ---- */

struct tc_xs;
/*
 * Writes /local/domain/N, /vm/<uuid> and /libxl/N as libxl does before and
 * after a build (docs/toolstack.md), then INTRODUCEs the
 * domain so xenstored serves its ring.
 */
int dombuild_xs_write(struct tc_xs *xs, const struct xlcfg_domain *cfg, const uint8_t uuid[16],
		      const struct dombuild_result *res, char *err, size_t errlen);
/* Removes the domain's nodes and RELEASEs it (ENOENT parts are ignored). */
int dombuild_xs_remove(struct tc_xs *xs, uint16_t domid);

#endif
