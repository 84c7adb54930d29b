/*
 * A vif's counters (netback.h) in <state-dir>/<ifname>.stats, one
 * "name value" line each, rewritten (atomically, by rename) at most once a
 * second while they change: what the admin reads to see what a guest sent
 * that was dropped, and why. The first drop of each kind is also logged.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netback.h"

#define FIELD(name) { #name, offsetof(struct net_stats, name) }

static const struct {
	const char *name;
	size_t off;
} fields[] = {
	FIELD(tx_packets), FIELD(tx_bytes), FIELD(rx_packets), FIELD(rx_bytes),
	FIELD(tx_runt), FIELD(tx_oversize), FIELD(tx_bad_slots), FIELD(tx_bad_extra),
	FIELD(tx_bad_gso_info), FIELD(tx_bad_csum), FIELD(tx_bad_gso), FIELD(tx_bad_grant),
	FIELD(tx_tap_refused), FIELD(tx_rate_waits), FIELD(rx_stall_dropped), FIELD(rx_bad_grant),
	FIELD(rx_unsendable), FIELD(ring_broken),
};

void net_stats_count_drop(struct net_vif *v, uint64_t *counter, const char *what)
{
	unsigned bit = (unsigned)(((uint8_t *)counter - (uint8_t *)&v->stats) / sizeof(uint64_t));

	(*counter)++;
	v->stats_dirty = 1;
	if (bit < 64 && !(v->reported & (1ull << bit))) {
		v->reported |= 1ull << bit;
		tc_backend_log("%s: %s (counted in %s/%s.stats; further ones are not logged)",
			v->ifname, what, v->ctx->state_dir, v->ifname);
	}
}

static void stats_path(const struct net_vif *v, char *out, size_t len, const char *suffix)
{
	snprintf(out, len, "%s/%s.stats%s", v->ctx->state_dir, v->ifname, suffix);
}

void net_stats_flush(struct net_vif *v, int force)
{
	uint64_t now = net_now_ms();
	char tmp[192], path[192];
	FILE *f;

	if (!v->stats_dirty || (!force && now - v->stats_written_ms < NET_STATS_PERIOD_MS))
		return;
	stats_path(v, tmp, sizeof(tmp), ".tmp");
	stats_path(v, path, sizeof(path), "");
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "vif %s domain %u device %u queues %u\n", v->ifname, v->xd->domid,
		v->xd->devid, v->nqueues);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		fprintf(f, "%s %llu\n", fields[i].name,
			(unsigned long long)*(const uint64_t *)((const uint8_t *)&v->stats +
								fields[i].off));
	if (fclose(f) == 0)
		rename(tmp, path);
	v->stats_dirty = 0;
	v->stats_written_ms = now;
}

void net_stats_remove(struct net_vif *v)
{
	char path[192];

	stats_path(v, path, sizeof(path), "");
	unlink(path);
}
