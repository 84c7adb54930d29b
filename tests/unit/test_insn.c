/*
 * The memory-access decoder: instruction lengths across every ModRM/SIB/
 * displacement form, the register (REX.R included) or immediate, operand
 * sizes, loads, and refusals for non-accesses and truncated bytes. The
 * encodings are what GCC emits for Linux's xAPIC writes and their neighbours.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <asm/insn.h>
#include <tern/errno.h>

struct store_case {
	const char *what;
	uint8_t bytes[15];
	size_t n;
	unsigned int len, size;
	int reg;       /* -1: immediate */
	uint64_t imm;
};

static const struct store_case cases[] = {
	{ "mov %eax,abs32 (Linux apic_write)", { 0x89, 0x04, 0x25, 0x00, 0xd3, 0x5f, 0xff }, 7, 7, 4, 0, 0 },
	{ "mov %eax,(%rdx)", { 0x89, 0x02 }, 2, 2, 4, 0, 0 },
	{ "mov %edx,0x8(%r13)", { 0x41, 0x89, 0x55, 0x08 }, 4, 4, 4, 2, 0 },
	{ "mov %r8d,(%rax)", { 0x44, 0x89, 0x00 }, 3, 3, 4, 8, 0 },
	{ "mov %eax,0x8(%rsp)", { 0x89, 0x44, 0x24, 0x08 }, 4, 4, 4, 0, 0 },
	{ "mov %eax,0x100(%rsp)", { 0x89, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00 }, 7, 7, 4, 0, 0 },
	{ "mov %ecx,rip+0x10", { 0x89, 0x0d, 0x10, 0x00, 0x00, 0x00 }, 6, 6, 4, 1, 0 },
	{ "mov %ebx,0x300(%rax,%rcx,4)", { 0x89, 0x9c, 0x88, 0x00, 0x03, 0x00, 0x00 }, 7, 7, 4, 3, 0 },
	{ "movl $0x0,(%rax)", { 0xc7, 0x00, 0x00, 0x00, 0x00, 0x00 }, 6, 6, 4, -1, 0 },
	{ "movl $0x12345678,0xb0(%rdx)", { 0xc7, 0x82, 0xb0, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 }, 10, 10, 4, -1, 0x12345678 },
	{ "movq $-1,(%rax)", { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff }, 7, 7, 8, -1, UINT64_MAX },
	{ "mov %ax,(%rdx)", { 0x66, 0x89, 0x02 }, 3, 3, 2, 0, 0 },
	{ "mov %al,(%rdx)", { 0x88, 0x02 }, 2, 2, 1, 0, 0 },
	{ "movb $0x7,(%rdx)", { 0xc6, 0x02, 0x07 }, 3, 3, 1, -1, 7 },
	{ "mov %rsi,%gs:0x10 (segment prefix)", { 0x65, 0x48, 0x89, 0x34, 0x25, 0x10, 0x00, 0x00, 0x00 }, 9, 9, 8, 6, 0 },
};

static void test_stores_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct store_case *c = &cases[i];
		struct insn_mem s;

		if (insn_decode_mem(c->bytes, c->n, 64, &s) || s.load || s.len != c->len ||
		    s.size != c->size || s.src_is_reg != (c->reg >= 0) ||
		    (c->reg >= 0 ? s.reg != (unsigned int)c->reg : s.imm != c->imm))
			fail_msg("%s: decoded len %u size %u reg %d/%u imm %#llx", c->what, s.len,
				 s.size, s.src_is_reg, s.reg, (unsigned long long)s.imm);
		/* Extra bytes after the instruction change nothing. */
		uint8_t padded[15] = { 0 };
		for (size_t b = 0; b < c->n; b++)
			padded[b] = c->bytes[b];
		assert_int_equal(insn_decode_mem(padded, sizeof(padded), 64, &s), 0);
		assert_int_equal(s.len, c->len);
	}
}

static void test_xchg_is_a_store_that_exchanges(void **state)
{
	const uint8_t xchg[] = { 0x87, 0x02 }; /* xchg %eax,(%rdx): Linux on 11AP parts */
	struct insn_mem s;

	(void)state;
	assert_int_equal(insn_decode_mem(xchg, sizeof(xchg), 64, &s), 0);
	assert_true(s.exchange);
	assert_int_equal(s.len, 2);
}

static void test_loads_decode(void **state)
{
	const uint8_t mov32[] = { 0x8b, 0x02 };             /* mov (%rdx),%eax */
	const uint8_t mov64[] = { 0x4c, 0x8b, 0x48, 0x10 }; /* mov 0x10(%rax),%r9 */
	const uint8_t mov8[] = { 0x8a, 0x0b };              /* mov (%rbx),%cl */
	const uint8_t movzx16[] = { 0x0f, 0xb7, 0x07 };     /* movzwl (%rdi),%eax */
	struct insn_mem s;

	(void)state;
	assert_int_equal(insn_decode_mem(mov32, sizeof(mov32), 64, &s), 0);
	assert_true(s.load);
	assert_int_equal(s.len, 2);
	assert_int_equal(s.size, 4);
	assert_int_equal(s.reg, 0);
	assert_int_equal(insn_decode_mem(mov64, sizeof(mov64), 64, &s), 0);
	assert_int_equal(s.len, 4);
	assert_int_equal(s.size, 8);
	assert_int_equal(s.reg, 9);
	assert_int_equal(insn_decode_mem(mov8, sizeof(mov8), 64, &s), 0);
	assert_int_equal(s.size, 1);
	assert_int_equal(s.reg, 1);
	assert_int_equal(insn_decode_mem(movzx16, sizeof(movzx16), 64, &s), 0);
	assert_int_equal(s.len, 3);
	assert_int_equal(s.size, 2);
	assert_int_equal(s.reg_size, 4);
}

static void test_non_accesses_are_refused(void **state)
{
	const uint8_t lea[] = { 0x8d, 0x02 };         /* lea (%rdx),%eax */
	const uint8_t reg_dest[] = { 0x89, 0xc0 };    /* mov %eax,%eax */
	const uint8_t c7_not_mov[] = { 0xc7, 0x08, 0, 0, 0, 0 }; /* /1 is not MOV */
	const uint8_t nop[] = { 0x90, 0x90 };
	struct insn_mem s;

	(void)state;
	assert_int_equal(insn_decode_mem(lea, sizeof(lea), 64, &s), -EINVAL);
	assert_int_equal(insn_decode_mem(reg_dest, sizeof(reg_dest), 64, &s), -EINVAL);
	assert_int_equal(insn_decode_mem(c7_not_mov, sizeof(c7_not_mov), 64, &s), -EINVAL);
	assert_int_equal(insn_decode_mem(nop, sizeof(nop), 64, &s), -EINVAL);
}

/* MOV between al/ax/eax/rax and an absolute address: a load or a store of
 * register 0, with an 8-byte address (4 with the address-size prefix). */
static void test_moffs_decode(void **state)
{
	static const struct {
		const char *what;
		uint8_t bytes[15];
		unsigned int len, size;
		bool load;
	} moffs[] = {
		{ "movabs 0x1122334455667788,%al", { 0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }, 9, 1, true },
		{ "movabs 0x...,%eax", { 0xa1, 1, 2, 3, 4, 5, 6, 7, 8 }, 9, 4, true },
		{ "movabs 0x...,%ax", { 0x66, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8 }, 10, 2, true },
		{ "movabs 0x...,%rax", { 0x48, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8 }, 10, 8, true },
		{ "addr32 mov 0x...,%eax", { 0x67, 0xa1, 1, 2, 3, 4 }, 6, 4, true },
		{ "movabs %al,0x...", { 0xa2, 1, 2, 3, 4, 5, 6, 7, 8 }, 9, 1, false },
		{ "movabs %rax,0x...", { 0x48, 0xa3, 1, 2, 3, 4, 5, 6, 7, 8 }, 10, 8, false },
		{ "mov %eax,%fs:0x... (addr32)", { 0x64, 0x67, 0xa3, 1, 2, 3, 4 }, 7, 4, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(moffs) / sizeof(moffs[0]); i++) {
		struct insn_mem s;

		if (insn_decode_mem(moffs[i].bytes, moffs[i].len, 64, &s) || s.len != moffs[i].len ||
		    s.size != moffs[i].size || s.load != moffs[i].load || s.reg != 0 ||
		    s.src_is_reg == moffs[i].load || s.string != INSN_STRING_NONE ||
		    (s.load && s.reg_size != s.size))
			fail_msg("%s: len %u size %u load %d reg %u", moffs[i].what, s.len, s.size,
				 s.load, s.reg);
		for (unsigned int n = 0; n < moffs[i].len; n++)
			assert_int_equal(insn_decode_mem(moffs[i].bytes, n, 64, &s), -ENODATA);
	}
}

static void test_string_decode(void **state)
{
	static const struct {
		const char *what;
		uint8_t bytes[4];
		unsigned int len, size, addr_size;
		enum insn_string string;
		bool rep;
		enum insn_seg seg;
	} strings[] = {
		{ "movsb", { 0xa4 }, 1, 1, 8, INSN_MOVS, false, INSN_SEG_DEFAULT },
		{ "rep movsb", { 0xf3, 0xa4 }, 2, 1, 8, INSN_MOVS, true, INSN_SEG_DEFAULT },
		{ "repnz movsb (repeats too)", { 0xf2, 0xa4 }, 2, 1, 8, INSN_MOVS, true, INSN_SEG_DEFAULT },
		{ "rep movsw", { 0x66, 0xf3, 0xa5 }, 3, 2, 8, INSN_MOVS, true, INSN_SEG_DEFAULT },
		{ "rep movsl", { 0xf3, 0xa5 }, 2, 4, 8, INSN_MOVS, true, INSN_SEG_DEFAULT },
		{ "rep movsq", { 0xf3, 0x48, 0xa5 }, 3, 8, 8, INSN_MOVS, true, INSN_SEG_DEFAULT },
		{ "addr32 rep movsb", { 0x67, 0xf3, 0xa4 }, 3, 1, 4, INSN_MOVS, true, INSN_SEG_DEFAULT },
		{ "rep movsb %fs:(%rsi)", { 0x64, 0xf3, 0xa4 }, 3, 1, 8, INSN_MOVS, true, INSN_SEG_FS },
		{ "rep stosb", { 0xf3, 0xaa }, 2, 1, 8, INSN_STOS, true, INSN_SEG_DEFAULT },
		{ "rep stosq", { 0xf3, 0x48, 0xab }, 3, 8, 8, INSN_STOS, true, INSN_SEG_DEFAULT },
		{ "lodsb", { 0xac }, 1, 1, 8, INSN_LODS, false, INSN_SEG_DEFAULT },
		{ "lodsq %gs:(%rsi)", { 0x65, 0x48, 0xad }, 3, 8, 8, INSN_LODS, false, INSN_SEG_GS },
		{ "lodsw, last segment wins", { 0x64, 0x65, 0x66, 0xad }, 4, 2, 8, INSN_LODS, false, INSN_SEG_GS },
	};
	const uint8_t cmps[] = { 0xa6 }, test_al[] = { 0xa8, 0x01 }, scas[] = { 0xf3, 0xae };
	const uint8_t movs_0f[] = { 0x0f, 0xa4, 0xc0, 0x01 }; /* shld, not movs */
	struct insn_mem s;

	(void)state;
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		if (insn_decode_mem(strings[i].bytes, strings[i].len, 64, &s) ||
		    s.len != strings[i].len || s.size != strings[i].size ||
		    s.addr_size != strings[i].addr_size || s.string != strings[i].string ||
		    s.rep != strings[i].rep || s.seg != strings[i].seg)
			fail_msg("%s: len %u size %u addr %u string %d rep %d seg %d", strings[i].what,
				 s.len, s.size, s.addr_size, s.string, s.rep, s.seg);
		for (unsigned int n = 0; n < strings[i].len; n++)
			assert_int_equal(insn_decode_mem(strings[i].bytes, n, 64, &s), -ENODATA);
	}
	assert_int_equal(insn_decode_mem(cmps, sizeof(cmps), 64, &s), -EINVAL);
	assert_int_equal(insn_decode_mem(test_al, sizeof(test_al), 64, &s), -EINVAL);
	assert_int_equal(insn_decode_mem(scas, sizeof(scas), 64, &s), -EINVAL);
	assert_int_equal(insn_decode_mem(movs_0f, sizeof(movs_0f), 64, &s), -EINVAL);
}

static void test_truncated_bytes_are_reported(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct insn_mem s;

		for (size_t n = 0; n < cases[i].len; n++)
			assert_int_equal(insn_decode_mem(cases[i].bytes, n, 64, &s), -ENODATA);
	}
}

static void test_prefix_flood_stays_in_bounds(void **state)
{
	uint8_t bytes[15];
	struct insn_mem s;

	(void)state;
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = 0x66;
	assert_int_equal(insn_decode_mem(bytes, sizeof(bytes), 64, &s), -ENODATA);
}

/* 32-bit and 16-bit code segments: no REX (40-4F are INC/DEC), default
 * operand size 32 or 16 and address size 32 or 16, each flipped by 0x66 and
 * 0x67; AH-BH for byte registers 4-7. Encodings as GCC -m32 and as16 emit. */
struct mode_case {
	const char *what;
	unsigned int code_bits;
	uint8_t bytes[15];
	size_t n;
	int rc;
	unsigned int len, size, reg;
	bool load, high8;
	uint64_t imm;
};

static const struct mode_case mode_cases[] = {
	{ "mov %eax,0xfee000b0 (32-bit apic_write)", 32, { 0x89, 0x05, 0xb0, 0x00, 0xe0, 0xfe }, 6, 0, 6, 4, 0, false, false, 0 },
	{ "mov 0x20(%edx),%ecx", 32, { 0x8b, 0x4a, 0x20 }, 3, 0, 3, 4, 1, true, false, 0 },
	{ "mov %ax,(%edx) (0x66: 16-bit operand)", 32, { 0x66, 0x89, 0x02 }, 3, 0, 3, 2, 0, false, false, 0 },
	{ "movw $0x1234,(%ebx)", 32, { 0x66, 0xc7, 0x03, 0x34, 0x12 }, 5, 0, 5, 2, 0, false, false, 0x1234 },
	{ "movl $-1,0x300(%eax,%ecx,4)", 32, { 0xc7, 0x84, 0x88, 0x00, 0x03, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff }, 11, 0, 11, 4, 0, false, false, 0xffffffff },
	{ "mov %ecx,(%bx,%si) (0x67: 16-bit address)", 32, { 0x67, 0x89, 0x08 }, 3, 0, 3, 4, 1, false, false, 0 },
	{ "mov %edx,0x1234 (0x67, disp16)", 32, { 0x67, 0x89, 0x16, 0x34, 0x12 }, 5, 0, 5, 4, 2, false, false, 0 },
	{ "mov %ah,(%edx)", 32, { 0x88, 0x22 }, 2, 0, 2, 1, 0, false, true, 0 },
	{ "mov (%ebx),%bh", 32, { 0x8a, 0x3b }, 2, 0, 2, 1, 3, true, true, 0 },
	{ "movzbl (%eax),%esp (reg 4 is ESP here, not AH)", 32, { 0x0f, 0xb6, 0x20 }, 3, 0, 3, 1, 4, true, false, 0 },
	{ "inc %eax; ... (0x48 is no REX in 32-bit code)", 32, { 0x48, 0x89, 0x02 }, 3, -EINVAL, 0, 0, 0, false, false, 0 },
	{ "mov %ax,(%bx) (16-bit code)", 16, { 0x89, 0x07 }, 2, 0, 2, 2, 0, false, false, 0 },
	{ "mov %eax,0xb0(%di) (16-bit code, 0x66)", 16, { 0x66, 0x89, 0x85, 0xb0, 0x00 }, 5, 0, 5, 4, 0, false, false, 0 },
	{ "movw $0x5,0x1000 (16-bit code, disp16)", 16, { 0xc7, 0x06, 0x00, 0x10, 0x05, 0x00 }, 6, 0, 6, 2, 0, false, false, 5 },
	{ "mov %ecx,(%eax,%ebx) (16-bit code, 0x66 0x67: SIB)", 16, { 0x66, 0x67, 0x89, 0x0c, 0x18 }, 5, 0, 5, 4, 1, false, false, 0 },
	{ "mov %sil,(%rdx) (64-bit: REX makes reg 6 SIL)", 64, { 0x40, 0x88, 0x32 }, 3, 0, 3, 1, 6, false, false, 0 },
	{ "mov %dh,(%rdx) (64-bit, no REX: DH)", 64, { 0x88, 0x32 }, 2, 0, 2, 1, 2, false, true, 0 },
	{ "mov 0xfee00030,%eax (A1: a 4-byte address in 32-bit code)", 32, { 0xa1, 0x30, 0x00, 0xe0, 0xfe }, 5, 0, 5, 4, 0, true, false, 0 },
	{ "mov %ax,0x1234 (0x66 0x67 A3: a 2-byte address)", 32, { 0x66, 0x67, 0xa3, 0x34, 0x12 }, 5, 0, 5, 2, 0, false, false, 0 },
	{ "mov 0x1234,%al (A0 in 16-bit code)", 16, { 0xa0, 0x34, 0x12 }, 3, 0, 3, 1, 0, true, false, 0 },
	{ "unknown code size", 8, { 0x89, 0x02 }, 2, -EINVAL, 0, 0, 0, false, false, 0 },
};

static void test_code_sizes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mode_cases) / sizeof(mode_cases[0]); i++) {
		const struct mode_case *c = &mode_cases[i];
		struct insn_mem s;
		int rc = insn_decode_mem(c->bytes, c->n, c->code_bits, &s);

		if (rc != c->rc || (rc == 0 && (s.len != c->len || s.size != c->size ||
						 s.reg != c->reg || s.load != c->load ||
						 s.reg_high8 != c->high8 || s.imm != c->imm)))
			fail_msg("%s: rc %d len %u size %u reg %u load %d high8 %d imm %#llx", c->what,
				 rc, s.len, s.size, s.reg, s.load, s.reg_high8,
				 (unsigned long long)s.imm);
		/* Every shorter prefix of a valid one is reported as cut off. */
		for (size_t n = 0; rc == 0 && n < c->len; n++)
			assert_int_equal(insn_decode_mem(c->bytes, n, c->code_bits, &s), -ENODATA);
	}
}

struct mov_cr_case {
	const char *what;
	uint8_t bytes[8];
	size_t n;
	bool long_mode;
	unsigned int len, cr, gpr;
	bool to_cr;
};

static const struct mov_cr_case mov_cr_cases[] = {
	{ "mov %rax,%cr4", { 0x0f, 0x22, 0xe0 }, 3, true, 3, 4, 0, true },
	{ "mov %rdi,%cr4", { 0x0f, 0x22, 0xe7 }, 3, true, 3, 4, 7, true },
	{ "mov %r9,%cr4", { 0x41, 0x0f, 0x22, 0xe1 }, 4, true, 4, 4, 9, true },
	{ "mov %rax,%cr8 (REX.R)", { 0x44, 0x0f, 0x22, 0xc0 }, 4, true, 4, 8, 0, true },
	{ "mov %cr4,%rdx", { 0x0f, 0x20, 0xe2 }, 3, true, 3, 4, 2, false },
	{ "mov %eax,%cr4 (32-bit code)", { 0x0f, 0x22, 0xe0 }, 3, false, 3, 4, 0, true },
	{ "mod bits ignored", { 0x0f, 0x22, 0x21 }, 3, true, 3, 4, 1, true },
	{ "operand-size prefix", { 0x66, 0x0f, 0x22, 0xe3 }, 4, true, 4, 4, 3, true },
	{ "lock mov %eax,%cr0 is CR8 (AMD)", { 0xf0, 0x0f, 0x22, 0xc0 }, 4, false, 4, 8, 0, true },
};

static void test_mov_cr_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mov_cr_cases) / sizeof(mov_cr_cases[0]); i++) {
		const struct mov_cr_case *c = &mov_cr_cases[i];
		struct insn_mov_cr m;

		if (insn_decode_mov_cr(c->bytes, c->n, c->long_mode, &m) || m.len != c->len ||
		    m.cr != c->cr || m.gpr != c->gpr || m.to_cr != c->to_cr)
			fail_msg("%s: len %u cr %u gpr %u to_cr %d", c->what, m.len, m.cr, m.gpr,
				 m.to_cr);
	}
}

static void test_mov_cr_refusals(void **state)
{
	(void)state;
	struct insn_mov_cr m;
	/* 0x41 outside 64-bit code is INC %ecx, not REX.B. */
	const uint8_t inc_then_mov[] = { 0x41, 0x0f, 0x22, 0xe1 };
	const uint8_t mov_mem[] = { 0x89, 0x02 };
	const uint8_t mov_dr[] = { 0x0f, 0x23, 0xc0 };
	const uint8_t half[] = { 0x0f, 0x22 };
	uint8_t flood[15];

	assert_int_equal(insn_decode_mov_cr(inc_then_mov, 4, false, &m), -EINVAL);
	assert_int_equal(insn_decode_mov_cr(mov_mem, 2, true, &m), -EINVAL);
	assert_int_equal(insn_decode_mov_cr(mov_dr, 3, true, &m), -EINVAL);
	assert_int_equal(insn_decode_mov_cr(half, 2, true, &m), -ENODATA);
	assert_int_equal(insn_decode_mov_cr(half, 0, true, &m), -ENODATA);
	for (size_t i = 0; i < sizeof(flood); i++)
		flood[i] = 0x66;
	assert_int_equal(insn_decode_mov_cr(flood, sizeof(flood), true, &m), -ENODATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stores_decode),
		cmocka_unit_test(test_xchg_is_a_store_that_exchanges),
		cmocka_unit_test(test_loads_decode),
		cmocka_unit_test(test_code_sizes),
		cmocka_unit_test(test_non_accesses_are_refused),
		cmocka_unit_test(test_moffs_decode),
		cmocka_unit_test(test_string_decode),
		cmocka_unit_test(test_truncated_bytes_are_reported),
		cmocka_unit_test(test_prefix_flood_stays_in_bounds),
		cmocka_unit_test(test_mov_cr_decode),
		cmocka_unit_test(test_mov_cr_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
