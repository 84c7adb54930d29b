/*
 * One vif through the xenbus handshake (tools/lib/xenbus_be.h): its tap
 * and the features netfront reads at InitWait; then, when netfront is
 * Connected and the hotplug script has put the tap in its bridge, the
 * frontend's queues, rings and channels (docs/netback.md has the keys).
 */
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netback.h"

/* What Linux's netfront reads when it sees InitWait. */
static const struct net_feature {
	const char *key, *value;
} features[] = {
	{ "feature-rx-copy", "1" },              /* mandatory for netfront */
	{ "feature-rx-flip", "0" },
	{ "feature-sg", "1" },                   /* packets of several slots */
	{ "feature-gso-tcpv4", "1" },
	{ "feature-gso-tcpv6", "1" },
	{ "feature-ipv6-csum-offload", "1" },
	{ "feature-split-event-channels", "1" },
};

/* Xen's name for the interface: vifname, or vif<domid>.<devid>. */
static int vif_name(struct xbe_dev *d, char *out, size_t len)
{
	char *name = NULL;
	int ok = 1;

	if (xbe_be_read(d, "vifname", &name) == 0 && name[0]) {
		ok = strlen(name) < len;
		for (const char *p = name; *p && ok; p++)
			ok = isgraph((unsigned char)*p) && *p != '/' && *p != ':';
		if (ok)
			snprintf(out, len, "%s", name);
		else
			snprintf(d->error, sizeof(d->error), "vifname '%s' is not a valid interface "
				 "name (at most %zu characters, no '/', ':' or spaces)", name, len - 1);
	} else {
		snprintf(out, len, "vif%u.%u", d->domid, d->devid);
	}
	free(name);
	return ok ? 0 : -EINVAL;
}

static int vif_probe(struct xbe_dev *d)
{
	struct net_vif *v = calloc(1, sizeof(*v));
	unsigned long long state = 0;
	int rc;

	if (!v)
		return -ENOMEM;
	v->ctx = d->b->ctx;
	v->xd = d;
	v->gnt.fd = -1;
	d->priv = v;
	rc = vif_name(d, v->ifname, sizeof(v->ifname));
	/* A new vif must not take over an interface that exists (another
	 * guest's tap would gain a queue); one this daemon's predecessor
	 * created is past Initialising and is taken back. */
	if (rc == 0 && xbe_be_read_uint(d, "state", &state) == 0 &&
	    state <= XenbusStateInitialising && if_nametoindex(v->ifname)) {
		snprintf(d->error, sizeof(d->error), "interface %s exists already", v->ifname);
		rc = -EEXIST;
	}
	if (rc == 0)
		rc = net_tap_create(v->ifname, d->error, sizeof(d->error));
	v->tap_made = rc == 0;
	for (size_t i = 0; rc == 0 && i < sizeof(features) / sizeof(features[0]); i++)
		rc = xbe_be_write(d, features[i].key, features[i].value);
	if (rc == 0)
		rc = xbe_be_printf(d, "multi-queue-max-queues", "%u", NET_MAX_QUEUES);
	if (rc && !d->error[0])
		snprintf(d->error, sizeof(d->error), "cannot write features: %s", strerror(-rc));
	return rc;
}

static unsigned long long fe_flag(struct xbe_dev *d, const char *key, unsigned long long dflt)
{
	unsigned long long v = dflt;

	xbe_fe_read_uint(d, key, &v);
	return v;
}

/* One frontend key (under dir), which must be there. */
static int fe_need(struct xbe_dev *d, const char *dir, const char *key, uint32_t *out)
{
	unsigned long long v;
	char path[64];

	snprintf(path, sizeof(path), "%s%s", dir, key);
	if (xbe_fe_read_uint(d, path, &v) || v > UINT32_MAX) {
		snprintf(d->error, sizeof(d->error), "frontend %.120s/%.40s missing or bad", d->fe_path, path);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* queue-<n>/ with several queues, the frontend's own directory with one. */
static int read_queue(struct net_vif *v, struct net_queue *q)
{
	struct xbe_dev *d = v->xd;
	char dir[24] = "";
	int rc;

	if (v->nqueues > 1)
		snprintf(dir, sizeof(dir), "queue-%u/", q->idx);
	rc = fe_need(d, dir, "tx-ring-ref", &q->tx_ref);
	if (rc == 0)
		rc = fe_need(d, dir, "rx-ring-ref", &q->rx_ref);
	if (rc)
		return rc;
	if (fe_need(d, dir, "event-channel", &q->tx_remote) == 0) {
		q->rx_remote = q->tx_remote;
		return 0;
	}
	rc = fe_need(d, dir, "event-channel-tx", &q->tx_remote);
	if (rc == 0)
		rc = fe_need(d, dir, "event-channel-rx", &q->rx_remote);
	return rc;
}

/* The link's settings the toolstack wrote: mtu and rate. */
static int read_link(struct net_vif *v)
{
	struct xbe_dev *d = v->xd;
	unsigned long long mtu = 1500;
	uint64_t bytes = 0, usecs = 0;
	char *rate = NULL;
	int rc = 0;

	xbe_be_read_uint(d, "mtu", &mtu);
	if (mtu < 68 || mtu > 65535) {
		snprintf(d->error, sizeof(d->error), "mtu %llu out of range (68-65535)", mtu);
		return -EINVAL;
	}
	v->mtu = (unsigned)mtu;
	if (xbe_be_read(d, "rate", &rate) == 0 && net_credit_parse(rate, &bytes, &usecs)) {
		snprintf(d->error, sizeof(d->error), "rate '%s' is not <bytes>,<usecs>", rate);
		rc = -EINVAL;
	}
	free(rate);
	net_credit_init(&v->credit, bytes, usecs, net_now_us());
	return rc;
}

static void vif_disconnect(struct xbe_dev *d);

static int vif_connect(struct xbe_dev *d)
{
	struct net_vif *v = d->priv;
	struct net_ctx *ctx = v->ctx;
	unsigned long long nq;
	int rc;

	if (fe_flag(d, "request-rx-copy", 0) != 1) {
		snprintf(d->error, sizeof(d->error), "the frontend does not ask for copying receive "
			 "(request-rx-copy): page flipping is not supported");
		return -EPROTONOSUPPORT;
	}
	if (fe_flag(d, "feature-rx-notify", 0) != 1) {
		snprintf(d->error, sizeof(d->error), "the frontend does not offer feature-rx-notify");
		return -EPROTONOSUPPORT;
	}
	v->caps.csum_v4 = fe_flag(d, "feature-no-csum-offload", 0) == 0;
	v->caps.csum_v6 = fe_flag(d, "feature-ipv6-csum-offload", 0) == 1;
	v->caps.gso_v4 = fe_flag(d, "feature-gso-tcpv4", 0) == 1;
	v->caps.gso_v6 = fe_flag(d, "feature-gso-tcpv6", 0) == 1;
	nq = fe_flag(d, "multi-queue-num-queues", 1);
	if (nq < 1 || nq > NET_MAX_QUEUES) {
		snprintf(d->error, sizeof(d->error), "frontend asks for %llu queues (at most %u)", nq,
			 NET_MAX_QUEUES);
		return -EINVAL;
	}
	rc = read_link(v);
	if (rc)
		return rc;
	rc = tc_gntdev_open(&v->gnt);
	if (rc) {
		snprintf(d->error, sizeof(d->error), "cannot open %s: %s", TC_GNTDEV_PATH,
			 strerror(-rc));
		return rc;
	}
	v->nqueues = (unsigned)nq;
	v->queues = calloc(v->nqueues, sizeof(*v->queues));
	if (!v->queues) {
		v->nqueues = 0;
		return -ENOMEM;
	}
	for (unsigned i = 0; i < v->nqueues; i++) {
		v->queues[i] = (struct net_queue){ .vif = v, .idx = i, .tx_port = -1, .rx_port = -1,
						   .tap_fd = -1 };
		rc = read_queue(v, &v->queues[i]);
		if (rc)
			goto fail;
	}
	v->next = ctx->vifs;
	ctx->vifs = v;
	for (unsigned i = 0; i < v->nqueues; i++) {
		rc = net_queue_start(&v->queues[i]);
		if (rc)
			goto fail;
	}
	tc_backend_log("%s: %s %s, %u queue(s), mtu %u%s%s", d->be_path, d->reattach ? "re-attached" :
		"connected", v->ifname, v->nqueues, v->mtu, v->caps.gso_v4 ? ", gso" : "",
		v->credit.per_interval ? ", rate-limited" : "");
	v->stats_dirty = 1;
	return 0;
fail:
	vif_disconnect(d);
	return rc;
}

static void vif_disconnect(struct xbe_dev *d)
{
	struct net_vif *v = d->priv;

	if (!v)
		return;
	for (struct net_vif **p = &v->ctx->vifs; *p; p = &(*p)->next) {
		if (*p == v) {
			*p = v->next;
			break;
		}
	}
	for (unsigned i = 0; i < v->nqueues && v->queues; i++)
		net_queue_stop(&v->queues[i]);
	free(v->queues);
	v->queues = NULL;
	v->nqueues = 0;
	v->nstopped = 0; /* the next connection's first queue turns the carrier on */
	tc_gntdev_close(&v->gnt);
	net_stats_flush(v, 1);
}

static void vif_remove(struct xbe_dev *d)
{
	struct net_vif *v = d->priv;

	if (!v)
		return;
	vif_disconnect(d);
	/* A stopping daemon leaves the tap (in its bridge) to its successor;
	 * one that was never ours (vifname taken) stays as it was. */
	if (!d->b->stopping && v->ifname[0] && v->tap_made) {
		net_tap_destroy(v->ifname);
		net_stats_remove(v);
	}
	free(v);
	d->priv = NULL;
}

const struct xbe_ops net_vif_ops = {
	.type = "vif",
	.needs_hotplug = 1,
	.probe = vif_probe,
	.connect = vif_connect,
	.disconnect = vif_disconnect,
	.remove = vif_remove,
	.log = tc_backend_xbe_log,
};
