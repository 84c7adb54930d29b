/* Domain rings over privcmd + /dev/xen/evtchn, and domain death via VIRQ_DOM_EXC. */
#include "xen_ring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "domain_exc.h"
#include "log.h"
#include "release.h"
#include "ringconn.h"
#include "ternctl.h"

struct xs_xen {
	struct tc_handle tc;
	struct tc_evtchn ev;
	int virq_port;		/* VIRQ_DOM_EXC, -1 if it could not be bound */
};

static struct xs_xen xs_xen = { { -1 }, { -1 }, -1 };

/* One attached ring; the transport's ctx. */
struct xs_xen_ring {
	int local_port;
	void *page;
};

static void xs_xen_notify(void *ctx)
{
	struct xs_xen_ring *r = ctx;

	tc_evtchn_notify(&xs_xen.ev, (uint32_t)r->local_port);
}

/* The connection is being freed: give back the mapping and the channel. */
static void xs_xen_release(void *ctx)
{
	struct xs_xen_ring *r = ctx;

	tc_evtchn_unbind(&xs_xen.ev, (uint32_t)r->local_port);
	tc_unmap_foreign(r->page, 1);
	free(r);
}

static int xs_xen_attach(struct xs_daemon *d, struct xs_domain *dom)
{
	struct xs_xen_ring *r;
	struct xs_ring_port port;
	int err = 0, rc;

	if (dom->conn && !dom->conn->dead)
		return 0;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->local_port = -1;
	r->page = tc_map_foreign(&xs_xen.tc, (uint16_t)dom->domid, PROT_READ | PROT_WRITE,
				 &dom->gfn, &err, 1);
	if (!r->page || err) {
		rc = r->page ? err : -errno;
		xs_log("domain %u: cannot map its store page (gfn %#llx): %s", dom->domid,
		       (unsigned long long)dom->gfn, strerror(-rc));
		goto fail;
	}
	rc = tc_evtchn_bind_interdomain(&xs_xen.ev, dom->domid, dom->port);
	if (rc < 0) {
		xs_log("domain %u: cannot bind its store event channel %u: %s", dom->domid,
		       dom->port, strerror(-rc));
		/* As Xen's daemon does: the domain can see why nobody answers. */
		((struct xenstore_domain_interface *)r->page)->error = XENSTORE_ERROR_COMM;
		goto fail;
	}
	r->local_port = rc;
	port = (struct xs_ring_port){ .intf = r->page, .notify = xs_xen_notify,
				      .release = xs_xen_release, .ctx = r };
	rc = xs_ringconn_attach(d, dom, &port);
	if (rc)
		goto fail;
	xs_log("domain %u: ring attached (gfn %#llx, event channel %u, local port %d)",
	       dom->domid, (unsigned long long)dom->gfn, dom->port, r->local_port);
	/* A domain that waited for room while we were down looks again. */
	xs_xen_notify(r);
	return 0;
fail:
	if (r->local_port >= 0)
		tc_evtchn_unbind(&xs_xen.ev, (uint32_t)r->local_port);
	if (r->page)
		tc_unmap_foreign(r->page, 1);
	free(r);
	return rc;
}

/* The hypervisor's word on one domain, for xs_domain_exc(). */
static enum xs_dom_state xs_xen_dom_state(uint32_t domid, unsigned int *reason)
{
	struct tern_domaininfo info;
	int rc = tc_domain_info(&xs_xen.tc, (uint16_t)domid, &info);

	if (rc == -ESRCH)
		return XS_DOM_GONE;
	if (rc)
		return XS_DOM_RUNNING;
	if (info.flags & TERN_DOMINF_dying)
		return XS_DOM_DYING;
	if (!(info.flags & TERN_DOMINF_shutdown))
		return XS_DOM_RUNNING;
	*reason = info.shutdown_reason;
	return XS_DOM_SHUTDOWN;
}

static void xs_xen_event(struct xs_daemon *d)
{
	uint32_t ports[64];
	bool dom_exc = false;
	ssize_t n;

	while ((n = read(xs_xen.ev.fd, ports, sizeof(ports))) > 0) {
		for (size_t i = 0; i < (size_t)n / sizeof(ports[0]); i++) {
			if ((int)ports[i] == xs_xen.virq_port)
				dom_exc = true;
			tc_evtchn_unmask(&xs_xen.ev, ports[i]);
		}
	}
	/* Ring ports need nothing more: the loop reads every ring each round. */
	if (dom_exc)
		xs_domain_exc(d, xs_xen_dom_state);
}

int xs_xen_init(struct xs_daemon *d)
{
	int rc, flags;
	size_t i;

	rc = tc_open(&xs_xen.tc, NULL);
	if (rc)
		return rc;
	rc = tc_evtchn_open(&xs_xen.ev);
	if (rc) {
		tc_close(&xs_xen.tc);
		return rc;
	}
	flags = fcntl(xs_xen.ev.fd, F_GETFL);
	if (flags >= 0)
		fcntl(xs_xen.ev.fd, F_SETFL, flags | O_NONBLOCK);
	rc = tc_evtchn_bind_virq(&xs_xen.ev, VIRQ_DOM_EXC);
	if (rc < 0)
		xs_log("cannot bind VIRQ_DOM_EXC: %s; dead domains are noticed only "
		       "when released", strerror(-rc));
	xs_xen.virq_port = rc < 0 ? -1 : rc;
	d->ring_attach = xs_xen_attach;
	d->hv_fd = xs_xen.ev.fd;
	d->hv_event = xs_xen_event;
	xs_log("hypervisor found: serving domain rings");

	/*
	 * Domains the journal restored: attach again, release the dead. Their
	 * rings are not reset: requests queued meanwhile are served.
	 */
	i = 0;
	while (i < d->domains.n) {
		struct xs_domain *dom = &d->domains.v[i];

		if (xs_xen_attach(d, dom)) {
			xs_log("domain %u (restored) cannot be attached: releasing it", dom->domid);
			xs_domain_drop(d, dom->domid, "gone while xenstored was down");
			continue;
		}
		i++;
	}
	/* Deaths and shutdowns that happened while the daemon was down. */
	xs_domain_exc(d, xs_xen_dom_state);
	return 0;
}

void xs_xen_fini(void)
{
	if (xs_xen.virq_port >= 0)
		tc_evtchn_unbind(&xs_xen.ev, (uint32_t)xs_xen.virq_port);
	tc_evtchn_close(&xs_xen.ev);
	tc_close(&xs_xen.tc);
}
