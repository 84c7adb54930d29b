/*
 * String instructions over a fake guest: RAM at [0x1000, 0x2000) and
 * [0x3000, 0x4000), nothing at [0x2000, 0x3000) (and everywhere else), a
 * page at 0x5000 the hypervisor may not touch, and linear addresses that
 * translate to themselves unless the test says they fault. Each case
 * starts where the CPU would have stopped: at the element that reached
 * the hole. Instructions are decoded from their bytes by insn_decode_mem.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <asm/insn_string.h>
#include <tern/errno.h>

#define RAM_LOW 0x1000
#define HOLE 0x2000
#define RAM_HIGH 0x3000
#define FORBIDDEN 0x5000
#define PF_CODE 0x2

static uint8_t ram[0x4000]; /* indexed by guest-physical address */
static uint64_t fault_page = ~0ull, broken_table_page = ~0ull;
static unsigned int accesses;

static bool is_ram(uint64_t gpa)
{
	return (gpa >= RAM_LOW && gpa < HOLE) || (gpa >= RAM_HIGH && gpa < RAM_HIGH + 0x1000);
}

static int translate(void *ctx, uint64_t la, bool write, uint64_t *gpa, uint32_t *pf_error)
{
	(void)ctx;
	(void)write;
	if ((la & ~0xfffull) == fault_page) {
		*pf_error = PF_CODE;
		return -EFAULT;
	}
	if ((la & ~0xfffull) == broken_table_page)
		return -EIO;
	*gpa = la;
	return 0;
}

static int read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	accesses++;
	assert_true((gpa & 0xfff) + len <= 0x1000); /* never across a page */
	if ((gpa & ~0xfffull) == FORBIDDEN)
		return -EFAULT;
	if (!is_ram(gpa)) {
		memset(buf, 0xff, len);
		return STRING_MEM_NOTHING;
	}
	memcpy(buf, ram + gpa, len);
	return STRING_MEM_RAM;
}

static int write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	(void)ctx;
	accesses++;
	assert_true((gpa & 0xfff) + len <= 0x1000);
	if ((gpa & ~0xfffull) == FORBIDDEN)
		return -EFAULT;
	if (!is_ram(gpa))
		return STRING_MEM_NOTHING;
	memcpy(ram + gpa, buf, len);
	return STRING_MEM_RAM;
}

static const struct string_mem_ops ops = { translate, read, write };

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ram); i++)
		ram[i] = (uint8_t)(i * 7 + 3);
	fault_page = broken_table_page = ~0ull;
	accesses = 0;
	return 0;
}

static struct insn_mem decode(const uint8_t *bytes, size_t n)
{
	struct insn_mem insn;

	assert_int_equal(insn_decode_mem(bytes, n, 64, &insn), 0);
	assert_int_not_equal(insn.string, INSN_STRING_NONE);
	return insn;
}
#define DECODE(...) decode((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

static int run(const struct insn_mem *insn, struct string_regs *r, struct string_fault *f)
{
	return insn_string_run(insn, r, &ops, NULL, STRING_BATCH, f);
}

static void all_bytes(uint64_t gpa, size_t n, uint8_t val)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ram[gpa + i], val);
}

/* rep movsb into the hole: every write dropped, all of it in one call. */
static void test_movs_into_hole_completes(void **state)
{
	struct insn_mem movsb = DECODE(0xf3, 0xa4);
	struct string_regs r = { .rcx = 100, .rsi = RAM_HIGH, .rdi = HOLE };
	struct string_fault f;
	uint8_t before[sizeof(ram)];

	(void)state;
	memcpy(before, ram, sizeof(ram));
	assert_int_equal(run(&movsb, &r, &f), STRING_DONE);
	assert_int_equal(r.rcx, 0);
	assert_int_equal(r.rsi, RAM_HIGH + 100);
	assert_int_equal(r.rdi, HOLE + 100);
	assert_memory_equal(before, ram, sizeof(ram));
}

/* rep movsq from the hole into RAM: hole elements read all-ones; the first
 * element that is RAM to RAM is done, then the CPU gets the rest. */
static void test_movs_out_of_hole_hands_back(void **state)
{
	struct insn_mem movsq = DECODE(0xf3, 0x48, 0xa5);
	struct string_regs r = { .rcx = 8, .rsi = RAM_HIGH - 16, .rdi = RAM_LOW };
	struct string_fault f;
	uint8_t src2[8], after[8];

	(void)state;
	memcpy(src2, ram + RAM_HIGH, 8);
	memcpy(after, ram + RAM_LOW + 24, 8);
	assert_int_equal(run(&movsq, &r, &f), STRING_AGAIN);
	assert_int_equal(r.rcx, 5);
	assert_int_equal(r.rsi, RAM_HIGH + 8);
	assert_int_equal(r.rdi, RAM_LOW + 24);
	all_bytes(RAM_LOW, 16, 0xff);
	assert_memory_equal(ram + RAM_LOW + 16, src2, 8);
	assert_memory_equal(ram + RAM_LOW + 24, after, 8); /* not reached */
}

/* std; rep stosw from the hole down into RAM. */
static void test_stos_down_into_ram(void **state)
{
	struct insn_mem stosw = DECODE(0x66, 0xf3, 0xab);
	struct string_regs r = { .rax = 0xabcd1234, .rcx = 8, .rdi = HOLE + 6, .df = true };
	struct string_fault f;

	(void)state;
	assert_int_equal(run(&stosw, &r, &f), STRING_AGAIN);
	assert_int_equal(r.rcx, 3);
	assert_int_equal(r.rdi, HOLE - 4);
	assert_int_equal(ram[HOLE - 2], 0x34);
	assert_int_equal(ram[HOLE - 1], 0x12);
	assert_int_equal(ram[HOLE - 3], (uint8_t)((HOLE - 3) * 7 + 3)); /* untouched */
	assert_int_equal(r.rax, 0xabcd1234);
}

/* A huge count is worked off a batch per call, never more. */
static void test_long_count_is_batched(void **state)
{
	struct insn_mem stosb = DECODE(0xf3, 0xaa);
	struct string_regs r = { .rcx = 100000, .rdi = 0x100000 };
	struct string_fault f;
	unsigned int calls = 0;
	int rc;

	(void)state;
	do {
		uint64_t rcx = r.rcx;

		accesses = 0;
		rc = run(&stosb, &r, &f);
		calls++;
		assert_true(accesses <= STRING_BATCH);
		assert_int_equal(rcx - r.rcx, rcx < STRING_BATCH ? rcx : STRING_BATCH);
	} while (rc == STRING_AGAIN);
	assert_int_equal(rc, STRING_DONE);
	assert_int_equal(calls, (100000 + STRING_BATCH - 1) / STRING_BATCH);
	assert_int_equal(r.rdi, 0x100000 + 100000);
	assert_int_equal(r.rcx, 0);
}

/* An unaligned element across the RAM/hole boundary: each half on its own. */
static void test_element_straddling_the_boundary(void **state)
{
	struct insn_mem stosl = DECODE(0xab);
	struct insn_mem lodsl = DECODE(0xad);
	struct string_regs r = { .rax = 0x44332211, .rdi = HOLE - 2, .rcx = 99 };
	struct string_fault f;

	(void)state;
	assert_int_equal(run(&stosl, &r, &f), STRING_DONE);
	assert_int_equal(ram[HOLE - 2], 0x11);
	assert_int_equal(ram[HOLE - 1], 0x22);
	assert_int_equal(r.rdi, HOLE + 2);
	assert_int_equal(r.rcx, 99); /* no rep: rcx is not a count */
	r.rsi = HOLE - 2;
	assert_int_equal(run(&lodsl, &r, &f), STRING_DONE);
	assert_int_equal(r.rax, 0xffff2211);
}

/* lods: 8 and 16 bits merge into rax, 32 bits zero-extend, 64 replace. */
static void test_lods_register_widths(void **state)
{
	struct string_regs r = { .rax = 0x1122334455667788ull, .rsi = HOLE };
	struct string_fault f;
	struct insn_mem lodsb = DECODE(0xac), lodsw = DECODE(0x66, 0xad);
	struct insn_mem lodsl = DECODE(0xad), lodsq = DECODE(0x48, 0xad);

	(void)state;
	assert_int_equal(run(&lodsb, &r, &f), STRING_DONE);
	assert_int_equal(r.rax, 0x11223344556677ffull);
	r.rax = 0x1122334455667788ull;
	assert_int_equal(run(&lodsw, &r, &f), STRING_DONE);
	assert_int_equal(r.rax, 0x112233445566ffffull);
	assert_int_equal(run(&lodsl, &r, &f), STRING_DONE);
	assert_int_equal(r.rax, 0xffffffffull);
	r.rax = 0;
	assert_int_equal(run(&lodsq, &r, &f), STRING_DONE);
	assert_int_equal(r.rax, ~0ull);
	assert_int_equal(r.rsi, HOLE + 1 + 2 + 4 + 8);
}

/* 67: ecx, esi, edi, written back as 32 bits (zero-extended) and wrapping. */
static void test_address_size_32(void **state)
{
	struct insn_mem movsb = DECODE(0x67, 0xf3, 0xa4);
	struct string_regs r = { .rcx = 0xffffffff00000003ull, .rsi = 0xdead000000003000ull,
				 .rdi = 0xbeef000000002000ull };
	struct insn_mem lodsb = DECODE(0x67, 0xac);
	struct string_fault f;

	(void)state;
	assert_int_equal(movsb.addr_size, 4);
	assert_int_equal(run(&movsb, &r, &f), STRING_DONE);
	assert_int_equal(r.rcx, 0);
	assert_int_equal(r.rsi, RAM_HIGH + 3);
	assert_int_equal(r.rdi, HOLE + 3);
	r.rsi = 0xffffffffull; /* esi wraps to 0 */
	assert_int_equal(run(&lodsb, &r, &f), STRING_DONE);
	assert_int_equal(r.rsi, 0);
	/* A rep with ecx 0 is done at once, whatever rcx's upper half says. */
	r.rcx = 0x100000000ull;
	accesses = 0;
	assert_int_equal(run(&movsb, &r, &f), STRING_DONE);
	assert_int_equal(accesses, 0);
}

/* The source segment's base, and 4 GiB wrap-around outside 64-bit code. */
static void test_segment_base_and_wrap(void **state)
{
	struct insn_mem lodsb = DECODE(0x64, 0xac);
	struct string_regs r = { .rsi = 5, .src_base = RAM_LOW };
	struct string_fault f;

	(void)state;
	assert_int_equal(run(&lodsb, &r, &f), STRING_DONE);
	assert_int_equal(r.rax, ram[RAM_LOW + 5]);
	r = (struct string_regs){ .rsi = 0x1010, .src_base = 0xfffffff0, .wrap32 = true };
	assert_int_equal(run(&lodsb, &r, &f), STRING_DONE);
	assert_int_equal(r.rax, ram[RAM_LOW]);
}

/* A #PF on the destination: reported at its address, with the guest's
 * error code, and nothing of that element done. */
static void test_fault_stops_before_the_element(void **state)
{
	struct insn_mem movsb = DECODE(0xf3, 0xa4);
	struct insn_mem stosl = DECODE(0xab);
	struct string_regs r = { .rcx = 8, .rsi = HOLE, .rdi = 0x7000 };
	struct string_fault f;

	(void)state;
	fault_page = 0x7000;
	assert_int_equal(run(&movsb, &r, &f), STRING_FAULT);
	assert_int_equal(f.la, 0x7000);
	assert_int_equal(f.pf_error, PF_CODE);
	assert_int_equal(r.rcx, 8);
	assert_int_equal(r.rsi, HOLE);
	assert_int_equal(r.rdi, 0x7000);
	/* An element whose second page faults leaves its first page alone. */
	fault_page = HOLE;
	r = (struct string_regs){ .rax = 0, .rdi = HOLE - 2 };
	assert_int_equal(run(&stosl, &r, &f), STRING_FAULT);
	assert_int_equal(f.la, HOLE);
	assert_int_equal(ram[HOLE - 2], (uint8_t)((HOLE - 2) * 7 + 3));
}

/* 64-bit code: an element at a non-canonical address is a #GP, before it. */
static void test_non_canonical_is_gp(void **state)
{
	struct insn_mem stosb = DECODE(0xf3, 0xaa), stosl = DECODE(0xab);
	struct string_regs r = { .rcx = 4, .rdi = 0x7ffffffffffeull, .la_bits = 48 };
	struct string_fault f;

	(void)state;
	assert_int_equal(run(&stosb, &r, &f), STRING_GP);
	assert_int_equal(r.rcx, 2);
	assert_int_equal(r.rdi, 0x800000000000ull);
	/* The top half is canonical, and 57 bits reach further. */
	r = (struct string_regs){ .rcx = 1, .rdi = 0xffff800000000000ull, .la_bits = 48 };
	assert_int_equal(run(&stosb, &r, &f), STRING_DONE);
	r = (struct string_regs){ .rcx = 1, .rdi = 0x800000000000ull, .la_bits = 57 };
	assert_int_equal(run(&stosb, &r, &f), STRING_DONE);
	/* An element whose last byte is past the canonical end. */
	r = (struct string_regs){ .rdi = 0x7ffffffffffeull, .la_bits = 48 };
	assert_int_equal(run(&stosl, &r, &f), STRING_GP);
	assert_int_equal(r.rdi, 0x7ffffffffffeull);
}

/* Memory the hypervisor may not touch, and tables it cannot read: errors,
 * with the elements before them done and nothing of theirs. */
static void test_errors_are_reported(void **state)
{
	struct insn_mem movsb = DECODE(0xf3, 0xa4);
	struct string_regs r = { .rcx = 4, .rsi = HOLE, .rdi = FORBIDDEN - 2 };
	struct string_fault f;

	(void)state;
	assert_int_equal(run(&movsb, &r, &f), -EFAULT);
	assert_int_equal(r.rcx, 2);
	assert_int_equal(r.rdi, FORBIDDEN);
	broken_table_page = HOLE;
	r = (struct string_regs){ .rcx = 4, .rsi = HOLE, .rdi = RAM_LOW };
	assert_int_equal(run(&movsb, &r, &f), -EIO);
	assert_int_equal(r.rcx, 4);
	/* Not a string instruction at all. */
	struct insn_mem mov;

	assert_int_equal(insn_decode_mem((const uint8_t[]){ 0x89, 0x02 }, 2, 64, &mov), 0);
	assert_int_equal(run(&mov, &r, &f), -EINVAL);
}

/* rep insw into RAM from a port with nothing behind it: all-ones stored
 * element by element, rdi up, rax alone; RAM never hands back to the CPU
 * (the port would exit again at once). */
static void test_ins_fills_ram_with_ones(void **state)
{
	struct insn_mem insw = DECODE(0x66, 0xf3, 0x6d);
	struct string_regs r = { .rax = 0x1234, .rcx = 5, .rdi = RAM_LOW + 8 };
	struct string_fault f;

	(void)state;
	assert_int_equal(insw.string, INSN_INS);
	assert_int_equal(insw.size, 2);
	assert_int_equal(run(&insw, &r, &f), STRING_DONE);
	assert_int_equal(r.rcx, 0);
	assert_int_equal(r.rdi, RAM_LOW + 18);
	assert_int_equal(r.rax, 0x1234);
	all_bytes(RAM_LOW + 8, 10, 0xff);
	assert_int_equal(ram[RAM_LOW + 18], (uint8_t)((RAM_LOW + 18) * 7 + 3));
	assert_int_equal(ram[RAM_LOW + 7], (uint8_t)((RAM_LOW + 7) * 7 + 3));
}

/* std; rep insl: downwards; a REX.W changes nothing (ports take 4 bytes at most). */
static void test_ins_down_and_rex_w(void **state)
{
	struct insn_mem insl = DECODE(0xf3, 0x48, 0x6d);
	struct string_regs r = { .rcx = 3, .rdi = RAM_LOW + 0x100, .df = true };
	struct string_fault f;

	(void)state;
	assert_int_equal(insl.size, 4);
	assert_int_equal(run(&insl, &r, &f), STRING_DONE);
	assert_int_equal(r.rdi, RAM_LOW + 0x100 - 12);
	all_bytes(RAM_LOW + 0x100 - 8, 12, 0xff);
	assert_int_equal(ram[RAM_LOW + 0x100 + 4], (uint8_t)((RAM_LOW + 0x104) * 7 + 3));
}

/* rep outsb: memory at ds:rsi (here gs:rsi) is read for nothing, rsi moves,
 * nothing is written, rax stays. */
static void test_outs_reads_and_discards(void **state)
{
	struct insn_mem outsb = DECODE(0x65, 0xf3, 0x6e);
	struct string_regs r = { .rax = 0x77, .rcx = 4, .rsi = 0x10, .src_base = RAM_HIGH,
				 .rdi = RAM_LOW };
	struct string_fault f;
	uint8_t before[sizeof(ram)];

	(void)state;
	assert_int_equal(outsb.string, INSN_OUTS);
	assert_int_equal(outsb.seg, INSN_SEG_GS);
	memcpy(before, ram, sizeof(ram));
	accesses = 0;
	assert_int_equal(run(&outsb, &r, &f), STRING_DONE);
	assert_int_equal(accesses, 4);
	assert_int_equal(r.rsi, 0x14);
	assert_int_equal(r.rdi, RAM_LOW);
	assert_int_equal(r.rax, 0x77);
	assert_int_equal(r.rcx, 0);
	assert_memory_equal(before, ram, sizeof(ram));
}

/* A count past the batch: a batch per call, however much is RAM. */
static void test_ins_long_count_is_batched(void **state)
{
	struct insn_mem insb = DECODE(0xf3, 0x6c);
	struct string_regs r = { .rcx = 3 * STRING_BATCH, .rdi = RAM_LOW };
	struct string_fault f;

	(void)state;
	assert_int_equal(run(&insb, &r, &f), STRING_AGAIN);
	assert_int_equal(r.rcx, 2 * STRING_BATCH);
	assert_int_equal(r.rdi, RAM_LOW + STRING_BATCH);
}

/* A 16-bit address size (67 in 32-bit code): di wraps, the rest of rdi stays. */
static void test_ins_16bit_address_wraps(void **state)
{
	struct insn_mem insb;
	const uint8_t bytes[] = { 0x67, 0x6c };
	struct string_regs r = { .rcx = 2, .rdi = 0xabc0000ull | 0xffff, .wrap32 = true };
	struct string_fault f;

	(void)state;
	assert_int_equal(insn_decode_mem(bytes, sizeof(bytes), 32, &insb), 0);
	assert_int_equal(insb.addr_size, 2);
	/* Element one at 0xffff (nothing there), then di wraps to 0. */
	assert_int_equal(run(&insb, &r, &f), STRING_DONE);
	assert_int_equal(r.rdi, 0xabc0000ull | 0x0000);
}

/* INS to a page the guest's tables refuse: the #PF the CPU would give,
 * before the element, with rdi and rcx where it stopped. */
static void test_ins_fault_and_outs_gp(void **state)
{
	struct insn_mem insl = DECODE(0xf3, 0x6d);
	struct insn_mem outsl = DECODE(0x6f);
	struct string_regs r = { .rcx = 4, .rdi = 0x7ff8 };
	struct string_regs o = { .rsi = 0x0000800000000000ull };
	struct string_fault f;
	uint8_t before[sizeof(ram)];

	(void)state;
	fault_page = 0x8000;
	assert_int_equal(run(&insl, &r, &f), STRING_FAULT);
	assert_int_equal(f.la, 0x8000);
	assert_int_equal(f.pf_error, PF_CODE);
	assert_int_equal(r.rdi, 0x8000);
	assert_int_equal(r.rcx, 2);
	memcpy(before, ram, sizeof(ram));
	assert_int_equal(run(&outsl, &o, &f), STRING_GP);
	assert_int_equal(o.rsi, 0x0000800000000000ull);
	assert_memory_equal(before, ram, sizeof(ram));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_movs_into_hole_completes, setup),
		cmocka_unit_test_setup(test_movs_out_of_hole_hands_back, setup),
		cmocka_unit_test_setup(test_stos_down_into_ram, setup),
		cmocka_unit_test_setup(test_long_count_is_batched, setup),
		cmocka_unit_test_setup(test_element_straddling_the_boundary, setup),
		cmocka_unit_test_setup(test_lods_register_widths, setup),
		cmocka_unit_test_setup(test_address_size_32, setup),
		cmocka_unit_test_setup(test_segment_base_and_wrap, setup),
		cmocka_unit_test_setup(test_fault_stops_before_the_element, setup),
		cmocka_unit_test_setup(test_non_canonical_is_gp, setup),
		cmocka_unit_test_setup(test_errors_are_reported, setup),
		cmocka_unit_test_setup(test_ins_fills_ram_with_ones, setup),
		cmocka_unit_test_setup(test_ins_down_and_rex_w, setup),
		cmocka_unit_test_setup(test_outs_reads_and_discards, setup),
		cmocka_unit_test_setup(test_ins_long_count_is_batched, setup),
		cmocka_unit_test_setup(test_ins_16bit_address_wraps, setup),
		cmocka_unit_test_setup(test_ins_fault_and_outs_gp, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
