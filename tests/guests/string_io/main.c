/*
 * string_io: INS and OUTS at a port nothing decodes, which is every port of
 * a domain without devices: as on a PC, INS stores all-ones of its size at
 * es:rdi and OUTS reads ds:rsi for nothing, each element moving rdi or rsi
 * (down with DF set) and a REP counting rcx down; an address this guest's
 * page tables do not map takes the #PF the CPU would give, with the
 * registers at the element that faulted.
 * Proves: byte, word and dword INS with and without REP, upwards and
 * downwards, a count of a whole page (several batches in tern), the
 * address-size prefix (edi/ecx), OUTS leaving memory and rax alone, and
 * both faults. Cannot tell: 32-bit code, how many exits a count took.
 */
#include "lib.h"
#include "string_insn.h"

const char test_title[] = "INS and OUTS at a port with nothing behind it";

#define PF_VECTOR 14
#define UNMAPPED 0x100000000ull /* above the 4 GiB the guest's tables map */
#define PORT 0x2f0              /* nothing there: a domain without devices has no ports */

static uint8_t buf[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t pattern[256];

#define PORT_STRING(text, r, down) STRING_INSN(text, r, down, PORT)

/* buf[from, to) holds all-ones and the bytes around it the pattern. */
static void expect_ones(const char *what, unsigned int from, unsigned int to)
{
	for (unsigned int i = 0; i < 256; i++) {
		uint8_t want = i >= from && i < to ? 0xff : pattern[i];

		if (buf[i] != want) {
			test_failure("%s: byte %u is %#x, expected %#x", what, i, buf[i], want);
			return;
		}
	}
}

static void refill(void)
{
	memcpy(buf, pattern, sizeof(pattern));
}

static uint64_t at(unsigned int i)
{
	return (uintptr_t)&buf[i];
}

static void ins(void)
{
	struct string_regs r = { 16, 0, at(8), 0x1234 }, want = { 0, 0, at(24), 0x1234 };

	refill();
	PORT_STRING("rep insb", r, false);
	expect_string_regs("rep insb", &r, &want);
	expect_ones("rep insb", 8, 24);

	refill();
	r = (struct string_regs){ 4, 0, at(64), 0 };
	want = (struct string_regs){ 0, 0, at(56), 0 };
	PORT_STRING("rep insw", r, true);
	expect_string_regs("std; rep insw", &r, &want);
	expect_ones("std; rep insw", 58, 66);

	refill();
	r = (struct string_regs){ 7, 0, at(100), 0 };
	want = (struct string_regs){ 7, 0, at(104), 0 };
	PORT_STRING("insl", r, false);
	expect_string_regs("insl", &r, &want);
	expect_ones("insl", 100, 104);

	/* 67: ecx counts and edi addresses, both written as 32 bits. */
	refill();
	r = (struct string_regs){ 0xffffffff00000000ull | 3, 0, 0xabcd000000000000ull | at(30), 0 };
	want = (struct string_regs){ 0, 0, at(33), 0 };
	PORT_STRING("addr32 rep insb", r, false);
	expect_string_regs("addr32 rep insb", &r, &want);
	expect_ones("addr32 rep insb", 30, 33);
}

static void ins_whole_page(void)
{
	struct string_regs r = { PAGE_SIZE / 4, 0, at(0), 0 }, want = { 0, 0, at(PAGE_SIZE), 0 };

	memset(buf, 0, sizeof(buf));
	PORT_STRING("rep insl", r, false);
	expect_string_regs("rep insl over a page", &r, &want);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		if (buf[i] != 0xff) {
			test_failure("rep insl over a page: byte %u is %#x", i, buf[i]);
			break;
		}
}

static void outs(void)
{
	struct string_regs r = { 8, (uintptr_t)pattern, 0, 0x55 };
	struct string_regs want = { 0, (uintptr_t)pattern + 8, 0, 0x55 };
	uint8_t before[sizeof(pattern)];

	memcpy(before, pattern, sizeof(pattern));
	PORT_STRING("rep outsb", r, false);
	expect_string_regs("rep outsb", &r, &want);
	r = (struct string_regs){ 2, (uintptr_t)pattern + 16, 0, 0x55 };
	want = (struct string_regs){ 0, (uintptr_t)pattern + 8, 0, 0x55 };
	PORT_STRING("rep outsl", r, true);
	expect_string_regs("std; rep outsl", &r, &want);
	if (memcmp(before, pattern, sizeof(pattern)))
		test_failure("rep outs changed the memory it read");
}

/* The first elements reach addresses mapped with nothing behind them, the
 * third the first unmapped one: a #PF there, rcx and rdi (rsi) at it. */
static void fault(const char *what, bool in)
{
	struct string_regs r = in ? (struct string_regs){ 4, 0, UNMAPPED - 2, 0 }
			   : (struct string_regs){ 4, UNMAPPED - 2, 0, 0 };
	struct string_regs want = in ? (struct string_regs){ 2, 0, UNMAPPED, 0 }
			      : (struct string_regs){ 2, UNMAPPED, 0, 0 };
	uint64_t cr2;

	trap_caught = TRAP_NONE;
	if (in)
		__asm__ volatile("1: rep insb\n2:\n\t" EX_TABLE_ENTRY("1b", "2b")
				 : "+c"(r.rcx), "+D"(r.rdi) : "d"(PORT) : "memory");
	else
		__asm__ volatile("1: rep outsb\n2:\n\t" EX_TABLE_ENTRY("1b", "2b")
				 : "+c"(r.rcx), "+S"(r.rsi) : "d"(PORT) : "memory");
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	if (trap_caught != PF_VECTOR || cr2 != UNMAPPED)
		test_failure("%s: vector %d cr2 %#lx, expected #PF at %#llx", what, trap_caught,
			     cr2, UNMAPPED);
	expect_string_regs(what, &r, &want);
}

void test_main(void)
{
	for (unsigned int i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 13 + 5);
	ins();
	ins_whole_page();
	outs();
	fault("rep insb into unmapped memory", true);
	fault("rep outsb from unmapped memory", false);
}
