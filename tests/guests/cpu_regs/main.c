/*
 * cpu_regs: the per-vCPU registers VMRUN does not switch by itself. Proves:
 * a fresh vCPU has DR0-DR3 zero, DR6 0xffff0ff0, DR7 0x400, DEBUGCTL 0 and
 * TSC_AUX 0; DEBUGCTL takes LBR and BTF and refuses BTS and reserved bits
 * with #GP, TSC_AUX refuses bits 63:32; and, run as two domUs on one pCPU
 * (domu.cfg), each keeps its own TSC_AUX (RDMSR, RDTSCP, and RDPID where
 * CPUID has it), DR0-DR3 and DEBUGCTL through five seconds of switches
 * (SCHEDOP_yield): before tern switched them, the second started with the
 * first's. So do the syscall MSRs (STAR, LSTAR, CSTAR, SFMASK,
 * KERNEL_GS_BASE), which a domU reaches natively and which SVM's
 * VMSAVE/VMLOAD switch but VMX's entry and exit do not (tern does).
 * Cannot tell: whether DEBUGCTL acts (without LBR virtualization, as under
 * QEMU, tern keeps the value only, as Xen does).
 */
#include "lib.h"

#include <asm/debugreg.h>
#include <public/sched.h>

const char test_title[] = "TSC_AUX, DR0-DR3, DR6, DR7, DEBUGCTL: reset values and isolation";

#define MSR_DEBUGCTL 0x1d9
#define MSR_TSC_AUX 0xc0000103
#define NR_SYSCALL_MSRS 5
#define DEBUGCTL_LBR 1u
#define DEBUGCTL_BTF 2u
#define DEBUGCTL_BTS (1u << 7)
#define ROUNDS 300
/* Five seconds of system time: the two instances' loops overlap even if
 * one was unpaused a while after the other. (Not TSC cycles: Bochs's TSC
 * runs at 50 MHz.) */
#define SPAN_NS 5000000000ull

static bool has_rdpid;

static const uint32_t syscall_msrs[NR_SYSCALL_MSRS] = {
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR, LSTAR, CSTAR, SFMASK */
	0xc0000102,                                     /* KERNEL_GS_BASE */
};

static uint32_t rdtscp_aux(void)
{
	uint32_t lo, hi, aux;

	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	return aux;
}

static uint64_t rdpid(void)
{
	uint64_t v;

	__asm__ volatile("rdpid %0" : "=r"(v));
	return v;
}

static uint64_t msr(uint32_t index)
{
	uint64_t v = 0;

	if (rdmsr_safe(index, &v) != TRAP_NONE)
		test_failure("RDMSR %#x faulted", index);
	return v;
}

static void check_reset_state(void)
{
	for (unsigned int n = 0; n < 4; n++)
		if (read_dr(n))
			test_failure("DR%u at start %#lx, expected 0", n, read_dr(n));
	if (read_dr(6) != 0xffff0ff0)
		test_failure("DR6 at start %#lx, expected 0xffff0ff0", read_dr(6));
	if (read_dr(7) != 0x400)
		test_failure("DR7 at start %#lx, expected 0x400", read_dr(7));
	if (msr(MSR_DEBUGCTL))
		test_failure("DEBUGCTL at start %#lx, expected 0", msr(MSR_DEBUGCTL));
	if (msr(MSR_TSC_AUX) || rdtscp_aux())
		test_failure("TSC_AUX at start %#lx (RDTSCP %#x), expected 0", msr(MSR_TSC_AUX),
			     rdtscp_aux());
}

static void check_refusals(void)
{
	if (wrmsr_safe(MSR_DEBUGCTL, DEBUGCTL_BTS) != X86_EXC_GP)
		test_failure("DEBUGCTL.BTS accepted, expected #GP");
	if (wrmsr_safe(MSR_DEBUGCTL, 1ull << 40) != X86_EXC_GP)
		test_failure("DEBUGCTL bit 40 accepted, expected #GP");
	if (wrmsr_safe(MSR_DEBUGCTL, DEBUGCTL_LBR | DEBUGCTL_BTF) != TRAP_NONE ||
	    msr(MSR_DEBUGCTL) != (DEBUGCTL_LBR | DEBUGCTL_BTF))
		test_failure("DEBUGCTL LBR|BTF not taken: reads %#lx", msr(MSR_DEBUGCTL));
	if (wrmsr_safe(MSR_TSC_AUX, 1ull << 32) != X86_EXC_GP)
		test_failure("TSC_AUX bit 32 accepted, expected #GP");
}

/* Values only this domain uses; the DR7 enables stay off, so none fires. */
static void check_isolation(void)
{
	domid_t self = guest_domid();
	uint64_t aux = 0x7e00 + self, dbgctl = (self & 1) ? DEBUGCTL_LBR : DEBUGCTL_BTF;
	uint64_t dr[4], sys[NR_SYSCALL_MSRS];
	bool dbgctl_ok = true, changed = false;
	unsigned int round;
	uint64_t t0;

	for (unsigned int n = 0; n < 4; n++) {
		dr[n] = 0x100000 + self * 0x1000 + n * 8;
		write_dr(n, dr[n]);
	}
	if (wrmsr_safe(MSR_TSC_AUX, aux) != TRAP_NONE)
		return test_failure("WRMSR TSC_AUX faulted");
	/* This domain's own: canonical addresses, SFMASK's 32 bits. */
	for (unsigned int i = 0; i < NR_SYSCALL_MSRS; i++) {
		sys[i] = i == 3 ? 0x4700u + self : 0xffff800000000000ull + self * 0x10000 + i * 0x100;
		if (wrmsr_safe(syscall_msrs[i], sys[i]) != TRAP_NONE)
			return test_failure("WRMSR %#x faulted", syscall_msrs[i]);
	}
	if (wrmsr_safe(MSR_DEBUGCTL, dbgctl) != TRAP_NONE) {
		test_failure("WRMSR DEBUGCTL %#lx faulted", dbgctl);
		dbgctl_ok = false;
	}
	/* Until the first round that finds something changed. */
	t0 = xen_system_time();
	for (round = 0; (round < ROUNDS || xen_system_time() - t0 < SPAN_NS) && !changed; round++) {
		sched_op(SCHEDOP_yield, NULL);
		if (rdtscp_aux() != aux || msr(MSR_TSC_AUX) != aux) {
			test_failure("round %u: TSC_AUX %#lx (RDTSCP %#x), mine is %#lx", round,
				     msr(MSR_TSC_AUX), rdtscp_aux(), aux);
			changed = true;
		}
		if (has_rdpid && rdpid() != aux) {
			test_failure("round %u: RDPID %#lx, mine is %#lx", round, rdpid(), aux);
			changed = true;
		}
		for (unsigned int n = 0; n < 4; n++)
			if (read_dr(n) != dr[n]) {
				test_failure("round %u: DR%u %#lx, mine is %#lx", round, n,
					     read_dr(n), dr[n]);
				changed = true;
			}
		for (unsigned int i = 0; i < NR_SYSCALL_MSRS; i++)
			if (msr(syscall_msrs[i]) != sys[i]) {
				test_failure("round %u: MSR %#x %#lx, mine is %#lx", round,
					     syscall_msrs[i], msr(syscall_msrs[i]), sys[i]);
				changed = true;
			}
		if (dbgctl_ok && msr(MSR_DEBUGCTL) != dbgctl) {
			test_failure("round %u: DEBUGCTL %#lx, mine is %#lx", round,
				     msr(MSR_DEBUGCTL), dbgctl);
			changed = true;
		}
	}
	printf("d%u checked TSC_AUX %#lx, DR0-3, DEBUGCTL %#lx and the syscall MSRs over %u "
	       "yields%s\n", self, aux,
	       dbgctl, round, has_rdpid ? " (RDPID too)" : "");
}

void test_main(void)
{
	uint32_t r[4];

	cpuid(0x80000001, 0, r);
	if (!(r[3] & (1u << 27)))
		return test_skip("no RDTSCP in CPUID");
	cpuid(7, 0, r);
	has_rdpid = r[2] & (1u << 22);
	if (events_map_shared_info()) /* its vcpu_info holds the clock */
		return test_failure("XENMEM_add_to_physmap(shared_info) failed");
	check_reset_state();
	check_refusals();
	check_isolation();
}
