/*
 * Linux bzImage: checking the setup header and filling the zero page.
 *
 * The image comes from a boot module, so it is outside input: every offset and
 * size read from it is checked against the image's length before use, with
 * 64-bit arithmetic so no sum of 32-bit header fields can wrap.
 */
#include <asm/bzimage.h>
#include <tern/errno.h>
#include <tern/string.h>

/* The fixed address a non-relocatable LOADED_HIGH kernel runs at. */
#define BZIMAGE_HIGH_LOAD_ADDR 0x100000u
#define FOUR_GIB (1ull << 32)

/* Offset of the field that ends the 2.10 header (init_size), and that end. */
#define BZIMAGE_HDR_210_END (BZIMAGE_HDR_OFFSET + offsetof(struct setup_header, init_size) + 4)

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* Copies the image's setup header (as long as the image says it is) into hdr. */
static void bzimage_read_header(const uint8_t *image, uint32_t header_len, struct setup_header *hdr)
{
	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr, image + BZIMAGE_HDR_OFFSET, MIN((size_t)header_len, sizeof(*hdr)));
}

int bzimage_parse(const void *image, size_t len, struct bzimage_info *info)
{
	const uint8_t *img = image;
	struct setup_header hdr;
	uint64_t header_end, setup_size, pm_size, align;
	unsigned int sects;

	/* Enough to read the boot flag, the magic and the version. */
	if (len < BZIMAGE_HDR_OFFSET + offsetof(struct setup_header, version) + 2)
		return -ENODATA;
	if (get16(img + 0x1fe) != BZIMAGE_BOOT_FLAG || get32(img + 0x202) != BZIMAGE_HDRS_MAGIC)
		return -ENOEXEC;
	if (get16(img + 0x206) < BZIMAGE_MIN_VERSION)
		return -EOPNOTSUPP;

	/* The jump at 0x200 skips the header: its target is the header's end. */
	header_end = 0x202 + (uint64_t)img[0x201];
	if (header_end < BZIMAGE_HDR_210_END)
		return -ENOEXEC;
	if (header_end > len)
		return -ENODATA;
	bzimage_read_header(img, (uint32_t)(header_end - BZIMAGE_HDR_OFFSET), &hdr);

	sects = hdr.setup_sects ? hdr.setup_sects : 4;
	/* At least 1024 bytes: always past the header's end (0x301 at most). */
	setup_size = (uint64_t)(sects + 1) * 512;
	if (setup_size > len)
		return -ENODATA;
	pm_size = len - setup_size;
	if (!pm_size || !hdr.syssize)
		return -ENOEXEC;
	if ((uint64_t)hdr.syssize * 16 > pm_size)
		return -ENODATA;
	if (!(hdr.loadflags & BZIMAGE_LOADED_HIGH))
		return -EOPNOTSUPP;
	if (!hdr.payload_length)
		return -ENOEXEC;
	if ((uint64_t)hdr.payload_offset + hdr.payload_length > pm_size)
		return -ENODATA;

	if (hdr.relocatable_kernel) {
		align = hdr.kernel_alignment;
		if (!is_pow2(align) || hdr.pref_address & (align - 1))
			return -ENOEXEC;
		if (hdr.min_alignment > 63 || (1ull << hdr.min_alignment) > align)
			return -ENOEXEC;
	}
	if (hdr.init_size < pm_size || hdr.pref_address + hdr.init_size < hdr.pref_address)
		return -ENOEXEC;

	info->version = hdr.version;
	info->setup_size = (uint32_t)setup_size;
	info->header_len = (uint32_t)(header_end - BZIMAGE_HDR_OFFSET);
	info->pm_size = pm_size;
	info->pref_address = hdr.pref_address;
	info->kernel_alignment = hdr.kernel_alignment;
	info->relocatable = hdr.relocatable_kernel != 0;
	info->init_size = hdr.init_size;
	info->xloadflags = hdr.xloadflags;
	info->cmdline_size = hdr.cmdline_size;
	info->initrd_addr_max = hdr.initrd_addr_max;
	info->payload_offset = setup_size + hdr.payload_offset;
	info->payload_length = hdr.payload_length;
	return 0;
}

const char *bzimage_strerror(int rc)
{
	switch (rc) {
	case -EOPNOTSUPP:
		return "boot protocol older than 2.10, or not loaded high";
	case -ENODATA:
		return "truncated: its header points past the end of the file";
	default:
		return "bad header";
	}
}

/* Checks the load address against what the kernel accepts. */
static int bzimage_check_load_addr(const struct bzimage_info *info, uint64_t load_addr)
{
	if (info->relocatable) {
		if (load_addr & (info->kernel_alignment - 1))
			return -EINVAL;
	} else if (load_addr != BZIMAGE_HIGH_LOAD_ADDR) {
		return -EINVAL;
	}
	/* The 32-bit entry runs with paging off: the whole kernel below 4 GiB. */
	if (load_addr + info->init_size > FOUR_GIB)
		return -ERANGE;
	return 0;
}

/* Where the command line and the initrd may be. */
static int bzimage_check_args(const struct bzimage_info *info, const struct bzimage_load *load)
{
	bool above_4g = info->xloadflags & BZIMAGE_XLF_CAN_BE_LOADED_ABOVE_4G;
	uint64_t end;

	if (load->cmdline_addr) {
		if (load->cmdline_len > info->cmdline_size)
			return -E2BIG;
		end = load->cmdline_addr + load->cmdline_len + 1;
		if (end < load->cmdline_addr || (!above_4g && end > FOUR_GIB))
			return -ERANGE;
	}
	if (load->initrd_size) {
		end = load->initrd_addr + load->initrd_size;
		if (end < load->initrd_addr)
			return -ERANGE;
		if (!above_4g && end - 1 > info->initrd_addr_max)
			return -ERANGE;
	}
	return 0;
}

static int bzimage_check_e820(const struct e820_map *map)
{
	if (map->nr > BZIMAGE_E820_MAX)
		return -E2BIG;
	for (unsigned int i = 0; i < map->nr; i++)
		if (map->entry[i].type >= E820_HYPERVISOR)
			return -EINVAL;
	return 0;
}

int bzimage_boot_params(struct boot_params *bp, const void *image, const struct bzimage_info *info,
			const struct bzimage_load *load)
{
	int rc;

	rc = bzimage_check_load_addr(info, load->load_addr);
	if (!rc)
		rc = bzimage_check_args(info, load);
	if (!rc)
		rc = bzimage_check_e820(load->e820);
	if (rc)
		return rc;

	memset(bp, 0, sizeof(*bp));
	bzimage_read_header(image, info->header_len, &bp->hdr);
	bp->hdr.type_of_loader = BZIMAGE_LOADER_UNDEFINED;
	bp->hdr.code32_start = (uint32_t)load->load_addr;
	bp->hdr.cmd_line_ptr = (uint32_t)load->cmdline_addr;
	bp->ext_cmd_line_ptr = (uint32_t)(load->cmdline_addr >> 32);
	bp->hdr.ramdisk_image = (uint32_t)load->initrd_addr;
	bp->ext_ramdisk_image = (uint32_t)(load->initrd_addr >> 32);
	bp->hdr.ramdisk_size = (uint32_t)load->initrd_size;
	bp->ext_ramdisk_size = (uint32_t)(load->initrd_size >> 32);
	if (!load->initrd_size) {
		bp->hdr.ramdisk_image = 0;
		bp->ext_ramdisk_image = 0;
	}
	bp->acpi_rsdp_addr = load->acpi_rsdp_addr;
	bp->e820_entries = (uint8_t)load->e820->nr;
	for (unsigned int i = 0; i < load->e820->nr; i++) {
		bp->e820_table[i].addr = load->e820->entry[i].addr;
		bp->e820_table[i].size = load->e820->entry[i].size;
		bp->e820_table[i].type = load->e820->entry[i].type;
	}
	return 0;
}
