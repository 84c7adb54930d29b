/*
 * A string instruction (MOVS, STOS, LODS) that reached guest-physical
 * memory with nothing behind it, or an INS or OUTS at a port with nothing
 * behind it (hvm/io.c): carried out a batch at a time by
 * insn_string_run() over the vCPU's registers, its accesses translated by
 * the guest's page tables with the rights its CPL has and made through the
 * domain's own view of memory (p2m_bus_read/p2m_bus_write).
 */
#include <asm/guest_walk.h>
#include <asm/hvm.h>
#include <asm/insn_string.h>
#include <asm/vlapic.h>
#include <asm/x86-defs.h>
#include <tern/errno.h>
#include <tern/p2m.h>

_Static_assert(STRING_MEM_RAM == P2M_BUS_RAM && STRING_MEM_NOTHING == P2M_BUS_NOTHING,
	       "p2m_bus_read/write answer as string_mem_ops read/write");

struct string_ctx {
	struct vcpu *v;
	struct hvm_access_state state;
	unsigned int cpl;
};

static int translate(void *ctx, uint64_t la, bool write, uint64_t *gpa, uint32_t *pf_error)
{
	struct string_ctx *c = ctx;
	struct guest_access a = { .write = write, .user = c->cpl == 3,
				  .ac = (c->state.rflags & X86_EFLAGS_AC) != 0 };

	return guest_translate(c->v, la, &a, gpa, pf_error);
}

/* The xAPIC page is a device, not emptiness: a string there is refused. */
static int read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct vcpu *v = ((struct string_ctx *)ctx)->v;

	return vlapic_mmio_page(&v->lapic, gpa) ? -EOPNOTSUPP : p2m_bus_read(v->domain, gpa, buf, len);
}

static int write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	struct vcpu *v = ((struct string_ctx *)ctx)->v;

	return vlapic_mmio_page(&v->lapic, gpa) ? -EOPNOTSUPP : p2m_bus_write(v->domain, gpa, buf, len);
}

static const struct string_mem_ops vcpu_mem = { translate, read, write };

/* The source's segment base: in 64-bit code only FS and GS have one. */
static uint64_t source_base(const struct hvm_access_state *s, enum insn_seg seg)
{
	return seg == INSN_SEG_FS ? s->fs_base : seg == INSN_SEG_GS ? s->gs_base : 0;
}

int hvm_emulate_string(struct vcpu *v, const struct insn_mem *st)
{
	uint64_t *rax = hvm->gpr(v, 0), *rcx = hvm->gpr(v, 1);
	uint64_t *rsi = hvm->gpr(v, 6), *rdi = hvm->gpr(v, 7);
	struct string_ctx c = { .v = v, .cpl = hvm->cpl(v) };
	struct guest_paging paging;
	struct string_regs r;
	struct string_fault fault;
	int rc;

	if (!hvm->long_mode64(v))
		return -EOPNOTSUPP; /* segment limits and 16/32-bit defaults: not here */
	hvm->access_state(v, &c.state);
	hvm->guest_paging(v, &paging);
	r = (struct string_regs){
		.rax = *rax, .rcx = *rcx, .rsi = *rsi, .rdi = *rdi,
		.df = (c.state.rflags & X86_EFLAGS_DF) != 0, .src_base = source_base(&c.state, st->seg),
		.la_bits = paging.cr4 & X86_CR4_LA57 ? 57 : 48,
	};
	rc = insn_string_run(st, &r, &vcpu_mem, &c, STRING_BATCH, &fault);
	/* Elements done before an error or a fault stay done, as on the CPU. */
	*rax = r.rax;
	*rcx = r.rcx;
	*rsi = r.rsi;
	*rdi = r.rdi;
	if (rc == STRING_DONE)
		hvm->advance_rip(v, st->len);
	else if (rc == STRING_FAULT)
		hvm->inject_page_fault(v, fault.la, fault.pf_error);
	else if (rc == STRING_GP)
		hvm_inject_gp(v);
	return rc < 0 ? rc : 0;
}
