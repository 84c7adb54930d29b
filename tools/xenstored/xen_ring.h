/*
 * xenstored on tern: serving domains on their ring pages. The ring is the
 * domain's store page (INTRODUCE's gfn) mapped through privcmd, its event
 * channel bound with /dev/xen/evtchn; VIRQ_DOM_EXC tells when a domain shut
 * down or died (checked with domctl getdomaininfo), which fires
 * @releaseDomain, and a dead domain is released as by RELEASE.
 */
#ifndef XS_XEN_RING_H
#define XS_XEN_RING_H

#include "daemon.h"

/*
 * Opens privcmd and evtchn, binds VIRQ_DOM_EXC and installs ring_attach and
 * hv_event in d. Then attaches every domain the journal restored; one that
 * no longer exists is released. -errno (and d unchanged) without a hypervisor.
 */
int xs_xen_init(struct xs_daemon *d);
void xs_xen_fini(void);

#endif
