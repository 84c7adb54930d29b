/*
 * xentop: the domains' use of the host, in xentop's formats (Xen's tools
 * read the same columns): a sample of the hypervisor's and dom0's figures
 * (top_collect.c), printed as xentop prints it (top_print.c, pure, unit
 * tested), by xentop.c in batch mode or on a refreshing screen.
 */
#ifndef TERN_XENTOP_H
#define TERN_XENTOP_H

#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

#include <public/domctl.h>

#define TOP_MAX_DEVS 16
#define TOP_NO_LIMIT UINT64_MAX /* max_kb of a domain without one */

/* One vif's counters, as dom0's network device vif<domid>.<devid> has them. */
struct top_net {
	unsigned id;
	char ifname[16];              /* its interface in dom0: vif<domid>.<id> or its vifname */
	uint64_t rx_bytes, rx_pkts, rx_errs, rx_drop;
	uint64_t tx_bytes, tx_pkts, tx_errs, tx_drop;
};

struct top_domain {
	uint16_t id;
	char name[128];
	uint32_t flags;               /* TERN_DOMINF_* */
	uint8_t shutdown_reason;
	uint64_t cpu_ns;
	uint64_t mem_kb, max_kb;      /* max_kb: TOP_NO_LIMIT if none */
	unsigned vcpus;               /* max vCPU id + 1 */
	unsigned ssid;
	int vcpu_online[TERN_MAX_VCPUS];
	uint64_t vcpu_ns[TERN_MAX_VCPUS];
	/* Devices from the backends' xenstore directories; tern's backends keep
	 * no request counters, so the VBD columns read 0. */
	unsigned nets, vbds;
	struct top_net net[TOP_MAX_DEVS];
	uint32_t vbd_dev[TOP_MAX_DEVS]; /* xenstore device number (202:0 = 51712) */
};

struct top_sample {
	struct timeval when;
	char version[96];             /* "4.17.0-tern0.1-dev" */
	uint64_t tot_kb, free_kb;
	unsigned num_cpus;
	uint64_t cpu_mhz;
	unsigned ndoms;
	struct top_domain *doms;
};

struct top_opts {
	int vcpus, networks, vbds, repeat_header, full_name;
};

/* The three summary lines above the table (the screen, not batch mode). */
void top_summary(FILE *f, const struct top_sample *s);
/* The table: a header, then the domains by name, each with the -v, -n and
 * -x lines asked for. CPU(%) is over the time since prev (NULL: 0.0).
 * Sorts cur's domains. */
void top_table(FILE *f, const struct top_opts *o, struct top_sample *cur,
	       const struct top_sample *prev);

struct tc_handle;
struct tc_xs;
/* Takes a sample (vCPU times only with want_vcpus); 0 or -errno. */
int top_collect(struct tc_handle *h, struct tc_xs *xs, int want_vcpus, struct top_sample *s);
/* Adds the counters of dom0's vif<domid>.<devid> devices from text in the
 * form of /proc/net/dev to the sample's domains that have that vif. */
void top_net_counters(struct top_sample *s, const char *text);
void top_sample_free(struct top_sample *s);

#endif
