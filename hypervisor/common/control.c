/* A domain's state as the toolstack sees it (xl list). */
#include <tern/arch.h>
#include <tern/control.h>
#include <tern/string.h>

void control_domaininfo(const struct domain *d, struct tern_domaininfo *info)
{
	memset(info, 0, sizeof(*info));
	info->domain = d->id;
	/* Every vCPU owns its CPU for now: a domain that exists is running. */
	info->flags = TERN_DOMINF_hvm_guest | TERN_DOMINF_running |
		      (d->is_privileged ? TERN_DOMINF_privileged : 0);
	info->tot_pages = d->tot_pages;
	info->max_pages = d->max_pages;
	info->shared_info_frame = d->shared_info ? d->shared_info_gfn : ~0ull;
	info->cpu_time = system_time_ns() - d->start_time_ns;
	info->nr_online_vcpus = 1;
	info->max_vcpu_id = 0;
}
