/*
 * The Linux x86 boot protocol, as far as tern needs it to start a bzImage as
 * dom0 through the 32-bit entry: the setup header the image carries at 0x1f1,
 * the "zero page" (struct boot_params) the loader hands the kernel, and a
 * parser that checks an image before anything of it is loaded.
 *
 * Layouts and numbers are those of the boot protocol (version 2.10 and later
 * fields); every structure is checked against its landmark offsets below.
 */
#ifndef ASM_BZIMAGE_H
#define ASM_BZIMAGE_H

#include <tern/e820.h>
#include <tern/types.h>

/* The setup header, at offset 0x1f1 of the image and of boot_params. */
struct setup_header {
	uint8_t setup_sects;        /* 512-byte sectors of setup code after the boot sector; 0 means 4 */
	uint16_t root_flags;
	uint32_t syssize;           /* protected-mode code, in 16-byte paragraphs */
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag;         /* BZIMAGE_BOOT_FLAG */
	uint16_t jump;              /* x86 short jump over the header: 0x202 + its second byte = end of header */
	uint32_t header;            /* BZIMAGE_HDRS_MAGIC, "HdrS" */
	uint16_t version;           /* protocol version, 0x020a for 2.10 */
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;     /* written by the loader */
	uint8_t loadflags;
#define BZIMAGE_LOADED_HIGH (1u << 0)     /* protected-mode code runs at 0x100000 or above */
#define BZIMAGE_KEEP_SEGMENTS (1u << 6)
#define BZIMAGE_CAN_USE_HEAP (1u << 7)
	uint16_t setup_move_size;
	uint32_t code32_start;      /* the 32-bit entry; the loader writes the load address */
	uint32_t ramdisk_image;     /* initrd address, low 32 bits (high: ext_ramdisk_image) */
	uint32_t ramdisk_size;
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;      /* command line address, low 32 bits (high: ext_cmd_line_ptr) */
	uint32_t initrd_addr_max;   /* highest address the initrd's last byte may have */
	uint32_t kernel_alignment;  /* a relocatable kernel's load address must be aligned to this */
	uint8_t relocatable_kernel;
	uint8_t min_alignment;      /* log2 of the smallest alignment the kernel accepts */
	uint16_t xloadflags;
#define BZIMAGE_XLF_KERNEL_64 (1u << 0)
#define BZIMAGE_XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1) /* initrd, command line, boot_params */
#define BZIMAGE_XLF_EFI_HANDOVER_32 (1u << 2)
#define BZIMAGE_XLF_EFI_HANDOVER_64 (1u << 3)
#define BZIMAGE_XLF_EFI_KEXEC (1u << 4)
	uint32_t cmdline_size;      /* longest command line, without its NUL */
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;    /* compressed kernel, from the start of the protected-mode code */
	uint32_t payload_length;
	uint64_t setup_data;
	uint64_t pref_address;      /* preferred load address */
	uint32_t init_size;         /* linear memory the kernel needs from its load address on */
	uint32_t handover_offset;
	uint32_t kernel_info_offset;
} __attribute__((packed));

#define BZIMAGE_BOOT_FLAG 0xaa55
#define BZIMAGE_HDRS_MAGIC 0x53726448u /* "HdrS" read as a little-endian word */
#define BZIMAGE_MIN_VERSION 0x020a
#define BZIMAGE_HDR_OFFSET 0x1f1
#define BZIMAGE_LOADER_UNDEFINED 0xff  /* type_of_loader of a loader without an assigned id */
#define BZIMAGE_E820_MAX 128           /* entries in boot_params.e820_table */

/* One entry of the zero page's e820 table: 20 bytes, unaligned. */
struct boot_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

/*
 * The zero page. Only the fields a loader writes are named; the rest (screen,
 * APM, EDID, EFI and EDD information the BIOS or EFI stub fills in) are kept as
 * opaque bytes of the right size, zero for a loader like tern.
 */
struct boot_params {
	uint8_t screen_info[0x40];          /* 0x000 */
	uint8_t apm_bios_info[0x14];        /* 0x040 */
	uint8_t _pad2[4];                   /* 0x054 */
	uint64_t tboot_addr;                /* 0x058 */
	uint8_t ist_info[0x10];             /* 0x060 */
	uint64_t acpi_rsdp_addr;            /* 0x070 */
	uint8_t _pad3[8];                   /* 0x078 */
	uint8_t hd0_info[16];               /* 0x080 */
	uint8_t hd1_info[16];               /* 0x090 */
	uint8_t sys_desc_table[0x10];       /* 0x0a0 */
	uint8_t olpc_ofw_header[0x10];      /* 0x0b0 */
	uint32_t ext_ramdisk_image;         /* 0x0c0 */
	uint32_t ext_ramdisk_size;          /* 0x0c4 */
	uint32_t ext_cmd_line_ptr;          /* 0x0c8 */
	uint8_t _pad4[0x70];                /* 0x0cc */
	uint32_t cc_blob_address;           /* 0x13c */
	uint8_t edid_info[0x80];            /* 0x140 */
	uint8_t efi_info[0x20];             /* 0x1c0 */
	uint32_t alt_mem_k;                 /* 0x1e0 */
	uint32_t scratch;                   /* 0x1e4 */
	uint8_t e820_entries;               /* 0x1e8 */
	uint8_t eddbuf_entries;             /* 0x1e9 */
	uint8_t edd_mbr_sig_buf_entries;    /* 0x1ea */
	uint8_t kbd_status;                 /* 0x1eb */
	uint8_t secure_boot;                /* 0x1ec */
	uint8_t _pad5[2];                   /* 0x1ed */
	uint8_t sentinel;                   /* 0x1ef: must stay 0 */
	uint8_t _pad6[1];                   /* 0x1f0 */
	struct setup_header hdr;            /* 0x1f1 */
	uint8_t _pad7[0x290 - 0x1f1 - sizeof(struct setup_header)];
	uint32_t edd_mbr_sig_buffer[16];    /* 0x290 */
	struct boot_e820_entry e820_table[BZIMAGE_E820_MAX]; /* 0x2d0 */
	uint8_t _pad8[0x30];                /* 0xcd0 */
	uint8_t eddbuf[0x1ec];              /* 0xd00: 6 EDD records of 82 bytes */
	uint8_t _pad9[0x114];               /* 0xeec */
} __attribute__((packed));

_Static_assert(sizeof(struct setup_header) == 0x26c - 0x1f1, "setup_header size");
_Static_assert(sizeof(struct boot_e820_entry) == 20, "boot_e820_entry size");
_Static_assert(sizeof(struct boot_params) == 4096, "boot_params is one page");
_Static_assert(offsetof(struct boot_params, acpi_rsdp_addr) == 0x070, "acpi_rsdp_addr");
_Static_assert(offsetof(struct boot_params, ext_ramdisk_image) == 0x0c0, "ext_ramdisk_image");
_Static_assert(offsetof(struct boot_params, ext_ramdisk_size) == 0x0c4, "ext_ramdisk_size");
_Static_assert(offsetof(struct boot_params, ext_cmd_line_ptr) == 0x0c8, "ext_cmd_line_ptr");
_Static_assert(offsetof(struct boot_params, cc_blob_address) == 0x13c, "cc_blob_address");
_Static_assert(offsetof(struct boot_params, e820_entries) == 0x1e8, "e820_entries");
_Static_assert(offsetof(struct boot_params, sentinel) == 0x1ef, "sentinel");
_Static_assert(offsetof(struct boot_params, hdr) == BZIMAGE_HDR_OFFSET, "hdr");
_Static_assert(offsetof(struct boot_params, hdr.boot_flag) == 0x1fe, "boot_flag");
_Static_assert(offsetof(struct boot_params, hdr.header) == 0x202, "HdrS");
_Static_assert(offsetof(struct boot_params, hdr.version) == 0x206, "version");
_Static_assert(offsetof(struct boot_params, hdr.type_of_loader) == 0x210, "type_of_loader");
_Static_assert(offsetof(struct boot_params, hdr.loadflags) == 0x211, "loadflags");
_Static_assert(offsetof(struct boot_params, hdr.code32_start) == 0x214, "code32_start");
_Static_assert(offsetof(struct boot_params, hdr.ramdisk_image) == 0x218, "ramdisk_image");
_Static_assert(offsetof(struct boot_params, hdr.ramdisk_size) == 0x21c, "ramdisk_size");
_Static_assert(offsetof(struct boot_params, hdr.cmd_line_ptr) == 0x228, "cmd_line_ptr");
_Static_assert(offsetof(struct boot_params, hdr.initrd_addr_max) == 0x22c, "initrd_addr_max");
_Static_assert(offsetof(struct boot_params, hdr.kernel_alignment) == 0x230, "kernel_alignment");
_Static_assert(offsetof(struct boot_params, hdr.relocatable_kernel) == 0x234, "relocatable_kernel");
_Static_assert(offsetof(struct boot_params, hdr.xloadflags) == 0x236, "xloadflags");
_Static_assert(offsetof(struct boot_params, hdr.cmdline_size) == 0x238, "cmdline_size");
_Static_assert(offsetof(struct boot_params, hdr.payload_offset) == 0x248, "payload_offset");
_Static_assert(offsetof(struct boot_params, hdr.pref_address) == 0x258, "pref_address");
_Static_assert(offsetof(struct boot_params, hdr.init_size) == 0x260, "init_size");
_Static_assert(offsetof(struct boot_params, edd_mbr_sig_buffer) == 0x290, "edd_mbr_sig_buffer");
_Static_assert(offsetof(struct boot_params, e820_table) == 0x2d0, "e820_table");
_Static_assert(offsetof(struct boot_params, eddbuf) == 0xd00, "eddbuf");

/* What bzimage_parse() learnt about an image; all sizes in bytes. */
struct bzimage_info {
	uint16_t version;           /* boot protocol version */
	uint32_t setup_size;        /* boot sector + setup code: where the protected-mode code starts */
	uint32_t header_len;        /* bytes of setup header the image carries, from 0x1f1 */
	uint64_t pm_size;           /* protected-mode code (the rest of the image) */
	uint64_t pref_address;
	uint32_t kernel_alignment;
	bool relocatable;
	uint64_t init_size;         /* memory needed from the load address (>= pm_size) */
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint32_t initrd_addr_max;
	uint64_t payload_offset;    /* the compressed kernel, from the start of the image */
	uint32_t payload_length;
};

/*
 * Checks that image[0, len) is a bzImage tern can start: boot flag 0xaa55,
 * "HdrS", protocol 2.10 or later, LOADED_HIGH, the setup code and the
 * protected-mode code (syssize, the compressed payload) inside the image, a
 * power-of-two kernel_alignment that pref_address respects, init_size covering
 * the protected-mode code. Reads nothing outside image[0, len).
 * Returns 0 and fills info, or:
 *   -ENOEXEC     not a bzImage, or a header that contradicts itself;
 *   -EOPNOTSUPP  a bzImage older than protocol 2.10, or not LOADED_HIGH;
 *   -ENODATA     the image is shorter than its header says (truncated).
 */
int bzimage_parse(const void *image, size_t len, struct bzimage_info *info);

/* What an error of bzimage_parse() means, for a message to the user. */
const char *bzimage_strerror(int rc);

/* Where the kernel is loaded and what it is given (all host-physical == guest-physical). */
struct bzimage_load {
	uint64_t load_addr;         /* protected-mode code goes here; init_size bytes from it are the kernel's */
	uint64_t cmdline_addr;      /* NUL-terminated command line, or 0 for none */
	uint32_t cmdline_len;       /* its length without the NUL */
	uint64_t initrd_addr;       /* 0 for none */
	uint64_t initrd_size;
	uint64_t acpi_rsdp_addr;    /* 0: the kernel searches itself */
	const struct e820_map *e820; /* the kernel's memory map; standard types only */
};

/*
 * Fills the zero page for a kernel parsed by bzimage_parse(): zeroes it, copies
 * the image's setup header, and writes the loader's fields (type_of_loader,
 * code32_start, command line, initrd, e820 table, RSDP). Returns 0, or:
 *   -EINVAL   load_addr not aligned as the kernel requires (or, for a kernel
 *             that is not relocatable, not its pref_address), or an e820 entry
 *             of a type private to tern;
 *   -ERANGE   the kernel, command line or initrd is where the protocol does not
 *             allow it (kernel above 4 GiB, initrd above initrd_addr_max
 *             without XLF_CAN_BE_LOADED_ABOVE_4G, ...);
 *   -E2BIG    the command line is longer than cmdline_size, or the map has more
 *             than BZIMAGE_E820_MAX entries.
 */
int bzimage_boot_params(struct boot_params *bp, const void *image, const struct bzimage_info *info,
			const struct bzimage_load *load);

#endif
