/* A domain's state as the toolstack sees it (xl list). */
#include <tern/arch.h>
#include <tern/control.h>
#include <tern/runstate.h>
#include <tern/string.h>

void control_domaininfo(struct domain *d, struct tern_domaininfo *info)
{
	memset(info, 0, sizeof(*info));
	bool running = d->is_privileged, blocked = !d->is_privileged;

	info->domain = d->id;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = &d->vcpu[i];

		info->nr_online_vcpus += v->online;
		running |= v->running;
		blocked &= !v->online || v->blocked;
		info->cpu_time += vcpu_run_time(v);
	}
	info->flags = TERN_DOMINF_hvm_guest | (d->is_privileged ? TERN_DOMINF_privileged : 0) |
		      (running ? TERN_DOMINF_running : 0) |
		      (blocked && info->nr_online_vcpus ? TERN_DOMINF_blocked : 0) |
		      (d->paused ? TERN_DOMINF_paused : 0) |
		      (d->shutdown ? TERN_DOMINF_shutdown : 0) | (d->dying ? TERN_DOMINF_dying : 0);
	info->shutdown_reason = (uint8_t)d->shutdown_reason;
	info->tot_pages = d->tot_pages;
	info->max_pages = d->max_pages;
	info->shared_info_frame = d->shared_info ? d->shared_info_gfn : ~0ull;
	info->max_vcpu_id = d->nr_vcpus - 1;
	memcpy(info->handle, d->handle, sizeof(info->handle));
}
