/*
 * The layout of a domain's shared pages, 64-bit or 32-bit
 * (docs/compat-abi.md), latched when its drivers start, and the wall clock
 * in shared_info, whose place depends on it.
 */
#include <public/xen.h>
#include <tern/arch.h>
#include <tern/compat.h>
#include <tern/domain.h>
#include <tern/evtchn.h>

void shared_info_wallclock(struct domain *d)
{
	/* Wall-clock time at system time 0 (read once). */
	static uint64_t boot_wall_ns;
	struct shared_info *s = d->shared_info;
	struct compat_shared_info *c = (struct compat_shared_info *)s;
	uint32_t *version, *sec, *nsec, *sec_hi;
	uint64_t secs;

	if (!s)
		return;
	if (!boot_wall_ns)
		boot_wall_ns = rtc_read_seconds() * 1000000000ull - system_time_ns();
	secs = boot_wall_ns / 1000000000ull;
	version = d->compat_shared ? &c->wc_version : &s->wc_version;
	sec = d->compat_shared ? &c->wc_sec : &s->wc_sec;
	nsec = d->compat_shared ? &c->wc_nsec : &s->wc_nsec;
	sec_hi = d->compat_shared ? &c->arch.wc_sec_hi : &s->wc_sec_hi;
	/* Odd while it changes: a guest reading it retries. */
	__atomic_store_n(version, *version | 1, __ATOMIC_SEQ_CST);
	*sec = (uint32_t)secs;
	*nsec = (uint32_t)(boot_wall_ns % 1000000000ull);
	*sec_hi = (uint32_t)(secs >> 32);
	__atomic_store_n(version, *version + 1, __ATOMIC_SEQ_CST);
}

void domain_latch_shared_layout(struct domain *d, bool compat)
{
	if (d->compat_shared == compat)
		return;
	d->compat_shared = compat;
	evtchn_domain_set_compat(d, compat);
	shared_info_wallclock(d);
}
