/* Quota limits, per-domain usage, and the log line for each hit. */
#include "quota.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *const xs_quota_names[XS_Q_COUNT] = {
	[XS_Q_NODES] = "nodes",
	[XS_Q_WATCHES] = "watches",
	[XS_Q_TXNS] = "transactions",
	[XS_Q_OUTSTANDING] = "outstanding",
	[XS_Q_NODE_SIZE] = "node-size",
	[XS_Q_PERMS] = "permissions",
	[XS_Q_PATH] = "path-max",
	[XS_Q_TXN_NODES] = "transaction-nodes",
};

/* cxenstored's defaults. */
static const unsigned long xs_quota_defaults[XS_Q_COUNT] = {
	[XS_Q_NODES] = 1000,
	[XS_Q_WATCHES] = 128,
	[XS_Q_TXNS] = 10,
	[XS_Q_OUTSTANDING] = 20,
	[XS_Q_NODE_SIZE] = 2048,
	[XS_Q_PERMS] = 5,
	[XS_Q_PATH] = 2048,
	[XS_Q_TXN_NODES] = 1024,
};

void xs_quota_init(struct xs_quota *q)
{
	memset(q, 0, sizeof(*q));
	memcpy(q->limit, xs_quota_defaults, sizeof(q->limit));
}

void xs_quota_fini(struct xs_quota *q)
{
	free(q->doms);
	q->doms = NULL;
	q->ndoms = 0;
}

int xs_quota_set(struct xs_quota *q, const char *name, unsigned long value)
{
	int k;

	for (k = 0; k < XS_Q_COUNT; k++) {
		if (!strcmp(name, xs_quota_names[k])) {
			q->limit[k] = value;
			return 0;
		}
	}
	return -EINVAL;
}

int xs_quota_set_arg(struct xs_quota *q, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[32], *end;
	unsigned long value;

	if (!eq || (size_t)(eq - arg) >= sizeof(name) || !eq[1])
		return -EINVAL;
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	value = strtoul(eq + 1, &end, 10);
	if (*end)
		return -EINVAL;
	return xs_quota_set(q, name, value);
}

static struct xs_quota_dom *xs_quota_dom(struct xs_quota *q, uint32_t domid, int create)
{
	struct xs_quota_dom *d;
	size_t i;

	for (i = 0; i < q->ndoms; i++)
		if (q->doms[i].domid == domid)
			return &q->doms[i];
	if (!create)
		return NULL;
	d = realloc(q->doms, (q->ndoms + 1) * sizeof(*d));
	if (!d)
		return NULL;
	q->doms = d;
	d = &q->doms[q->ndoms++];
	memset(d, 0, sizeof(*d));
	d->domid = domid;
	return d;
}

void xs_quota_add(struct xs_quota *q, uint32_t domid, enum xs_quota_kind k, long delta)
{
	struct xs_quota_dom *d;

	/* Nothing to count: a released domain gets no entry back. */
	if (!delta)
		return;
	d = xs_quota_dom(q, domid, 1);
	/* Without memory the count is lost; quotas only get more lenient. */
	if (!d)
		return;
	if (delta < 0 && (unsigned long)-delta > d->used[k])
		d->used[k] = 0;
	else
		d->used[k] += (unsigned long)delta;
}

void xs_quota_forget(struct xs_quota *q, uint32_t domid)
{
	struct xs_quota_dom *d = xs_quota_dom(q, domid, 0);

	if (d)
		*d = q->doms[--q->ndoms];
}

unsigned long xs_quota_used(struct xs_quota *q, uint32_t domid, enum xs_quota_kind k)
{
	struct xs_quota_dom *d = xs_quota_dom(q, domid, 0);

	return d ? d->used[k] : 0;
}

int xs_quota_check(struct xs_quota *q, const struct xs_who *who, enum xs_quota_kind k,
		   unsigned long amount)
{
	struct xs_quota_dom *d;

	if (who->priv || !q->limit[k] || amount <= q->limit[k])
		return 0;
	d = xs_quota_dom(q, who->domid, 1);
	if (d)
		d->hits[k]++;
	xs_log("quota: domain %u hit quota %s (limit %lu, wanted %lu)", who->domid,
	       xs_quota_names[k], q->limit[k], amount);
	return -ENOSPC;
}

size_t xs_quota_report(struct xs_quota *q, char *buf, size_t size)
{
	size_t off = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < XS_Q_COUNT && off < size; k++)
		off += (size_t)snprintf(buf + off, size - off, "%-18s %lu\n", xs_quota_names[k],
					q->limit[k]);
	return off < size ? off : size - 1;
}

size_t xs_quota_report_dom(struct xs_quota *q, uint32_t domid, char *buf, size_t size)
{
	static const enum xs_quota_kind counted[] = { XS_Q_NODES, XS_Q_WATCHES, XS_Q_TXNS,
						      XS_Q_OUTSTANDING };
	struct xs_quota_dom *d = xs_quota_dom(q, domid, 0);
	size_t off = 0, i;

	buf[0] = '\0';
	off += (size_t)snprintf(buf, size, "domain %u\n", domid);
	for (i = 0; i < sizeof(counted) / sizeof(counted[0]) && off < size; i++) {
		enum xs_quota_kind k = counted[i];

		off += (size_t)snprintf(buf + off, size - off, "%-18s %lu/%lu hits %lu\n",
					xs_quota_names[k], d ? d->used[k] : 0, q->limit[k],
					d ? d->hits[k] : 0);
	}
	for (i = XS_Q_NODE_SIZE; i < XS_Q_COUNT && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%-18s max %lu hits %lu\n",
					xs_quota_names[i], q->limit[i], d ? d->hits[i] : 0);
	return off < size ? off : size - 1;
}

