/* Entering and leaving VMX operation on this CPU (VMXON, VMXOFF). */
#include <asm/cpu.h>
#include <asm/vmx.h>
#include <asm/x86-defs.h>
#include <tern/console.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/string.h>

/* Reports failure in CF (VMfailInvalid) or ZF (VMfailValid). */
static bool vmxoff(void)
{
	bool failed;

	__asm__ volatile("vmxoff; setbe %0" : "=qm"(failed) : : "cc", "memory");
	return !failed;
}

int vmx_cpu_on(struct vmx_cpu *c, const struct vmx_msrs *m, uint32_t revision_id)
{
	uint64_t cr0, cr4;

	c->saved_cr0 = read_cr0();
	c->saved_cr4 = read_cr4();
	if (!vmx_fixed_cr(c->saved_cr0, m->cr0_fixed0, m->cr0_fixed1, &cr0) ||
	    !vmx_fixed_cr(c->saved_cr4 | X86_CR4_VMXE, m->cr4_fixed0, m->cr4_fixed1, &cr4)) {
		pr_err("VMX: CR0 %#lx or CR4 %#lx has a bit VMX operation forbids "
		       "(CR0 fixed %#lx/%#lx, CR4 fixed %#lx/%#lx)\n", c->saved_cr0, c->saved_cr4,
		       m->cr0_fixed0, m->cr0_fixed1, m->cr4_fixed0, m->cr4_fixed1);
		return -EINVAL;
	}
	c->region = alloc_pages(0);
	if (!c->region)
		return -ENOMEM;
	memset(c->region, 0, PAGE_SIZE);
	*(uint32_t *)c->region = revision_id;
	write_cr0(cr0);
	write_cr4(cr4);
	if (!vmx_region_insn("vmxon", (uintptr_t)c->region)) {
		pr_err("VMX: VMXON failed (CR0 %#lx, CR4 %#lx)\n", cr0, cr4);
		vmx_cpu_off(c);
		return -EIO;
	}
	c->on = true;
	return 0;
}

void vmx_cpu_off(struct vmx_cpu *c)
{
	if (c->on && !vmxoff())
		pr_err("VMX: VMXOFF failed\n");
	c->on = false;
	write_cr4(c->saved_cr4);
	write_cr0(c->saved_cr0);
	free_pages(c->region, 0);
	c->region = NULL;
}
