/* xentop's table and summary, from a sample (top.h); column widths and
 * formats as xentop's. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "top.h"

enum {
	F_NAME, F_STATE, F_CPU, F_CPU_PCT, F_MEM, F_MEM_PCT, F_MAXMEM, F_MAX_PCT, F_VCPUS,
	F_NETS, F_NET_TX, F_NET_RX, F_VBDS, F_VBD_OO, F_VBD_RD, F_VBD_WR, F_VBD_RSECT,
	F_VBD_WSECT, F_SSID, NR_FIELDS
};

static const struct {
	const char *header;
	unsigned width;
} fields[NR_FIELDS] = {
	{ "NAME", 10 }, { "STATE", 6 }, { "CPU(sec)", 10 }, { "CPU(%)", 6 }, { "MEM(k)", 10 },
	{ "MEM(%)", 6 }, { "MAXMEM(k)", 10 }, { "MAXMEM(%)", 9 }, { "VCPUS", 5 }, { "NETS", 4 },
	{ "NETTX(k)", 8 }, { "NETRX(k)", 8 }, { "VBDS", 4 }, { "VBD_OO", 8 }, { "VBD_RD", 8 },
	{ "VBD_WR", 8 }, { "VBD_RSECT", 10 }, { "VBD_WSECT", 10 }, { "SSID", 4 },
};

static uint64_t net_total(const struct top_domain *d, int rx)
{
	uint64_t t = 0;

	for (unsigned i = 0; i < d->nets && i < TOP_MAX_DEVS; i++)
		t += rx ? d->net[i].rx_bytes : d->net[i].tx_bytes;
	return t;
}

static unsigned digits(uint64_t v)
{
	unsigned n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* xentop widens the name (with -f) and the byte columns to fit the largest. */
static void widths(const struct top_opts *o, const struct top_sample *s, unsigned w[NR_FIELDS])
{
	for (int i = 0; i < NR_FIELDS; i++)
		w[i] = fields[i].width;
	for (unsigned i = 0; i < s->ndoms; i++) {
		const struct top_domain *d = &s->doms[i];
		unsigned len = (unsigned)strlen(d->name);

		if (o->full_name && len > w[F_NAME])
			w[F_NAME] = len;
		if (digits(net_total(d, 0) / 1024 + 1) > w[F_NET_TX])
			w[F_NET_TX] = digits(net_total(d, 0) / 1024 + 1);
		if (digits(net_total(d, 1) / 1024 + 1) > w[F_NET_RX])
			w[F_NET_RX] = digits(net_total(d, 1) / 1024 + 1);
	}
}

static int is_crashed(const struct top_domain *d)
{
	return d->flags & TERN_DOMINF_shutdown && d->shutdown_reason == 3; /* SHUTDOWN_crash */
}

static int is_shutdown(const struct top_domain *d)
{
	return d->flags & TERN_DOMINF_shutdown && d->shutdown_reason != 3;
}

/* xentop's order of the state letters: d s b c p r. */
static void state(const struct top_domain *d, char out[7])
{
	out[0] = d->flags & TERN_DOMINF_dying ? 'd' : '-';
	out[1] = is_shutdown(d) ? 's' : '-';
	out[2] = d->flags & TERN_DOMINF_blocked ? 'b' : '-';
	out[3] = is_crashed(d) ? 'c' : '-';
	out[4] = d->flags & TERN_DOMINF_paused ? 'p' : '-';
	out[5] = d->flags & TERN_DOMINF_running ? 'r' : '-';
	out[6] = '\0';
}

static double cpu_pct(const struct top_domain *d, const struct top_sample *cur,
		      const struct top_sample *prev)
{
	double us;

	if (!prev)
		return 0.0;
	for (unsigned i = 0; i < prev->ndoms; i++) {
		const struct top_domain *old = &prev->doms[i];

		if (old->id != d->id)
			continue;
		us = (double)(cur->when.tv_sec - prev->when.tv_sec) * 1e6 +
		     (double)(cur->when.tv_usec - prev->when.tv_usec);
		/* ns over us, in percent: (ns / 1000) / us * 100. */
		return us > 0 ? ((double)d->cpu_ns - (double)old->cpu_ns) / 10.0 / us : 0.0;
	}
	return 0.0;
}

static void header(FILE *f, const unsigned w[NR_FIELDS])
{
	for (int i = 0; i < NR_FIELDS; i++)
		fprintf(f, "%s%*s", i ? " " : "", (int)w[i], fields[i].header);
	fputc('\n', f);
}

static void row(FILE *f, const unsigned w[NR_FIELDS], const struct top_opts *o,
		const struct top_domain *d, const struct top_sample *cur,
		const struct top_sample *prev)
{
	double tot = (double)cur->tot_kb;
	char st[7];

	if (o->full_name)
		fprintf(f, "%*s", (int)w[F_NAME], d->name);
	else
		fprintf(f, "%10.10s", d->name);
	state(d, st);
	fprintf(f, " %s %10llu %6.1f %10llu %6.1f", st, (unsigned long long)(d->cpu_ns / 1000000000),
		cpu_pct(d, cur, prev), (unsigned long long)d->mem_kb,
		tot ? (double)d->mem_kb / tot * 100 : 0.0);
	if (d->max_kb == TOP_NO_LIMIT)
		fprintf(f, " %10s %9s", "no limit", "n/a");
	else
		fprintf(f, " %10llu %9.1f", (unsigned long long)d->max_kb,
			tot ? (double)d->max_kb / tot * 100 : 0.0);
	fprintf(f, " %5u %4u %*llu %*llu %4u %8llu %*llu %*llu %*llu %*llu %4u\n", d->vcpus,
		d->nets, (int)w[F_NET_TX], (unsigned long long)(net_total(d, 0) / 1024),
		(int)w[F_NET_RX], (unsigned long long)(net_total(d, 1) / 1024), d->vbds, 0ull,
		(int)w[F_VBD_RD], 0ull, (int)w[F_VBD_WR], 0ull, (int)w[F_VBD_RSECT], 0ull,
		(int)w[F_VBD_WSECT], 0ull, d->ssid);
}

static void vcpu_line(FILE *f, const struct top_domain *d)
{
	fprintf(f, "VCPUs(sec): ");
	for (unsigned i = 0; i < d->vcpus && i < TERN_MAX_VCPUS; i++) {
		if (!d->vcpu_online[i])
			continue;
		if (i != 0 && i % 5 == 0)
			fprintf(f, "\n        ");
		fprintf(f, " %2u: %10llus", i, (unsigned long long)(d->vcpu_ns[i] / 1000000000));
	}
	fputc('\n', f);
}

static void net_lines(FILE *f, const struct top_domain *d)
{
	for (unsigned i = 0; i < d->nets && i < TOP_MAX_DEVS; i++) {
		const struct top_net *n = &d->net[i];

		fprintf(f, "Net%u RX: %8llubytes %8llupkts %8lluerr %8lludrop  ", i,
			(unsigned long long)n->rx_bytes, (unsigned long long)n->rx_pkts,
			(unsigned long long)n->rx_errs, (unsigned long long)n->rx_drop);
		fprintf(f, "TX: %8llubytes %8llupkts %8lluerr %8lludrop\n",
			(unsigned long long)n->tx_bytes, (unsigned long long)n->tx_pkts,
			(unsigned long long)n->tx_errs, (unsigned long long)n->tx_drop);
	}
}

/* The backend type is not known ("Unidentified", as xentop says then), nor
 * are its counters: 0. */
static void vbd_lines(FILE *f, const struct top_domain *d)
{
	for (unsigned i = 0; i < d->vbds && i < TOP_MAX_DEVS; i++)
		fprintf(f, "VBD %s %4u [%2x:%2x]  OO: %8d   RD: %8d   WR: %8d   RSECT: %10d   "
			"WSECT: %10d\n", "Unidentified", d->vbd_dev[i], d->vbd_dev[i] >> 8,
			d->vbd_dev[i] & 0xff, 0, 0, 0, 0, 0);
}

static int by_name(const void *a, const void *b)
{
	return strcasecmp(((const struct top_domain *)a)->name, ((const struct top_domain *)b)->name);
}

void top_table(FILE *f, const struct top_opts *o, struct top_sample *cur,
	       const struct top_sample *prev)
{
	unsigned w[NR_FIELDS];

	qsort(cur->doms, cur->ndoms, sizeof(*cur->doms), by_name);
	widths(o, cur, w);
	for (unsigned i = 0; i < cur->ndoms; i++) {
		const struct top_domain *d = &cur->doms[i];

		if (i == 0 || o->repeat_header)
			header(f, w);
		row(f, w, o, d, cur, prev);
		if (o->vcpus)
			vcpu_line(f, d);
		if (o->networks)
			net_lines(f, d);
		if (o->vbds)
			vbd_lines(f, d);
	}
}

void top_summary(FILE *f, const struct top_sample *s)
{
	unsigned run = 0, block = 0, pause = 0, crash = 0, dying = 0, shut = 0;
	char when[16];
	time_t t = s->when.tv_sec;

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&t));
	fprintf(f, "xentop - %s   Xen %s\n", when, s->version);
	/* Each domain counts once, in this order. */
	for (unsigned i = 0; i < s->ndoms; i++) {
		const struct top_domain *d = &s->doms[i];

		if (d->flags & TERN_DOMINF_running)
			run++;
		else if (d->flags & TERN_DOMINF_blocked)
			block++;
		else if (d->flags & TERN_DOMINF_paused)
			pause++;
		else if (is_shutdown(d))
			shut++;
		else if (is_crashed(d))
			crash++;
		else if (d->flags & TERN_DOMINF_dying)
			dying++;
	}
	fprintf(f, "%u domains: %u running, %u blocked, %u paused, %u crashed, %u dying, "
		"%u shutdown \n", s->ndoms, run, block, pause, crash, dying, shut);
	fprintf(f, "Mem: %lluk total, %lluk used, %lluk free    CPUs: %u @ %lluMHz\n",
		(unsigned long long)s->tot_kb, (unsigned long long)(s->tot_kb - s->free_kb),
		(unsigned long long)s->free_kb, s->num_cpus, (unsigned long long)s->cpu_mhz);
}
