/*
 * Domain life cycle: creating and destroying domUs, and how any domain
 * ends. The initial domain's end is the machine's, as in Xen.
 */
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/domid_naming.h>
#include <asm/spinlock.h>
#include <public/sched.h>
#include <public/xen.h>
#include <tern/evtchn.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/runstate.h>
#include <tern/setup.h>

/* Without dom0 nobody can manage the machine: Xen stops it, so do we. */
static __attribute__((noreturn)) void initial_domain_shutdown(struct domain *d, unsigned int reason)
{
	switch (reason) {
	case SHUTDOWN_poweroff:
		pr_info("Hardware Dom0 halted: halting machine\n");
		machine_halt();
	case SHUTDOWN_reboot:
		pr_info("Hardware Dom0 shutdown: rebooting machine\n");
		machine_restart();
	default:
		break;
	}
	/* Any other reason (a crash, a watchdog...) is a crash; Xen's words. */
	if (boot_options.noreboot) {
		pr_err("Hardware Dom%u crashed: 'noreboot' set - not rebooting.\n", d->id);
		machine_halt();
	}
	pr_err("Hardware Dom%u crashed: rebooting machine in 5 seconds.\n", d->id);
	mdelay(5000);
	machine_restart();
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
	if (d->is_privileged)
		initial_domain_shutdown(d, reason);
	/* A domU stops running; the toolstack sees why and acts (on_poweroff...). */
	d->shutdown_reason = reason;
	__atomic_store_n(&d->shutdown, true, __ATOMIC_RELEASE);
	vcpu_runstate_domain(d);
	pr_info("Domain %u shut down (reason %u)\n", d->id, reason);
	domain_notify_dom0();
}

bool domain_log_allowed(struct domain *d)
{
	static const struct ratelimit_policy limit = { 5000000000ull, 10 };
	uint64_t suppressed;

	if (!ratelimit_allow(&d->log_limit, &limit, 1, system_time_ns()))
		return false;
	suppressed = ratelimit_take_suppressed(&d->log_limit);
	if (suppressed)
		pr_warn("d%u: %lu lines about this domain suppressed\n", d->id,
			(unsigned long)suppressed);
	return true;
}

void domain_crash(struct domain *d, const char *why)
{
	pr_err("Domain %u (%s) crashed: %s\n", d->id, d->name, why);
	domain_shutdown(d, SHUTDOWN_crash);
}

/* Domains by id. */
static struct domain *domains[MAX_DOMAINS];
static struct spinlock domains_lock = SPINLOCK_INIT;

void domain_register(struct domain *d)
{
	if (d->id < ARRAY_SIZE(domains))
		domains[d->id] = d;
}

struct domain *domain_by_id(domid_t id)
{
	return id < ARRAY_SIZE(domains) ? domains[id] : NULL;
}

/* A dying domain is being taken apart in steps (domain_destroy.c), between
 * which dom0 runs: what an operation gave it then would never be freed. */
struct domain *domain_named_by(struct domain *caller, domid_t domid, long *rc)
{
	struct domain *d;

	switch (domid_naming(domid, caller->id, caller->is_privileged)) {
	case DOMID_NAMES_CALLER:
		return caller;
	case DOMID_NAMES_OTHER:
		d = domain_by_id(domid);
		if (d && !d->dying)
			return d;
		*rc = -ESRCH;
		return NULL;
	default:
		*rc = -EPERM;
		return NULL;
	}
}

struct domain *const *domain_table(void)
{
	return domains;
}

/* dom0's xenstored learns of domain deaths through VIRQ_DOM_EXC, as in Xen. */
void domain_notify_dom0(void)
{
	struct domain *dom0 = domain_by_id(0);

	if (dom0)
		evtchn_send_virq(dom0, VIRQ_DOM_EXC, 0);
}

/*
 * The next free id after the last one handed out, as Xen does: a domain
 * that is rebuilt (on_reboot="restart") or replaced gets a new id, so a
 * stale id in a script or a log never names the new domain.
 */
static domid_t next_free_id(void)
{
	static domid_t last;

	for (unsigned int n = 1; n < MAX_DOMAINS; n++) {
		domid_t id = (domid_t)((last + n) % MAX_DOMAINS);

		if (id != 0 && !domains[id])
			return last = id;
	}
	return MAX_DOMAINS;
}

struct domain *domain_create(domid_t id, unsigned int nr_vcpus, int *rc)
{
	struct domain *d;

	spin_lock(&domains_lock);
	if (id == 0)
		id = next_free_id();
	if (id >= MAX_DOMAINS) {
		*rc = id == MAX_DOMAINS ? -ENOSPC : -EINVAL;
		spin_unlock(&domains_lock);
		return NULL;
	}
	if (domains[id]) {
		*rc = -EEXIST;
		spin_unlock(&domains_lock);
		return NULL;
	}
	d = xmalloc(sizeof(*d));
	if (!d) {
		*rc = -ENOMEM;
		spin_unlock(&domains_lock);
		return NULL;
	}
	d->id = id;
	d->name = "domU";
	d->paused = true;
	d->nr_vcpus = nr_vcpus;
	sched_domain_init(&d->sched);
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		d->vcpu[i].domain = d;
		d->vcpu[i].id = i;
		d->vcpu[i].affinity = ~1ull; /* any CPU but dom0's */
		d->vcpu[i].soft_affinity = ~0ull; /* no preference */
		vlapic_init(&d->vcpu[i].lapic, i);
		runstate_init(&d->vcpu[i].runstate, system_time_ns());
	}
	domains[id] = d; /* reserved: filled in by the caller before it runs */
	spin_unlock(&domains_lock);
	*rc = 0;
	return d;
}

void domain_unregister(struct domain *d)
{
	spin_lock(&domains_lock);
	domains[d->id] = NULL;
	spin_unlock(&domains_lock);
}

int domain_shared_info_init(struct domain *d)
{
	if (d->shared_info)
		return 0;
	d->shared_info = alloc_pages(0);
	if (!d->shared_info)
		return -ENOMEM;
	shared_info_wallclock(d);
	for (unsigned int i = 0; i < d->nr_vcpus && i < XEN_LEGACY_MAX_VCPUS; i++) {
		if (!d->vcpu[i].vcpu_info)
			d->vcpu[i].vcpu_info = &d->shared_info->vcpu_info[i];
		/* Linux reads its clock (and the TSC rate) from here at once. */
		if (!d->passthrough)
			vcpu_time_update(&d->vcpu[i]);
	}
	return 0;
}
