/* MOVS, STOS and LODS over RAM and unbacked memory (asm/insn_string.h). */
#include <asm/insn_string.h>
#include <tern/errno.h>

/* The bits of a register an address size uses. */
static uint64_t addr_mask(unsigned int addr_size)
{
	return addr_size >= 8 ? ~0ull : (1ull << (8 * addr_size)) - 1;
}

/* A register written at an address or operand size: 4 bytes zero-extend
 * (64-bit code's rule), 1 and 2 bytes keep the bits above. */
static uint64_t reg_write(uint64_t old, uint64_t val, unsigned int size)
{
	uint64_t mask = addr_mask(size);

	return size >= 4 ? val & mask : (old & ~mask) | (val & mask);
}

static uint64_t linear(const struct string_regs *r, uint64_t base, uint64_t offset,
		       unsigned int addr_size)
{
	uint64_t la = base + (offset & addr_mask(addr_size));

	return r->wrap32 ? (uint32_t)la : la;
}

#define FAULTED 1 /* the guest's page tables refuse the access: a #PF */
#define NOT_CANONICAL 2 /* a #GP */

/* 64-bit code: bits from la_bits - 1 up are all copies of that bit. */
static bool canonical(const struct string_regs *r, uint64_t la)
{
	unsigned int shift = r->la_bits ? 64 - r->la_bits : 16;

	return r->wrap32 || (uint64_t)((int64_t)(la << shift) >> shift) == la;
}

/* One element at la, page by page (an unaligned one may span two): adds
 * to *unbacked whether a piece had nothing behind it. 0, FAULTED,
 * NOT_CANONICAL, or the error of a translation, read or write. */
static int access(const struct string_regs *r, const struct string_mem_ops *ops, void *ctx,
		  uint64_t la, uint8_t *buf, unsigned int size, bool write, bool *unbacked,
		  struct string_fault *fault)
{
	uint64_t gpa[2];
	unsigned int len[2], pieces = 0, done = 0;
	int rc;

	if (!canonical(r, la) || !canonical(r, la + size - 1))
		return NOT_CANONICAL;
	/* Translate every piece first: a fault on the second leaves the first untouched. */
	while (done < size) {
		uint64_t at = r->wrap32 ? (uint32_t)(la + done) : la + done;

		len[pieces] = MIN(size - done, PAGE_SIZE - (at & ~PAGE_MASK));
		rc = ops->translate(ctx, at, write, &gpa[pieces], &fault->pf_error);
		if (rc == -EFAULT) {
			fault->la = at;
			return FAULTED;
		}
		if (rc)
			return rc;
		done += len[pieces++];
	}
	for (unsigned int p = 0, off = 0; p < pieces; off += len[p++]) {
		rc = write ? ops->write(ctx, gpa[p], buf + off, len[p])
			   : ops->read(ctx, gpa[p], buf + off, len[p]);
		if (rc < 0)
			return rc;
		*unbacked |= rc == STRING_MEM_NOTHING;
	}
	return 0;
}

/* Memory at ds:rsi is read (and rsi moves). */
static bool reads_source(enum insn_string s)
{
	return s == INSN_MOVS || s == INSN_LODS || s == INSN_OUTS;
}

/* Memory at es:rdi is written (and rdi moves). */
static bool writes_destination(enum insn_string s)
{
	return s == INSN_MOVS || s == INSN_STOS || s == INSN_INS;
}

/* One element: its accesses, then its registers. 0, FAULTED, NOT_CANONICAL or an error. */
static int element(const struct insn_mem *insn, struct string_regs *r,
		   const struct string_mem_ops *ops, void *ctx, bool *unbacked,
		   struct string_fault *fault)
{
	uint64_t src = linear(r, r->src_base, r->rsi, insn->addr_size);
	uint64_t dst = linear(r, 0, r->rdi, insn->addr_size);
	uint64_t step = r->df ? -(uint64_t)insn->size : insn->size;
	/* The port of INS and OUTS has nothing behind it: INS reads all-ones
	 * from it, OUTS's value goes nowhere. */
	uint64_t value = insn->string == INSN_INS ? ~0ull : r->rax;
	uint8_t data[8];
	int rc = 0;

	*unbacked |= insn->string == INSN_INS || insn->string == INSN_OUTS;
	for (unsigned int b = 0; b < sizeof(data); b++)
		data[b] = (uint8_t)(value >> (8 * b));
	if (reads_source(insn->string))
		rc = access(r, ops, ctx, src, data, insn->size, false, unbacked, fault);
	if (!rc && writes_destination(insn->string))
		rc = access(r, ops, ctx, dst, data, insn->size, true, unbacked, fault);
	if (rc)
		return rc;
	if (insn->string == INSN_LODS) {
		uint64_t val = 0;

		for (unsigned int b = 0; b < insn->size; b++)
			val |= (uint64_t)data[b] << (8 * b);
		r->rax = reg_write(r->rax, val, insn->size);
	}
	if (reads_source(insn->string))
		r->rsi = reg_write(r->rsi, r->rsi + step, insn->addr_size);
	if (writes_destination(insn->string))
		r->rdi = reg_write(r->rdi, r->rdi + step, insn->addr_size);
	return 0;
}

int insn_string_run(const struct insn_mem *insn, struct string_regs *r,
		    const struct string_mem_ops *ops, void *ctx, unsigned int max,
		    struct string_fault *fault)
{
	unsigned int done = 0;

	if (insn->string == INSN_STRING_NONE || insn->size > 8 || !insn->size)
		return -EINVAL;
	for (;;) {
		bool unbacked = false;
		int rc;

		if (insn->rep && !(r->rcx & addr_mask(insn->addr_size)))
			return STRING_DONE;
		if (done == max)
			return STRING_AGAIN;
		rc = element(insn, r, ops, ctx, &unbacked, fault);
		if (rc == FAULTED)
			return STRING_FAULT;
		if (rc == NOT_CANONICAL)
			return STRING_GP;
		if (rc)
			return rc;
		done++;
		if (!insn->rep)
			return STRING_DONE;
		r->rcx = reg_write(r->rcx, r->rcx - 1, insn->addr_size);
		/* The CPU is quicker at RAM to RAM: hand the rest back. */
		if (!unbacked && r->rcx & addr_mask(insn->addr_size))
			return STRING_AGAIN;
	}
}
