/* Domain rings over privcmd + /dev/xen/evtchn, and domain death via VIRQ_DOM_EXC. */
#include "xen_ring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "ops.h"
#include "ringconn.h"
#include "ternctl.h"

struct xs_xen {
	struct tc_handle tc;
	struct tc_evtchn ev;
	int virq_port;		/* VIRQ_DOM_EXC, -1 if it could not be bound */
	/* Domains whose shutdown was already announced with @releaseDomain. */
	uint8_t shut[DOMID_FIRST_RESERVED / 8];
};

static struct xs_xen xs_xen = { { -1 }, { -1 }, -1, { 0 } };

/* One attached ring; the transport's ctx. */
struct xs_xen_ring {
	struct xs_daemon *d;
	struct xs_conn *conn;
	uint32_t domid;
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
	struct xs_domain *dom = xs_domain_find(&r->d->domains, r->domid);

	if (dom && dom->conn == r->conn)
		dom->conn = NULL;
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
	r->d = d;
	r->domid = dom->domid;
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
		goto fail;
	}
	r->local_port = rc;
	port = (struct xs_ring_port){ .intf = r->page, .notify = xs_xen_notify,
				      .release = xs_xen_release, .ctx = r };
	r->conn = xs_ringconn_new(&port, dom->domid);
	if (!r->conn) {
		rc = -ENOMEM;
		goto fail;
	}
	xs_daemon_add_conn(d, r->conn);
	dom->conn = r->conn;
	if (dom->target != XS_NO_TARGET)
		r->conn->who.target = dom->target;
	xs_xen.shut[dom->domid / 8] &= (uint8_t)~(1u << (dom->domid % 8));
	xs_log("domain %u: ring attached (gfn %#llx, event channel %u, local port %d)",
	       dom->domid, (unsigned long long)dom->gfn, dom->port, r->local_port);
	/* Requests queued before we bound the channel raised no event here. */
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

/* A domain gone or dying is released; a shut down one is announced once. */
static void xs_xen_check_domains(struct xs_daemon *d)
{
	size_t i = 0;

	while (i < d->domains.n) {
		uint32_t domid = d->domains.v[i].domid;
		struct tern_domaininfo info;
		int rc = tc_domain_info(&xs_xen.tc, (uint16_t)domid, &info);
		uint8_t bit = (uint8_t)(1u << (domid % 8));

		if (rc == -ESRCH || (rc == 0 && (info.flags & TERN_DOMINF_dying))) {
			struct xs_changes ch = { NULL, 0, 0 };

			xs_domain_release(d, domid, &ch, rc ? "domain gone" : "domain dying");
			xs_notify(d, &ch);
			xs_changes_clear(&ch);
			xs_xen.shut[domid / 8] &= (uint8_t)~bit;
			continue; /* entry i now holds another domain */
		}
		if (rc == 0 && (info.flags & TERN_DOMINF_shutdown) && !(xs_xen.shut[domid / 8] & bit)) {
			xs_xen.shut[domid / 8] |= bit;
			xs_log("domain %u shut down (reason %u)", domid, info.shutdown_reason);
			xs_notify_special(d, XS_SPECIAL_RELEASE, domid);
		}
		i++;
	}
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
		xs_xen_check_domains(d);
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

	/* Domains the journal restored: attach again, release the dead. */
	i = 0;
	while (i < d->domains.n) {
		struct xs_domain *dom = &d->domains.v[i];
		uint32_t domid = dom->domid;

		rc = xs_xen_attach(d, dom);
		if (rc) {
			struct xs_changes ch = { NULL, 0, 0 };

			xs_log("domain %u (restored) cannot be attached: releasing it", domid);
			xs_domain_release(d, domid, &ch, "gone while xenstored was down");
			xs_notify(d, &ch);
			xs_changes_clear(&ch);
			continue;
		}
		i++;
	}
	/* Deaths and shutdowns that happened while the daemon was down. */
	xs_xen_check_domains(d);
	return 0;
}

void xs_xen_fini(void)
{
	if (xs_xen.virq_port >= 0)
		tc_evtchn_unbind(&xs_xen.ev, (uint32_t)xs_xen.virq_port);
	tc_evtchn_close(&xs_xen.ev);
	tc_close(&xs_xen.tc);
}
