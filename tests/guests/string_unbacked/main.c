/*
 * string_unbacked: string instructions and MOV with an absolute address
 * (A0-A3) that reach guest-physical memory with nothing behind it, as on
 * Xen, where such memory reads all-ones and drops writes.
 *
 * The hole: as the initial domain, the gap after its first RAM range (the
 * legacy VGA hole at 0xa0000 and what precedes it: nothing maps it); as a
 * domU, one page of this image given back with XENMEM_decrease_reservation
 * (a domU's low megabyte is all RAM).
 * Proves, byte by byte: rep movs and rep stos crossing from RAM into the
 * hole and from the hole into RAM, upwards and (DF set) downwards, at byte,
 * word, dword and qword size, with the address-size prefix (ecx/esi/edi);
 * each element's RAM half reads or writes RAM, its hole half reads all-ones
 * and drops the write; rcx/rsi/rdi end as the CPU leaves them; lods merges
 * or zero-extends rax as the CPU does; a rep stos over the whole hole ends;
 * a rep movs from the hole to an address this guest's page tables do not
 * map takes a #PF there with the registers at that element; A0-A3 loads
 * and stores; the domain survives all of it.
 * Cannot tell: 32-bit code segments, segment overrides other than none, how
 * many exits a long count took.
 */
#include "lib.h"
#include "string_insn.h"

#include <public/memory.h>

const char test_title[] = "string instructions and moffs MOVs over unbacked memory";

#define PF_VECTOR 14
#define UNMAPPED 0x100000000ull /* above the 4 GiB the guest's tables map */
#define MEMMAP_RAM 1 /* hvm_memmap_table_entry type: e820 RAM */

struct hole {
	uint64_t start, end; /* [start, end): nothing behind it; RAM below and from end */
};

/* As a domU: RAM page, given-back page, RAM page. */
static uint8_t pages[3][PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t pattern[256], buf[256];

/* One string instruction with these registers; DF set around it if down. */
#define STRING(text, r, down) STRING_INSN(text, r, down, 0)

static bool overlaps(uint64_t a, uint64_t len, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + len;
}

/* The initial domain: the end of its first RAM range, up to the next RAM
 * (its table maps RAM only), if the page below holds no boot data. */
static bool find_hole_dom0(struct hole *h)
{
	const struct hvm_start_info *si = start_info();
	const struct hvm_memmap_table_entry *map = (const void *)(uintptr_t)si->memmap_paddr;

	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		uint64_t end = map[i].addr + map[i].size, next = ~0ull;

		if (map[i].type != MEMMAP_RAM || end < 2 * PAGE_SIZE ||
		    end >= UNMAPPED || end % PAGE_SIZE)
			continue;
		for (uint32_t j = 0; j < si->memmap_entries; j++)
			if (map[j].type == MEMMAP_RAM && map[j].addr >= end &&
			    map[j].addr < next)
				next = map[j].addr;
		if (next < end + PAGE_SIZE || next >= UNMAPPED)
			continue;
		uint64_t scratch = end - PAGE_SIZE;

		if (overlaps(scratch, PAGE_SIZE, start_info_pa, sizeof(*si)) ||
		    overlaps(scratch, PAGE_SIZE, si->memmap_paddr,
			     si->memmap_entries * sizeof(*map)) ||
		    overlaps(scratch, PAGE_SIZE, si->cmdline_paddr, PAGE_SIZE))
			continue;
		*h = (struct hole){ end, next };
		return true;
	}
	return false;
}

static bool find_hole_domu(struct hole *h)
{
	uint64_t gfn = (uintptr_t)pages[1] / PAGE_SIZE;
	struct xen_memory_reservation r = {
		.extent_start = (uintptr_t)&gfn, .nr_extents = 1, .domid = DOMID_SELF,
	};
	long rc = memory_op(XENMEM_decrease_reservation, &r);

	if (rc != 1) {
		test_error("XENMEM_decrease_reservation of gfn %#lx: %ld", gfn, rc);
		return false;
	}
	*h = (struct hole){ (uintptr_t)pages[1], (uintptr_t)pages[2] };
	return true;
}

/* Each of n bytes at p is want(i). */
static void expect_bytes(const char *what, const volatile uint8_t *p, unsigned int n,
			 uint8_t (*want)(unsigned int i, const void *arg), const void *arg)
{
	for (unsigned int i = 0; i < n; i++) {
		if (p[i] != want(i, arg)) {
			test_failure("%s: byte %u at %p is %#x, expected %#x", what, i, (void *)p,
				     p[i], want(i, arg));
			return;
		}
	}
}

static uint8_t ones(unsigned int i, const void *arg)
{
	(void)i;
	(void)arg;
	return 0xff;
}

static uint8_t copy_of(unsigned int i, const void *arg)
{
	return ((const volatile uint8_t *)arg)[i];
}

static uint8_t byte_of(unsigned int i, const void *arg)
{
	return (uint8_t)((uintptr_t)arg >> (8 * (i % 2)));
}

static volatile uint8_t *at(uint64_t a)
{
	return (volatile uint8_t *)(uintptr_t)a;
}

/* RAM at a, as copy_of's argument (it reads it through a volatile pointer). */
static const void *ram(uint64_t a)
{
	return (const void *)(uintptr_t)a;
}

static void fill(uint64_t a, uint8_t seed, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		at(a)[i] = (uint8_t)(seed + 7 * i);
}

static void check_hole_reads_ones(const struct hole *h)
{
	if (*at(h->start) != 0xff || *at(h->end - 1) != 0xff)
		test_failure("the hole at %#lx does not read all-ones", h->start);
	*at(h->start) = 0;
	if (*at(h->start) != 0xff)
		test_failure("the hole at %#lx kept a write", h->start);
}

static void movs_ram_to_hole(const struct hole *h)
{
	uint64_t dst = h->start - 64;
	struct string_regs r = { 128, (uintptr_t)pattern, dst, 0 };
	struct string_regs want = { 0, (uintptr_t)pattern + 128, dst + 128, 0 };

	memset((void *)(uintptr_t)dst, 0, 64);
	STRING("rep movsb", r, false);
	expect_string_regs("rep movsb RAM to hole", &r, &want);
	expect_bytes("rep movsb RAM to hole: RAM half", at(dst), 64, copy_of, pattern);
	expect_bytes("rep movsb RAM to hole: hole half", at(h->start), 64, ones, NULL);
}

static void movs_hole_to_ram_up(const struct hole *h)
{
	/* Source from the hole into the RAM after it (only read). */
	uint64_t src = h->end - 32;
	struct string_regs r = { 16, src, (uintptr_t)buf, 0 };
	struct string_regs want = { 0, src + 128, (uintptr_t)buf + 128, 0 };

	memset(buf, 0, sizeof(buf));
	STRING("rep movsq", r, false);
	expect_string_regs("rep movsq hole to RAM", &r, &want);
	expect_bytes("rep movsq hole to RAM: hole half", buf, 32, ones, NULL);
	expect_bytes("rep movsq hole to RAM: RAM half", buf + 32, 96, copy_of, ram(h->end));
}

static void movs_ram_then_hole_read(const struct hole *h)
{
	uint64_t src = h->start - 32;
	struct string_regs r = { 16, src, (uintptr_t)buf, 0 };
	struct string_regs want = { 0, src + 64, (uintptr_t)buf + 64, 0 };

	fill(src, 0x11, 32);
	memset(buf, 0, sizeof(buf));
	STRING("rep movsl", r, false);
	expect_string_regs("rep movsl RAM into hole (reads)", &r, &want);
	expect_bytes("rep movsl reads: RAM half", buf, 32, copy_of, ram(src));
	expect_bytes("rep movsl reads: hole half", buf + 32, 32, ones, NULL);
}

static void movs_hole_to_ram_down(const struct hole *h)
{
	/* Source downwards from the hole into the RAM below it. */
	uint64_t src = h->start + 63;
	struct string_regs r = { 128, src, (uintptr_t)buf + 127, 0 };
	struct string_regs want = { 0, src - 128, (uintptr_t)buf - 1, 0 };

	fill(h->start - 64, 0x40, 64);
	memset(buf, 0, sizeof(buf));
	STRING("rep movsb", r, true);
	expect_string_regs("std; rep movsb hole down into RAM", &r, &want);
	expect_bytes("std; rep movsb: RAM half", buf, 64, copy_of, ram(h->start - 64));
	expect_bytes("std; rep movsb: hole half", buf + 64, 64, ones, NULL);
}

static void stos_hole_to_ram_down(const struct hole *h)
{
	/* Destination downwards from the hole into the RAM below it. */
	uint64_t dst = h->start + 14;
	struct string_regs r = { 16, 0, dst, 0x1234a55a };
	struct string_regs want = { 0, 0, dst - 32, 0x1234a55a };

	memset((void *)(uintptr_t)(h->start - 32), 0, 32);
	STRING("rep stosw", r, true);
	expect_string_regs("std; rep stosw hole down into RAM", &r, &want);
	expect_bytes("std; rep stosw: RAM half", at(h->start - 16), 16, byte_of,
		     (void *)(uintptr_t)0xa55a);
	expect_bytes("std; rep stosw: below it", at(h->start - 32), 16, copy_of,
		     (const uint8_t[16]){ 0 });
	expect_bytes("std; rep stosw: hole half", at(h->start), 16, ones, NULL);
}

static void stos_ram_to_hole(const struct hole *h)
{
	uint64_t dst = h->start - 10;
	struct string_regs r = { 20, 0, dst, 0x3c };
	struct string_regs want = { 0, 0, dst + 20, 0x3c };

	memset((void *)(uintptr_t)(dst - 6), 0, 16);
	STRING("rep stosb", r, false);
	expect_string_regs("rep stosb RAM to hole", &r, &want);
	expect_bytes("rep stosb: RAM half", at(dst), 10, byte_of, (void *)(uintptr_t)0x3c3c);
	expect_bytes("rep stosb: before it", at(dst - 6), 6, copy_of, (const uint8_t[6]){ 0 });
}

static void stos_ram_to_hole_dwords(const struct hole *h)
{
	/* Unaligned: the middle element straddles RAM and the hole. */
	uint64_t dst = h->start - 6;
	struct string_regs r = { 3, 0, dst, 0xdeadbeefcafe1234ull };
	struct string_regs want = { 0, 0, dst + 12, 0xdeadbeefcafe1234ull };
	static const uint8_t le[6] = { 0x34, 0x12, 0xfe, 0xca, 0x34, 0x12 };

	STRING("rep stosl", r, false);
	expect_string_regs("rep stosl straddling", &r, &want);
	expect_bytes("rep stosl straddling: RAM half", at(dst), 6, copy_of, le);
}

static void stos_whole_hole(const struct hole *h)
{
	uint64_t n = (h->end - h->start) / 8;
	struct string_regs r = { n, 0, h->start, 0 };
	struct string_regs want = { 0, 0, h->end, 0 };

	STRING("rep stosq", r, false);
	expect_string_regs("rep stosq over the whole hole", &r, &want);
}

static void lods_from_hole(const struct hole *h)
{
	struct string_regs r = { 0, h->start, 0, 0x1122334455667700ull };
	struct string_regs want = r;

	STRING("lodsb", r, false);
	want.rsi += 1;
	want.rax = 0x11223344556677ffull;
	expect_string_regs("lodsb from the hole", &r, &want);
	r.rax = 0x1122334455660000ull;
	STRING("lodsw", r, false);
	want.rsi += 2;
	want.rax = 0x112233445566ffffull;
	expect_string_regs("lodsw from the hole", &r, &want);
	r.rax = 0x1122334455660000ull;
	STRING("lodsl", r, false);
	want.rsi += 4;
	want.rax = 0xffffffffull;
	expect_string_regs("lodsl from the hole", &r, &want);
	r.rax = 0;
	STRING("lodsq", r, true);
	want.rsi -= 8;
	want.rax = ~0ull;
	expect_string_regs("std; lodsq from the hole", &r, &want);
}

static void movs_addr32(const struct hole *h)
{
	/* 67: ecx counts, esi/edi address, and all three are written as 32 bits. */
	uint64_t dst = h->start - 20;
	struct string_regs r = { 0xffffffff00000000ull | 40, (uintptr_t)pattern, dst, 0 };
	struct string_regs want = { 0, (uintptr_t)pattern + 40, dst + 40, 0 };

	memset((void *)(uintptr_t)dst, 0, 20);
	STRING("addr32 rep movsb", r, false);
	expect_string_regs("addr32 rep movsb RAM to hole", &r, &want);
	expect_bytes("addr32 rep movsb: RAM half", at(dst), 20, copy_of, pattern);
}

static void movs_fault(const struct hole *h)
{
	/* The source is the hole (a nested fault); the destination is not
	 * mapped by this guest's tables: the guest's #PF comes first. */
	struct string_regs r = { 8, h->start, UNMAPPED + 8, 0 };
	struct string_regs want = r;
	uint64_t cr2;

	trap_caught = TRAP_NONE;
	__asm__ volatile("1: rep movsb\n2:\n\t" EX_TABLE_ENTRY("1b", "2b")
			 : "+c"(r.rcx), "+S"(r.rsi), "+D"(r.rdi) : : "memory");
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	if (trap_caught != PF_VECTOR || cr2 != UNMAPPED + 8)
		test_failure("rep movsb to an unmapped address: vector %d cr2 %#lx, expected #PF at %#llx",
			     trap_caught, cr2, UNMAPPED + 8);
	expect_string_regs("rep movsb to an unmapped address", &r, &want);
}

/* Runs one MOV with an absolute address (opcode bytes, then the address
 * in addr_len bytes) on rax, from a buffer of code built here: the address
 * is only known at run time. */
static uint8_t moffs_code[32] __aligned(16);

static uint64_t run_moffs(const uint8_t *opcode, unsigned int n, uint64_t addr,
			  unsigned int addr_len, uint64_t rax)
{
	unsigned int i = 0;

	for (unsigned int b = 0; b < n; b++)
		moffs_code[i++] = opcode[b];
	for (unsigned int b = 0; b < addr_len; b++)
		moffs_code[i++] = (uint8_t)(addr >> (8 * b));
	moffs_code[i] = 0xc3; /* ret */
	__asm__ volatile("call *%1" : "+a"(rax) : "r"(moffs_code) : "memory");
	return rax;
}

static void moffs(const struct hole *h)
{
	static const struct {
		const char *what;
		uint8_t opcode[2];
		unsigned int n, addr_len;
		uint64_t rax, want;
	} cases[] = {
		{ "mov moffs,%al", { 0xa0 }, 1, 8, 0x1122334455667700ull, 0x11223344556677ffull },
		{ "mov moffs,%ax", { 0x66, 0xa1 }, 2, 8, 0x1122334455660000ull, 0x112233445566ffffull },
		{ "mov moffs,%eax", { 0xa1 }, 1, 8, 0x1122334455667700ull, 0xffffffffull },
		{ "mov moffs,%rax", { 0x48, 0xa1 }, 2, 8, 0, ~0ull },
		{ "addr32 mov moffs32,%eax", { 0x67, 0xa1 }, 2, 4, 0x1122334455667700ull, 0xffffffffull },
		{ "mov %al,moffs", { 0xa2 }, 1, 8, 0x12, 0x12 },
		{ "mov %rax,moffs", { 0x48, 0xa3 }, 2, 8, 0x1234, 0x1234 },
		{ "addr32 mov %eax,moffs32", { 0x67, 0xa3 }, 2, 4, 0x5678, 0x5678 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t got = run_moffs(cases[i].opcode, cases[i].n, h->start + 8 * i,
					 cases[i].addr_len, cases[i].rax);

		if (got != cases[i].want)
			test_failure("%s: rax %#lx, expected %#lx", cases[i].what, got,
				     cases[i].want);
	}
	expect_bytes("mov to moffs: the hole", at(h->start), 8 * ARRAY_SIZE(cases), ones, NULL);
}

void test_main(void)
{
	struct hole h;

	for (unsigned int i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 13 + 5);
	if (!(guest_domid() == 0 ? find_hole_dom0(&h) : find_hole_domu(&h))) {
		if (!test_has_failed())
			test_error("no RAM range followed by a hole below 4 GiB");
		return;
	}
	printf("hole [%#lx, %#lx)\n", h.start, h.end);
	check_hole_reads_ones(&h);
	moffs(&h);
	movs_ram_to_hole(&h);
	movs_hole_to_ram_up(&h);
	movs_ram_then_hole_read(&h);
	movs_hole_to_ram_down(&h);
	stos_hole_to_ram_down(&h);
	stos_ram_to_hole(&h);
	stos_ram_to_hole_dwords(&h);
	lods_from_hole(&h);
	movs_addr32(&h);
	movs_fault(&h);
	stos_whole_hole(&h);
}
