/*
 * A xentop sample: the host and every domain from the hypervisor
 * (libternctl), names and devices from xenstore, vif counters from dom0's
 * /proc/net/dev. A domain without a xenstore name is skipped, as xenstat
 * does (it is being built or destroyed), but dom0 is "Domain-0".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ternctl.h"
#include "top.h"

#define TOP_BATCH 256

static void domain_name(struct tc_xs *xs, uint16_t id, char *out, size_t len)
{
	char path[48], *v = NULL;

	snprintf(path, sizeof(path), "/local/domain/%u/name", id);
	if (tc_xs_get(xs, 0, path, &v) == 0)
		snprintf(out, len, "%s", v);
	else
		snprintf(out, len, "%s", id == 0 ? "Domain-0" : "");
	free(v);
}

/* The device ids under backend/<type>/<domid> of dom0, into ids (up to
 * TOP_MAX_DEVS); returns how many there are. */
static unsigned devices(struct tc_xs *xs, const char *type, uint16_t id, uint32_t *ids,
			unsigned have)
{
	char path[80], *names = NULL;
	uint32_t len = 0, pos;
	unsigned n = 0;

	snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", type, id);
	if (tc_xs_directory(xs, 0, path, &names, &len))
		return 0;
	for (pos = 0; pos < len; pos += (uint32_t)strlen(names + pos) + 1, n++)
		if (have + n < TOP_MAX_DEVS)
			ids[have + n] = (uint32_t)strtoul(names + pos, NULL, 10);
	free(names);
	return n;
}

static void fill(struct tc_handle *h, struct tc_xs *xs, int want_vcpus,
		 const struct tern_domaininfo *info, struct top_domain *d)
{
	uint32_t ids[TOP_MAX_DEVS];
	unsigned nets;

	memset(d, 0, sizeof(*d));
	d->id = info->domain;
	domain_name(xs, d->id, d->name, sizeof(d->name));
	d->flags = info->flags;
	d->shutdown_reason = info->shutdown_reason;
	d->cpu_ns = info->cpu_time;
	d->mem_kb = info->tot_pages * 4;
	d->max_kb = info->max_pages == UINT64_MAX ? TOP_NO_LIMIT : info->max_pages * 4;
	d->vcpus = info->max_vcpu_id + 1;
	d->ssid = info->ssidref;
	for (unsigned v = 0; want_vcpus && v < d->vcpus && v < TERN_MAX_VCPUS; v++) {
		struct tern_domctl_getvcpuinfo vi;

		if (tc_vcpu_info(h, d->id, v, &vi) == 0) {
			d->vcpu_online[v] = vi.online;
			d->vcpu_ns[v] = vi.cpu_time;
		}
	}
	nets = devices(xs, "vif", d->id, ids, 0);
	d->nets = nets;
	for (unsigned i = 0; i < nets && i < TOP_MAX_DEVS; i++) {
		char path[96], *name = NULL;

		d->net[i].id = ids[i];
		/* A vif named with vifname= is found under that name. */
		snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u/%u/vifname", d->id,
			 ids[i]);
		if (tc_xs_get(xs, 0, path, &name) == 0 && name[0])
			snprintf(d->net[i].ifname, sizeof(d->net[i].ifname), "%s", name);
		else
			snprintf(d->net[i].ifname, sizeof(d->net[i].ifname), "vif%u.%u", d->id,
				 ids[i]);
		free(name);
	}
	d->vbds = devices(xs, "vbd", d->id, d->vbd_dev, 0);
	d->vbds += devices(xs, "qdisk", d->id, d->vbd_dev, d->vbds);
}

void top_net_counters(struct top_sample *s, const char *text)
{
	const char *line = text;

	for (; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char name[16];
		struct top_net c;

		if (sscanf(line, " %15[^: ]: %llu %llu %llu %llu %*u %*u %*u %*u %llu %llu %llu %llu",
			   name, (unsigned long long *)&c.rx_bytes,
			   (unsigned long long *)&c.rx_pkts, (unsigned long long *)&c.rx_errs,
			   (unsigned long long *)&c.rx_drop, (unsigned long long *)&c.tx_bytes,
			   (unsigned long long *)&c.tx_pkts, (unsigned long long *)&c.tx_errs,
			   (unsigned long long *)&c.tx_drop) != 9)
			continue;
		for (unsigned i = 0; i < s->ndoms; i++) {
			struct top_domain *d = &s->doms[i];

			for (unsigned n = 0; n < d->nets && n < TOP_MAX_DEVS; n++)
				if (strcmp(d->net[n].ifname, name) == 0) {
					c.id = d->net[n].id;
					memcpy(c.ifname, name, sizeof(c.ifname));
					d->net[n] = c;
				}
		}
	}
}

/* dom0's /proc/net/dev, whole, into a malloc'ed string (NULL if unreadable). */
static char *read_net_dev(void)
{
	FILE *f = fopen("/proc/net/dev", "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	if (m) {
		int c;

		while ((c = fgetc(f)) != EOF)
			fputc(c, m);
		fclose(m);
	}
	fclose(f);
	return buf;
}

int top_collect(struct tc_handle *h, struct tc_xs *xs, int want_vcpus, struct top_sample *s)
{
	struct tern_domaininfo batch[TOP_BATCH];
	struct tern_sysctl_physinfo pi;
	struct tc_version v;
	char *net;
	int n, rc;

	memset(s, 0, sizeof(*s));
	gettimeofday(&s->when, NULL);
	rc = tc_physinfo(h, &pi);
	if (rc)
		return rc;
	s->tot_kb = pi.total_pages * 4;
	s->free_kb = pi.free_pages * 4;
	s->num_cpus = pi.nr_cpus;
	s->cpu_mhz = pi.cpu_khz / 1000;
	if (tc_version_get(h, &v) == 0)
		snprintf(s->version, sizeof(s->version), "%u.%u%s", v.major, v.minor, v.extra);
	for (unsigned first = 0; first < DOMID_FIRST_RESERVED; first = batch[n - 1].domain + 1u) {
		struct top_domain *more;

		n = tc_domain_list(h, (uint16_t)first, TOP_BATCH, batch);
		if (n < 0) {
			top_sample_free(s);
			return n;
		}
		if (n == 0)
			break;
		more = realloc(s->doms, (s->ndoms + (unsigned)n) * sizeof(*more));
		if (!more) {
			top_sample_free(s);
			return -ENOMEM;
		}
		s->doms = more;
		for (int i = 0; i < n; i++) {
			fill(h, xs, want_vcpus, &batch[i], &s->doms[s->ndoms]);
			if (s->doms[s->ndoms].name[0])
				s->ndoms++;
		}
		if (n < TOP_BATCH)
			break;
	}
	net = read_net_dev();
	if (net)
		top_net_counters(s, net);
	free(net);
	return 0;
}

void top_sample_free(struct top_sample *s)
{
	free(s->doms);
	s->doms = NULL;
	s->ndoms = 0;
}
