/* Domain life cycle; for now what happens when dom0 dies. */
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/setup.h>

void domain_crash(struct domain *d, const char *why)
{
	pr_err("Domain %u (%s) crashed: %s\n", d->id, d->name, why);
	if (!d->is_privileged)
		panic("crashing an unprivileged domain is not implemented yet");
	/* Without dom0 nobody can manage the machine: Xen reboots it, so do we. */
	if (boot_options.noreboot) {
		pr_err("Domain 0 crashed: 'noreboot' set - not rebooting.\n");
		machine_halt();
	}
	pr_err("Domain 0 crashed: rebooting machine in 5 seconds.\n");
	mdelay(5000);
	machine_restart();
}
