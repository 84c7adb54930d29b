/* Domain shutdown and death, as the hypervisor reports them. */
#include "domain_exc.h"

#include "log.h"
#include "notify.h"
#include "path.h"
#include "release.h"

void xs_domain_exc(struct xs_daemon *d, xs_dom_state_fn *state)
{
	size_t i = 0;

	while (i < d->domains.n) {
		struct xs_domain *dom = &d->domains.v[i];
		unsigned int reason = 0;
		enum xs_dom_state st = state(dom->domid, &reason);

		if (st == XS_DOM_DYING || st == XS_DOM_GONE) {
			xs_domain_drop(d, dom->domid, st == XS_DOM_GONE ? "domain gone"
									: "domain dying");
			continue; /* entry i now holds another domain */
		}
		if (st == XS_DOM_SHUTDOWN && !dom->shutdown_seen) {
			dom->shutdown_seen = true;
			xs_log("domain %u shut down (reason %u)", dom->domid, reason);
			xs_notify_special(d, XS_SPECIAL_RELEASE, dom->domid);
		}
		i++;
	}
}
