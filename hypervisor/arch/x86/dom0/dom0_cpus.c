/*
 * Which pCPUs are dom0's. dom0's vCPU i runs on pCPU i, alone and for good,
 * with the pCPU's real LAPIC its own (its devices' interrupts reach it
 * directly); domUs share the pCPUs above. vCPU 0 starts with dom0; each
 * other waits on its pCPU, halted, until dom0 sends it INIT and STARTUP
 * (vcpu_start.c), then runs dom0's code from the STARTUP vector in real
 * mode, as the CPU would have.
 */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/dom0.h>
#include <asm/hvm.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/runstate.h>
#include <tern/sched.h>

/*
 * Without dom0_max_vcpus dom0 gets one vCPU (Xen gives it every pCPU): each
 * of dom0's vCPUs takes a whole pCPU away from the domUs, which tern exists
 * to run; README says so.
 */
#define DOM0_DEFAULT_VCPUS 1

static unsigned int nr_dom0_cpus = 1;
static bool roles_decided;

unsigned int dom0_cpus_decide(const struct boot_options *opts, bool owns_machine)
{
	unsigned int asked = opts->dom0_max_vcpus ? opts->dom0_max_vcpus : DOM0_DEFAULT_VCPUS;
	unsigned int n = MIN(asked, MIN(nr_cpus_online, TERN_MAX_VCPUS));
	const char *why = opts->dom0_max_vcpus ? "dom0_max_vcpus" : "the default";

	if (!owns_machine && n > 1) {
		pr_warn("dom0: a PVH dom0 runs on one vCPU; dom0_max_vcpus=%u ignored\n", asked);
		n = 1;
	} else if (n < asked) {
		pr_warn("dom0: dom0_max_vcpus=%u, but only %u pCPUs are up: dom0 gets %u vCPUs\n",
			asked, nr_cpus_online, n);
	}
	__atomic_store_n(&nr_dom0_cpus, n, __ATOMIC_RELEASE);
	__atomic_store_n(&roles_decided, true, __ATOMIC_RELEASE);
	if (n == 1)
		pr_info("dom0: 1 vCPU on pCPU 0 (%s), domUs on %u pCPU(s)\n", why, nr_cpus_online - 1);
	else
		pr_info("dom0: %u vCPUs on pCPUs 0-%u (%s), domUs on %u pCPU(s)\n", n, n - 1, why,
			nr_cpus_online - n);
	return n;
}

uint64_t arch_domu_cpus(void)
{
	unsigned int first = __atomic_load_n(&nr_dom0_cpus, __ATOMIC_ACQUIRE);
	uint64_t online = nr_cpus_online < 64 ? (1ull << nr_cpus_online) - 1 : ~0ull;

	return first < 64 ? online & ~((1ull << first) - 1) : 0;
}

void dom0_cpu_start(struct vcpu *t, uint8_t vector)
{
	struct percpu *cpu = &percpu[t->pcpu];

	if (__atomic_load_n(&cpu->dom0_start, __ATOMIC_ACQUIRE))
		return; /* already started: dom0's CPUs are not reset */
	cpu->dom0_sipi_vector = vector;
	__atomic_store_n(&cpu->dom0_start, t, __ATOMIC_RELEASE);
	lapic_send_fixed(cpu->apic_id, KICK_VECTOR); /* ends its HLT */
}

/* An AP of dom0's: waits for dom0's STARTUP, then runs that vCPU for good. */
static __attribute__((noreturn)) void run_dom0_ap(struct percpu *cpu)
{
	struct vcpu_start start = { .real_mode = true };
	struct vcpu *v;

	lapic_timer_stop(); /* the LAPIC is dom0's from now on */
	while (!(v = __atomic_load_n(&cpu->dom0_start, __ATOMIC_ACQUIRE)))
		__asm__ volatile("sti; hlt; cli" : : : "memory"); /* the kick's EOI: traps.c */
	start.sipi_vector = cpu->dom0_sipi_vector;
	if (hvm->vcpu_init(v, &start)) {
		pr_err("d0v%u: no memory to start this vCPU\n", v->id);
		cpu_halt_forever();
	}
	runstate_init(&v->runstate, system_time_ns());
	v->runstate.state = RUNSTATE_running;
	__atomic_store_n(&v->online, true, __ATOMIC_RELEASE);
	pr_info("dom0: vCPU %u started on pCPU %u at %#x\n", v->id, cpu->cpu_id,
		(unsigned int)start.sipi_vector << 12);
	hvm->vcpu_run(v);
	panic("dom0's vCPU %u returned", v->id);
}

void dom0_cpus_ap_main(struct percpu *cpu)
{
	while (!__atomic_load_n(&roles_decided, __ATOMIC_ACQUIRE))
		cpu_relax();
	if (cpu->cpu_id < __atomic_load_n(&nr_dom0_cpus, __ATOMIC_ACQUIRE))
		run_dom0_ap(cpu);
	sched_run_cpu(cpu->cpu_id);
}
