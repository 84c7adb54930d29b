/* Domain life cycle. There is only the initial domain so far: its end is the machine's. */
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <public/sched.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/setup.h>

void domain_shutdown(struct domain *d, unsigned int reason)
{
	/* Without dom0 nobody can manage the machine: Xen stops it, so do we. */
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
	if (boot_options.noreboot) {
		pr_err("Domain %u crashed: 'noreboot' set - not rebooting.\n", d->id);
		machine_halt();
	}
	pr_err("Domain %u crashed: rebooting machine in 5 seconds.\n", d->id);
	mdelay(5000);
	machine_restart();
}

void domain_crash(struct domain *d, const char *why)
{
	pr_err("Domain %u (%s) crashed: %s\n", d->id, d->name, why);
	domain_shutdown(d, SHUTDOWN_crash);
}

/* Domains by id: dom0 only, until domUs exist. */
static struct domain *domains[1];

void domain_register(struct domain *d)
{
	if (d->id < ARRAY_SIZE(domains))
		domains[d->id] = d;
}

struct domain *domain_by_id(domid_t id)
{
	return id < ARRAY_SIZE(domains) ? domains[id] : NULL;
}

int domain_shared_info_init(struct domain *d)
{
	if (d->shared_info)
		return 0;
	d->shared_info = alloc_pages(0);
	if (!d->shared_info)
		return -ENOMEM;
	if (!d->vcpu0.vcpu_info)
		d->vcpu0.vcpu_info = &d->shared_info->vcpu_info[d->vcpu0.id];
	return 0;
}
