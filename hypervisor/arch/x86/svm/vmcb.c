/* Printing a vCPU's state when its domain dies. */
#include <asm/svm.h>
#include <tern/console.h>
#include <tern/domain.h>

static void dump_segment(const char *name, const struct vmcb_segment *s)
{
	pr_err("  %-4s sel %04x attr %03x limit %08x base %016lx\n", name, s->selector, s->attrib,
	       s->limit, s->base);
}

void vmcb_dump(const struct vcpu *v)
{
	const struct vmcb_save *s = &v->svm.vmcb->save;
	const struct guest_regs *r = &v->regs;

	pr_err("d%uv%u guest state:\n", v->domain->id, v->id);
	pr_err("  rip %016lx  rsp %016lx  rflags %016lx  cpl %u\n", s->rip, s->rsp, s->rflags, s->cpl);
	pr_err("  rax %016lx  rbx %016lx  rcx %016lx\n", s->rax, r->rbx, r->rcx);
	pr_err("  rdx %016lx  rsi %016lx  rdi %016lx\n", r->rdx, r->rsi, r->rdi);
	pr_err("  rbp %016lx  r8  %016lx  r9  %016lx\n", r->rbp, r->r8, r->r9);
	pr_err("  r10 %016lx  r11 %016lx  r12 %016lx\n", r->r10, r->r11, r->r12);
	pr_err("  r13 %016lx  r14 %016lx  r15 %016lx\n", r->r13, r->r14, r->r15);
	pr_err("  cr0 %016lx  cr2 %016lx  cr3 %016lx  cr4 %016lx\n", s->cr0, s->cr2, s->cr3, s->cr4);
	pr_err("  efer %016lx  exitintinfo %016lx\n", s->efer, v->svm.vmcb->control.exitintinfo);
	dump_segment("cs", &s->cs);
	dump_segment("ss", &s->ss);
	dump_segment("ds", &s->ds);
	dump_segment("gdtr", &s->gdtr);
	dump_segment("idtr", &s->idtr);
	dump_segment("tr", &s->tr);
}
