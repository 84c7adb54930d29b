/*
 * Switching the CPU state VMRUN leaves alone (asm/cpu_state.h): extended
 * state with XSAVE/XRSTOR (FXSAVE/FXRSTOR on CPUs without XSAVE), XCR0,
 * TSC_AUX, DR0-DR3, and IBPB between domains.
 *
 * Every component the host has is saved and restored, whatever the vCPU's
 * XCR0 says: XCR0 only decides what a guest may use and what its own XSAVE
 * covers, and a component the guest enables later must then show its own
 * (initial) contents, never what another domain left in the registers.
 * Restoring a component a vCPU never used loads its initial state, which
 * costs little. XCR0 is read back when a vCPU's state is saved: QEMU 7.2
 * does not implement the XSETBV intercept, so there a guest's XSETBV changes
 * XCR0 without tern seeing it.
 *
 * DR0-DR3 are switched eagerly (read back at every slice end, loaded when
 * another vCPU's are in the registers), not lazily behind DR intercepts as
 * Xen does: four MOVs from DRn per slice cost less than the intercept
 * bookkeeping, and no guest access ever exits. A vCPU's breakpoints cannot
 * fire in the hypervisor: VMRUN loads the guest's DR6 and DR7 from the VMCB
 * and #VMEXIT stores them there and disables every breakpoint in the
 * host's DR7 (AMD APM vol. 2, "#VMEXIT"); QEMU 7.2 reloads the DR7 the host
 * had at VMRUN instead, which is tern's reset value (it sets none). So the
 * guest's addresses stay in DR0-DR3 harmlessly until the save below.
 */
#include <asm/cpu.h>
#include <asm/cpu_state.h>
#include <asm/debugreg.h>
#include <asm/percpu.h>
#include <asm/x86-defs.h>
#include <asm/xstate.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/string.h>

#define MSR_PRED_CMD 0x49
#define PRED_CMD_IBPB 1
#define L7_ECX_RDPID (1u << 22)
#define L7_EDX_IBRS_IBPB (1u << 26)      /* Intel: IBPB with SPEC_CTRL */
#define EXT1_EDX_RDTSCP (1u << 27)
#define EXT8_EBX_RSTR_FP_ERR_PTRS (1u << 2)
#define EXT8_EBX_IBPB (1u << 12)         /* AMD */
#define VENDOR_AMD_EBX 0x68747541        /* "Auth" */
#define VENDOR_HYGON_EBX 0x6f677948      /* "Hygo" */

static struct xstate_host host;
static uint64_t host_mask;       /* what every save and restore covers */
static unsigned int area_order;  /* pages per vCPU area */
static bool has_ibpb, has_tsc_aux;
/* AMD CPUs that restore the x87 FIP, FDP and FOP only with an exception
 * pending (APM vol. 5, FXRSTOR; CPUs with CPUID 0x80000008 EBX[2] always
 * do): another guest's values would show through, so they are overwritten
 * first. */
static bool fpu_pointers_leak;

static uint64_t xgetbv(uint32_t index)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
	return (uint64_t)hi << 32 | lo;
}

static void xsetbv(uint32_t index, uint64_t value)
{
	__asm__ volatile("xsetbv" : : "c"(index), "a"((uint32_t)value),
			 "d"((uint32_t)(value >> 32)) : "memory");
}

/* XCR0 as the pCPU's record says; XSETBV only when it changes (it is slow). */
static void set_xcr0(struct cpu_state_pcpu *p, uint64_t value)
{
	if (p->xcr0 != value) {
		xsetbv(0, value);
		p->xcr0 = value;
	}
}

void cpu_state_probe(void)
{
	struct cpuid_regs vendor = cpuid(0, 0);
	uint32_t max_ext = cpuid(0x80000000, 0).eax;
	uint32_t ext8_ebx = max_ext >= 0x80000008 ? cpuid(0x80000008, 0).ebx : 0;
	uint32_t ext1_edx = cpuid(0x80000001, 0).edx;
	struct cpuid_regs l7 = vendor.eax >= 7 ? cpuid(7, 0) : (struct cpuid_regs){ 0 };
	uint32_t size;

	if (vendor.eax >= 0xd && (cpuid(1, 0).ecx & L1_ECX_XSAVE)) {
		struct cpuid_regs d0 = cpuid(0xd, 0);

		host.xcr0_mask = (uint64_t)d0.edx << 32 | d0.eax;
		host.max_size = d0.ecx;
		host.d1_eax = cpuid(0xd, 1).eax;
		for (unsigned int i = 2; i < XSTATE_MAX_COMPONENTS; i++) {
			if (host.xcr0_mask >> i & 1) {
				struct cpuid_regs di = cpuid(0xd, i);

				host.size[i] = di.eax;
				host.offset[i] = di.ebx;
				host.flags[i] = di.ecx;
			}
		}
	}
	host_mask = host.xcr0_mask;
	size = host_mask ? xstate_area_size(&host, host_mask) : sizeof(struct xsave_legacy);
	while ((PAGE_SIZE << area_order) < size)
		area_order++;
	has_ibpb = (ext8_ebx & EXT8_EBX_IBPB) || (l7.edx & L7_EDX_IBRS_IBPB);
	has_tsc_aux = (ext1_edx & EXT1_EDX_RDTSCP) || (l7.ecx & L7_ECX_RDPID);
	fpu_pointers_leak = (vendor.ebx == VENDOR_AMD_EBX || vendor.ebx == VENDOR_HYGON_EBX) &&
			    !(ext8_ebx & EXT8_EBX_RSTR_FP_ERR_PTRS);
	if (host_mask)
		pr_info("FPU: XSAVE, host components %#lx, offered to guests %#lx, %u-byte areas\n",
			(unsigned long)host_mask, (unsigned long)xstate_guest_mask(&host), size);
	else
		pr_info("FPU: no XSAVE: FXSAVE/FXRSTOR (x87 and SSE)\n");
	pr_info("IBPB between domains: %s\n", has_ibpb ? "used" :
		"not available (CPUID 0x80000008 EBX[12] and 7 EDX[26] clear)");
}

const struct xstate_host *cpu_state_xstate_host(void)
{
	return &host;
}

void cpu_state_cpu_init(void)
{
	struct cpu_state_pcpu *p = &this_cpu()->state;

	/* x87 and SSE usable by the save instructions, errors as #MF. */
	write_cr0((read_cr0() & ~(uint64_t)(X86_CR0_EM | X86_CR0_TS)) | X86_CR0_MP | X86_CR0_NE);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT |
		  (host_mask ? X86_CR4_OSXSAVE : 0));
	if (host_mask)
		p->xcr0 = xgetbv(0);
}

int cpu_state_vcpu_init(struct vcpu *v)
{
	struct vcpu_cpu_state *s = &v->cpu_state;

	if (!s->fpu)
		s->fpu = alloc_pages(area_order);
	if (!s->fpu)
		return -ENOMEM;
	/* XSTATE_BV = 0: every component in its initial state, which for x87 is
	 * FCW 0x37f; FXRSTOR and XRSTOR take MXCSR from the legacy region. */
	memset(s->fpu, 0, PAGE_SIZE << area_order);
	s->fpu->legacy.fcw = XSTATE_FCW_RESET;
	s->fpu->legacy.mxcsr = XSTATE_MXCSR_RESET;
	s->xcr0 = XSTATE_X87;
	s->tsc_aux = 0;
	memset(s->dr, 0, sizeof(s->dr));
	s->loaded_on = -1;
	return 0;
}

/* vCPUs freed so far: a pCPU that last ran a domain since freed cannot
 * tell a new domain at the same address from it (cpu_state_plan). */
static uint64_t vcpus_freed;

void cpu_state_vcpu_free(struct vcpu *v)
{
	if (v->cpu_state.fpu)
		free_pages(v->cpu_state.fpu, area_order);
	v->cpu_state.fpu = NULL;
	__atomic_fetch_add(&vcpus_freed, 1, __ATOMIC_SEQ_CST);
}

static void clear_fpu_pointers(void)
{
	static const uint32_t zero;

	/* No pending exception, a free slot, then a load that sets FIP/FDP/FOP. */
	__asm__ volatile("fnclex; ffree %%st(7); fildl %0" : : "m"(zero));
}

static void fpu_restore(struct cpu_state_pcpu *p, struct xsave_area *a)
{
	if (fpu_pointers_leak)
		clear_fpu_pointers();
	if (!host_mask) {
		__asm__ volatile("fxrstor64 %0" : : "m"(*a) : "memory");
		return;
	}
	set_xcr0(p, host_mask);
	/* The area runs past struct xsave_area's fixed part: "memory". */
	__asm__ volatile("xrstor64 %0" : : "m"(*a), "a"((uint32_t)host_mask),
			 "d"((uint32_t)(host_mask >> 32)) : "memory");
}

static void fpu_save(struct cpu_state_pcpu *p, struct xsave_area *a)
{
	if (!host_mask) {
		__asm__ volatile("fxsave64 %0" : "=m"(*a) : : "memory");
		return;
	}
	set_xcr0(p, host_mask);
	__asm__ volatile("xsave64 %0" : "+m"(*a) : "a"((uint32_t)host_mask),
			 "d"((uint32_t)(host_mask >> 32)) : "memory");
}

void cpu_state_load(struct vcpu *v)
{
	struct vcpu_cpu_state *s = &v->cpu_state;
	struct cpu_state_pcpu *p = &this_cpu()->state;
	struct cpu_state_switch sw = cpu_state_plan(p, smp_processor_id(), v, v->domain,
						    &s->loaded_on,
						    __atomic_load_n(&vcpus_freed, __ATOMIC_SEQ_CST),
						    has_ibpb);

	if (sw.ibpb)
		wrmsr(MSR_PRED_CMD, PRED_CMD_IBPB);
	if (!sw.load)
		return;
	fpu_restore(p, s->fpu);
	if (host_mask)
		set_xcr0(p, s->xcr0);
	if (has_tsc_aux)
		wrmsr(MSR_TSC_AUX, s->tsc_aux);
	for (unsigned int i = 0; i < 4; i++)
		write_dr(i, s->dr[i]);
}

void cpu_state_save(struct vcpu *v)
{
	struct vcpu_cpu_state *s = &v->cpu_state;
	struct cpu_state_pcpu *p = &this_cpu()->state;

	if (host_mask) {
		/* What the guest has in XCR0, intercepted or not. */
		p->xcr0 = xgetbv(0);
		s->xcr0 = p->xcr0;
	}
	fpu_save(p, s->fpu);
	if (host_mask)
		set_xcr0(p, s->xcr0);
	for (unsigned int i = 0; i < 4; i++)
		s->dr[i] = read_dr(i);
}

int cpu_state_set_xcr0(struct vcpu *v, uint32_t index, uint64_t value)
{
	const char *why = host_mask ? xstate_xcr0_check(xstate_guest_mask(&host), index, value)
				    : "no XSAVE";

	if (why) {
		pr_debug("d%uv%u: XSETBV(%u, %#lx) refused: %s\n", v->domain->id, v->id, index,
			 (unsigned long)value, why);
		return -EINVAL;
	}
	v->cpu_state.xcr0 = value;
	set_xcr0(&this_cpu()->state, value);
	return 0;
}

uint64_t cpu_state_xcr0(const struct vcpu *v)
{
	/* Running here (a CPUID exit): the registers may be newer than the record. */
	if (host_mask && this_cpu()->state.loaded == v &&
	    v->cpu_state.loaded_on == (int)smp_processor_id())
		return xgetbv(0);
	return v->cpu_state.xcr0;
}

int cpu_state_set_tsc_aux(struct vcpu *v, uint64_t value)
{
	if (!has_tsc_aux || value >> 32)
		return -EINVAL; /* TSC_AUX[63:32] are reserved */
	v->cpu_state.tsc_aux = value;
	wrmsr(MSR_TSC_AUX, value);
	return 0;
}
