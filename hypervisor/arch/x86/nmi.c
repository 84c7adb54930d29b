/* See asm/nmi.h. */
#include <asm/cpu.h>
#include <asm/hvm_nmi.h>
#include <asm/nmi.h>
#include <asm/percpu.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/ratelimit.h>

/* Five lines at once, then one every ten seconds, per pCPU. */
static const struct ratelimit_policy nmi_log_limit = { 10000000000ull, 5 };

/* NMI context: it may have interrupted anything, a lock holder included. */
void nmi_handle(void)
{
	__atomic_fetch_add(&this_cpu()->nmi_pending, 1, __ATOMIC_RELAXED);
}

unsigned int nmi_take_pending(void)
{
	/* machine_halt()'s NMI to dom0's pCPUs: this one stops too. */
	if (machine_halting())
		cpu_halt_forever();
	return __atomic_exchange_n(&this_cpu()->nmi_pending, 0, __ATOMIC_RELAXED);
}

void nmi_drop_pending(void)
{
	struct percpu *cpu = this_cpu();
	unsigned int n = nmi_take_pending();

	if (!n)
		return;
	cpu->nmis_dropped += n;
	if (ratelimit_allow(&cpu->nmi_log, &nmi_log_limit, 1, system_time_ns()))
		pr_warn("CPU%u: NMI received, not for any guest: dropped (%lu so far)\n",
			cpu->cpu_id, (unsigned long)cpu->nmis_dropped);
}

enum hvm_nmi_action hvm_nmi_before_entry(struct vcpu *v, const struct hvm_nmi_window *w)
{
	if (!v->domain->passthrough) {
		nmi_drop_pending();
		return HVM_NMI_NONE;
	}
	v->nmi_pending |= nmi_take_pending() != 0;
	return hvm_nmi_decide(&v->nmi_pending, w);
}
