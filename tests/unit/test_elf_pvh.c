/*
 * PVH kernel parsing over synthetic ELF files: the entry note found in ELF64
 * and ELF32 containers, segments and their bounds, and refusals for a file
 * without the note, truncated files, foreign machines, segments that lie and
 * an entry outside the segments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <asm/elf_pvh.h>
#include <tern/errno.h>

static uint8_t img[8192];

static void put(size_t off, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		img[off + i] = (uint8_t)(v >> (8 * i));
}

/* An ELF with a PT_LOAD of 0x200 bytes at paddr 0x100000 (memsz 0x3000) and a
 * PT_NOTE; note_type 18 makes it a PVH kernel. Returns its length. */
static size_t make_elf(bool is64, uint32_t note_type, uint16_t machine)
{
	size_t ph = is64 ? 64 : 52, phsz = is64 ? 56 : 32, note = 0x400, data = 0x1000;

	memset(img, 0, sizeof(img));
	memcpy(img, "\x7f" "ELF", 4);
	img[4] = is64 ? 2 : 1;
	img[5] = 1;
	put(16, 2, 2);                 /* ET_EXEC */
	put(18, machine, 2);
	if (is64) {
		put(32, ph, 8);
		put(54, phsz, 2);
		put(56, 2, 2);
	} else {
		put(28, ph, 4);
		put(42, phsz, 2);
		put(44, 2, 2);
	}
	/* PT_LOAD */
	put(ph, 1, 4);
	put(ph + (is64 ? 8 : 4), data, is64 ? 8 : 4);
	put(ph + (is64 ? 24 : 12), 0x100000, is64 ? 8 : 4);
	put(ph + (is64 ? 32 : 16), 0x200, is64 ? 8 : 4);
	put(ph + (is64 ? 40 : 20), 0x3000, is64 ? 8 : 4);
	/* PT_NOTE: one unrelated note, then the entry note. */
	put(ph + phsz, 4, 4);
	put(ph + phsz + (is64 ? 8 : 4), note, is64 ? 8 : 4);
	put(ph + phsz + (is64 ? 32 : 16), 48, is64 ? 8 : 4);
	put(note, 4, 4);
	put(note + 4, 4, 4);
	put(note + 8, 1, 4);
	memcpy(img + note + 12, "GNU", 4);
	put(note + 16, 0xabcd, 4);
	put(note + 20, 4, 4);
	put(note + 24, 4, 4);
	put(note + 28, note_type, 4);
	memcpy(img + note + 32, "Xen", 4);
	put(note + 36, 0x100040, 4);
	return data + 0x200;
}

static void test_elf64_and_elf32_pvh_kernels(void **state)
{
	struct elf_pvh_info info;

	(void)state;
	for (int is64 = 0; is64 <= 1; is64++) {
		size_t len = make_elf(is64, 18, is64 ? 62 : 3);

		assert_int_equal(elf_pvh_parse(img, len, &info), 0);
		assert_int_equal(info.entry, 0x100040);
		assert_int_equal(info.nr_segments, 1);
		assert_int_equal(info.segment[0].paddr, 0x100000);
		assert_int_equal(info.segment[0].filesz, 0x200);
		assert_int_equal(info.segment[0].memsz, 0x3000);
		assert_int_equal(info.lowest, 0x100000);
		assert_int_equal(info.highest, 0x103000);
	}
	/* An ELF32 container with x86-64 code, as tern.elf itself is. */
	assert_int_equal(elf_pvh_parse(img, make_elf(false, 18, 62), &info), 0);
}

static void test_without_the_note(void **state)
{
	struct elf_pvh_info info;

	(void)state;
	assert_int_equal(elf_pvh_parse(img, make_elf(true, 17, 62), &info), -ENOENT);
}

static void test_refusals(void **state)
{
	struct elf_pvh_info info;
	size_t len;

	(void)state;
	assert_int_equal(elf_pvh_parse(img, make_elf(true, 18, 40 /* ARM */), &info), -ENOEXEC);
	len = make_elf(true, 18, 62);
	for (size_t cut = 0; cut < len; cut += 97)
		assert_int_not_equal(elf_pvh_parse(img, cut, &info), 0);
	/* filesz larger than memsz */
	len = make_elf(true, 18, 62);
	put(64 + 40, 0x100, 8);
	assert_int_equal(elf_pvh_parse(img, len, &info), -ENOEXEC);
	/* a segment reaching past 4 GiB */
	len = make_elf(true, 18, 62);
	put(64 + 24, 0xfffff000ull, 8);
	assert_int_equal(elf_pvh_parse(img, len, &info), -ENOEXEC);
	/* a note whose size runs past its segment is not read past it */
	len = make_elf(true, 18, 62);
	put(0x400 + 20, 0x7fffffff, 4);
	assert_int_equal(elf_pvh_parse(img, len, &info), -ENOENT);
	/* an entry outside the loadable segments (the kernel would run garbage) */
	len = make_elf(true, 18, 62);
	put(0x400 + 36, 0x103000, 4);
	assert_int_equal(elf_pvh_parse(img, len, &info), -ERANGE);
	/* not an ELF at all */
	memset(img, 0x90, 512);
	assert_false(elf_is_elf(img, 512));
	assert_int_equal(elf_pvh_parse(img, 512, &info), -ENOEXEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf64_and_elf32_pvh_kernels),
		cmocka_unit_test(test_without_the_note),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
