/*
 * bzImage setup-header parser and zero-page builder. A synthetic image shaped
 * like a 6.1 kernel's is checked whole and with one defect at a time; Debian's
 * real kernel (build/images/vmlinuz, from images/debian-kernel.sh) is parsed
 * when present and the case is skipped otherwise. Every image lives in a heap
 * buffer of exactly its length, so ASan catches any read past its end, also
 * for thousands of randomly corrupted headers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/bzimage.h>
#include <tern/errno.h>

#define REAL_KERNEL "build/images/vmlinuz"
#define SETUP_SECTS 39
#define PM_SIZE 0x40000u

static uint8_t *img;
static size_t img_len;
static struct bzimage_info info;
static struct boot_params bp;
static struct e820_map map;

static void put16(size_t off, uint16_t v)
{
	img[off] = (uint8_t)v;
	img[off + 1] = (uint8_t)(v >> 8);
}

static void put32(size_t off, uint32_t v)
{
	put16(off, (uint16_t)v);
	put16(off + 2, (uint16_t)(v >> 16));
}

static void put64(size_t off, uint64_t v)
{
	put32(off, (uint32_t)v);
	put32(off + 4, (uint32_t)(v >> 32));
}

/* Allocates exactly len bytes (replacing the previous image), keeping the old contents. */
static void resize(size_t len)
{
	uint8_t *n = malloc(len ? len : 1);

	assert_non_null(n);
	memset(n, 0, len);
	if (img)
		memcpy(n, img, MIN(len, img_len));
	free(img);
	img = n;
	img_len = len;
}

/* A well-formed protocol 2.15 image: setup_sects sectors of setup, pm bytes of code. */
static void make_image(unsigned int setup_sects, size_t pm)
{
	unsigned int sects = setup_sects ? setup_sects : 4;

	free(img);
	img = NULL;
	resize((sects + 1) * 512 + pm);
	img[0x1f1] = (uint8_t)setup_sects;
	put32(0x1f4, (uint32_t)(pm / 16));
	put16(0x1fa, 0xffff);
	put16(0x1fe, 0xaa55);
	img[0x200] = 0xeb;
	img[0x201] = 0x6a; /* header ends at 0x26c */
	memcpy(img + 0x202, "HdrS", 4);
	put16(0x206, 0x020f);
	img[0x211] = BZIMAGE_LOADED_HIGH;
	put32(0x214, 0x100000);
	put32(0x22c, 0x7fffffff);
	put32(0x230, 0x200000);
	img[0x234] = 1;
	img[0x235] = 21;
	put16(0x236, BZIMAGE_XLF_KERNEL_64 | BZIMAGE_XLF_CAN_BE_LOADED_ABOVE_4G);
	put32(0x238, 2047);
	put32(0x248, 0x2cc);
	put32(0x24c, (uint32_t)(pm - 0x1000));
	put64(0x258, 0x1000000);
	put32(0x260, (uint32_t)(pm * 8));
}

static int setup(void **state)
{
	(void)state;
	make_image(SETUP_SECTS, PM_SIZE);
	memset(&info, 0, sizeof(info));
	memset(&map, 0, sizeof(map));
	e820_add(&map, 0, 0x9fc00, E820_RAM);
	e820_add(&map, 0x9fc00, 0x400, E820_RESERVED);
	e820_add(&map, 0xf0000, 0x10000, E820_RESERVED);
	e820_add(&map, 0x100000, 0x3ff00000, E820_RAM);
	e820_add(&map, 0xb0000000, 0x10000000, E820_RESERVED);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(img);
	img = NULL;
	img_len = 0;
	return 0;
}

static int parse(void)
{
	return bzimage_parse(img, img_len, &info);
}

static void test_good_image(void **state)
{
	(void)state;
	assert_int_equal(parse(), 0);
	assert_int_equal(info.version, 0x020f);
	assert_int_equal(info.setup_size, (SETUP_SECTS + 1) * 512);
	assert_int_equal(info.header_len, 0x26c - 0x1f1);
	assert_int_equal(info.pm_size, PM_SIZE);
	assert_int_equal(info.pref_address, 0x1000000);
	assert_int_equal(info.kernel_alignment, 0x200000);
	assert_true(info.relocatable);
	assert_int_equal(info.init_size, PM_SIZE * 8);
	assert_int_equal(info.cmdline_size, 2047);
	assert_int_equal(info.initrd_addr_max, 0x7fffffff);
	assert_int_equal(info.xloadflags, BZIMAGE_XLF_KERNEL_64 | BZIMAGE_XLF_CAN_BE_LOADED_ABOVE_4G);
	/* The payload, counted from the image's start (the tools decompress it). */
	assert_int_equal(info.payload_offset, (SETUP_SECTS + 1) * 512 + 0x2cc);
	assert_int_equal(info.payload_length, PM_SIZE - 0x1000);

	/* Protocol 2.10 exactly, with the header ending after init_size; trailing bytes allowed. */
	put16(0x206, 0x020a);
	img[0x201] = 0x62;
	resize(img_len + 1000);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.header_len, 0x264 - 0x1f1);
	assert_int_equal(info.pm_size, PM_SIZE + 1000);
}

/* setup_sects == 0 means 4, as for the oldest kernels. */
static void test_setup_sects_zero(void **state)
{
	(void)state;
	make_image(0, PM_SIZE);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.setup_size, 5 * 512);
}

static void test_truncated(void **state)
{
	(void)state;
	size_t full = img_len;

	resize(0);
	assert_int_equal(parse(), -ENODATA);
	make_image(SETUP_SECTS, PM_SIZE);
	resize(0x207); /* not even the version */
	assert_int_equal(parse(), -ENODATA);
	make_image(SETUP_SECTS, PM_SIZE);
	resize(0x250); /* the header runs past the end */
	assert_int_equal(parse(), -ENODATA);
	make_image(SETUP_SECTS, PM_SIZE);
	resize((SETUP_SECTS + 1) * 512 - 1); /* the setup code runs past the end */
	assert_int_equal(parse(), -ENODATA);
	make_image(SETUP_SECTS, PM_SIZE);
	resize(full - 16); /* syssize says more code than there is */
	assert_int_equal(parse(), -ENODATA);
}

static void test_bad_magic(void **state)
{
	(void)state;
	memcpy(img + 0x202, "HdrT", 4);
	assert_int_equal(parse(), -ENOEXEC);
}

static void test_bad_boot_flag(void **state)
{
	(void)state;
	put16(0x1fe, 0x55aa);
	assert_int_equal(parse(), -ENOEXEC);
}

static void test_old_protocol(void **state)
{
	(void)state;
	put16(0x206, 0x0209);
	assert_int_equal(parse(), -EOPNOTSUPP);
	put16(0x206, 0x0200);
	assert_int_equal(parse(), -EOPNOTSUPP);
}

static void test_not_loaded_high(void **state)
{
	(void)state;
	img[0x211] = 0;
	assert_int_equal(parse(), -EOPNOTSUPP);
}

static void test_setup_sects_huge(void **state)
{
	(void)state;
	img[0x1f1] = 255;
	assert_int_equal(parse(), -ENODATA);
}

static void test_zero_payload(void **state)
{
	(void)state;
	resize((SETUP_SECTS + 1) * 512); /* nothing after the setup code */
	assert_int_equal(parse(), -ENOEXEC);
	make_image(SETUP_SECTS, PM_SIZE);
	put32(0x1f4, 0); /* syssize 0 */
	assert_int_equal(parse(), -ENOEXEC);
	make_image(SETUP_SECTS, PM_SIZE);
	put32(0x24c, 0); /* no compressed payload */
	assert_int_equal(parse(), -ENOEXEC);
	make_image(SETUP_SECTS, PM_SIZE);
	put32(0x248, PM_SIZE - 0x10); /* payload past the code */
	assert_int_equal(parse(), -ENODATA);
	make_image(SETUP_SECTS, PM_SIZE);
	put32(0x248, 0xffffffff); /* offset + length wraps in 32 bits */
	put32(0x24c, 0x10);
	assert_int_equal(parse(), -ENODATA);
}

static void test_inconsistent_header(void **state)
{
	(void)state;
	img[0x201] = 0x50; /* header shorter than protocol 2.10's */
	assert_int_equal(parse(), -ENOEXEC);
	make_image(SETUP_SECTS, PM_SIZE);
	put32(0x230, 0x300000); /* alignment not a power of two */
	assert_int_equal(parse(), -ENOEXEC);
	make_image(SETUP_SECTS, PM_SIZE);
	put64(0x258, 0x1100000); /* pref_address not aligned */
	assert_int_equal(parse(), -ENOEXEC);
	make_image(SETUP_SECTS, PM_SIZE);
	img[0x235] = 22; /* min_alignment above kernel_alignment */
	assert_int_equal(parse(), -ENOEXEC);
	make_image(SETUP_SECTS, PM_SIZE);
	put32(0x260, PM_SIZE - 1); /* init_size smaller than the code */
	assert_int_equal(parse(), -ENOEXEC);
	make_image(SETUP_SECTS, PM_SIZE);
	put64(0x258, 0xffffffffffe00000ull); /* pref_address + init_size wraps */
	assert_int_equal(parse(), -ENOEXEC);
	/* A kernel that is not relocatable may say anything about alignment. */
	make_image(SETUP_SECTS, PM_SIZE);
	img[0x234] = 0;
	put32(0x230, 0x300000);
	assert_int_equal(parse(), 0);
	assert_false(info.relocatable);
}

static struct bzimage_load good_load(void)
{
	struct bzimage_load l = {
		.load_addr = 0x1000000,
		.cmdline_addr = 0x20000,
		.cmdline_len = 100,
		.initrd_addr = 0x30000000,
		.initrd_size = 0x800000,
		.acpi_rsdp_addr = 0xf5a00,
		.e820 = &map,
	};
	return l;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void test_boot_params(void **state)
{
	struct bzimage_load l = good_load();

	(void)state;
	assert_int_equal(parse(), 0);
	memset(&bp, 0xcc, sizeof(bp));
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), 0);
	/* The image's header, copied... */
	assert_int_equal(bp.hdr.setup_sects, SETUP_SECTS);
	assert_int_equal(bp.hdr.boot_flag, 0xaa55);
	assert_int_equal(bp.hdr.header, BZIMAGE_HDRS_MAGIC);
	assert_int_equal(bp.hdr.version, 0x020f);
	assert_int_equal(bp.hdr.vid_mode, 0xffff);
	assert_int_equal(bp.hdr.loadflags, BZIMAGE_LOADED_HIGH);
	assert_int_equal(bp.hdr.pref_address, 0x1000000);
	assert_int_equal(bp.hdr.init_size, PM_SIZE * 8);
	/* ...with the loader's fields written. */
	assert_int_equal(bp.hdr.type_of_loader, 0xff);
	assert_int_equal(bp.hdr.code32_start, 0x1000000);
	assert_int_equal(bp.hdr.cmd_line_ptr, 0x20000);
	assert_int_equal(bp.ext_cmd_line_ptr, 0);
	assert_int_equal(bp.hdr.ramdisk_image, 0x30000000);
	assert_int_equal(bp.hdr.ramdisk_size, 0x800000);
	assert_int_equal(bp.ext_ramdisk_image, 0);
	assert_int_equal(bp.ext_ramdisk_size, 0);
	assert_int_equal(bp.acpi_rsdp_addr, 0xf5a00);
	assert_int_equal(bp.e820_entries, 5);
	for (unsigned int i = 0; i < map.nr; i++) {
		assert_int_equal(bp.e820_table[i].addr, map.entry[i].addr);
		assert_int_equal(bp.e820_table[i].size, map.entry[i].size);
		assert_int_equal(bp.e820_table[i].type, map.entry[i].type);
	}
	/* Everything the loader does not set is zero; the sentinel above all. */
	assert_int_equal(bp.sentinel, 0);
	assert_true(all_zero(bp.screen_info, sizeof(bp.screen_info)));
	assert_true(all_zero(bp.edid_info, sizeof(bp.edid_info)));
	assert_true(all_zero(&bp.e820_table[5], sizeof(bp.e820_table) - 5 * sizeof(bp.e820_table[0])));
	assert_true(all_zero(bp._pad9, sizeof(bp._pad9)));
	assert_int_equal(bp.hdr.setup_data, 0);

	/* No initrd: both address fields zero. */
	l.initrd_size = 0;
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), 0);
	assert_int_equal(bp.hdr.ramdisk_image, 0);
	assert_int_equal(bp.hdr.ramdisk_size, 0);
}

static void test_boot_params_high(void **state)
{
	struct bzimage_load l = good_load();

	(void)state;
	/* With XLF_CAN_BE_LOADED_ABOVE_4G, the initrd and command line may be high. */
	l.initrd_addr = 0x123400000ull;
	l.initrd_size = 0x100000001ull;
	l.cmdline_addr = 0x200001000ull;
	assert_int_equal(parse(), 0);
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), 0);
	assert_int_equal(bp.hdr.ramdisk_image, 0x23400000);
	assert_int_equal(bp.ext_ramdisk_image, 1);
	assert_int_equal(bp.hdr.ramdisk_size, 1);
	assert_int_equal(bp.ext_ramdisk_size, 1);
	assert_int_equal(bp.hdr.cmd_line_ptr, 0x1000);
	assert_int_equal(bp.ext_cmd_line_ptr, 2);

	/* Without it, neither may, nor may the initrd pass initrd_addr_max. */
	put16(0x236, BZIMAGE_XLF_KERNEL_64);
	assert_int_equal(parse(), 0);
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), -ERANGE);
	l = good_load();
	l.initrd_addr = 0x7ff00000;
	l.initrd_size = 0x100000;
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), 0);
	l.initrd_size = 0x100001;
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), -ERANGE);
	l = good_load();
	l.cmdline_addr = 0xffffff00;
	l.cmdline_len = 0x100; /* its NUL would be at 4 GiB */
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), -ERANGE);
	l.cmdline_len = 0xff;
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), 0);
}

static void test_boot_params_errors(void **state)
{
	struct bzimage_load l;

	(void)state;
	assert_int_equal(parse(), 0);
	l = good_load();
	l.load_addr = 0x1100000; /* not 2 MiB aligned */
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), -EINVAL);
	l = good_load();
	l.load_addr = 0xffe00000; /* init_size ends at 4 GiB exactly: fine */
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), 0);
	l.load_addr = 0x100000000ull; /* the 32-bit entry cannot reach it */
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), -ERANGE);
	l = good_load();
	l.cmdline_len = 2048; /* cmdline_size is 2047 */
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), -E2BIG);
	l.cmdline_len = 2047;
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), 0);
	l = good_load();
	l.initrd_addr = UINT64_MAX - 10; /* wraps */
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), -ERANGE);
	l = good_load();
	e820_add(&map, 0x200000, 0x1000, E820_HYPERVISOR); /* private type */
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), -EINVAL);
	map.entry[map.nr - 1].type = E820_RESERVED;
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), 0);
	map.nr = BZIMAGE_E820_MAX + 1; /* more than the zero page holds (E820_MAX is 128 too) */
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), -E2BIG);

	/* A kernel that is not relocatable runs at 1 MiB only. */
	img[0x234] = 0;
	assert_int_equal(parse(), 0);
	map.nr = 5;
	l = good_load();
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), -EINVAL);
	l.load_addr = 0x100000;
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), 0);
	assert_int_equal(bp.hdr.code32_start, 0x100000);
}

/* Random damage to the header and the length: never a read outside the image. */
static void test_random_corruption(void **state)
{
	(void)state;
	srand(1234);
	for (int i = 0; i < 20000; i++) {
		make_image((unsigned int)(rand() % 64), (size_t)(rand() % 4096) * 16 + 16);
		for (int k = rand() % 8; k >= 0; k--)
			img[0x1f1 + rand() % (0x26c - 0x1f1)] = (uint8_t)rand();
		if (rand() % 2)
			resize((size_t)rand() % (img_len + 1));
		if (parse() == 0) {
			assert_true(info.setup_size + info.pm_size == img_len);
			assert_true(info.version >= 0x020a);
			assert_true(info.init_size >= info.pm_size);
		}
	}
}

/*
 * Debian's kernel, as images/debian-kernel.sh fetched it. `make check-unit`
 * fetches it first and names it in TERN_REAL_KERNEL, and then the case must
 * run; by hand, without the variable, it is skipped if the image is absent.
 */
static void test_real_kernel(void **state)
{
	struct bzimage_load l = good_load();
	const char *path = getenv("TERN_REAL_KERNEL");
	FILE *f = fopen(path ? path : REAL_KERNEL, "rb");
	long len;

	(void)state;
	if (!f && path)
		fail_msg("%s (TERN_REAL_KERNEL): cannot open", path);
	if (!f) {
		print_message("%s absent (make images): skipped\n", REAL_KERNEL);
		skip();
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 1024 * 1024);
	rewind(f);
	free(img);
	img = NULL;
	resize((size_t)len);
	assert_int_equal(fread(img, 1, img_len, f), img_len);
	fclose(f);

	assert_int_equal(parse(), 0);
	print_message("%s: protocol %x.%02x, setup %u bytes, code %lu KiB, pref %#lx, "
		      "init_size %lu MiB, align %#x, xloadflags %#x, cmdline_size %u\n", REAL_KERNEL,
		      info.version >> 8, info.version & 0xff, info.setup_size,
		      (unsigned long)(info.pm_size >> 10), (unsigned long)info.pref_address,
		      (unsigned long)(info.init_size >> 20), info.kernel_alignment, info.xloadflags,
		      info.cmdline_size);
	assert_true(info.version >= 0x020c);
	assert_true(info.relocatable);
	assert_true(info.kernel_alignment >= 0x200000);
	assert_true(info.pref_address >= 0x100000 && info.pref_address < 0x10000000);
	assert_true(info.init_size > info.pm_size && info.init_size < 512ull << 20);
	assert_true(info.xloadflags & BZIMAGE_XLF_KERNEL_64);
	assert_true(info.cmdline_size >= 255);

	l.load_addr = info.pref_address;
	assert_int_equal(bzimage_boot_params(&bp, img, &info, &l), 0);
	assert_int_equal(bp.hdr.version, info.version);
	assert_int_equal(bp.hdr.code32_start, info.pref_address);
	assert_int_equal(bp.hdr.init_size, info.init_size);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setup_sects_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_magic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_boot_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_protocol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_loaded_high, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setup_sects_huge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_payload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inconsistent_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_params_high, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_params_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_kernel, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
