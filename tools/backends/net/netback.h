/*
 * tern-netback: the network backend, one daemon for all of dom0's virtual
 * network interfaces (docs/netback.md). Its parts:
 *
 *   netback.c      the daemon: options, supervision, the event loop
 *   net_vif.c      one vif through the xenbus handshake
 *                  (tools/lib/xenbus_be.c): tap, features, queues
 *   net_queue.c    one queue's data path: TX ring -> tap, tap -> RX ring,
 *                  by batched grant copies
 *   net_tap.c      the tap device (tun/tap with virtio-net headers)
 *   net_stats.c    per-vif counters, in a file the admin reads
 *   net_tx.c, net_rx.c, net_pkt.c, net_credit.c   pure parts (unit-tested, fuzzed)
 */
#ifndef TERN_NETBACK_H
#define TERN_NETBACK_H

#include <net/if.h>
#include <stdint.h>
#include <sys/uio.h>
#include <time.h>

#include <linux/virtio_net.h>

#include "back_ring.h"
#include "net_credit.h"
#include "net_pkt.h"
#include "net_rx.h"
#include "net_tx.h"
#include "backend_main.h"
#include "ternctl.h"
#include "xenbus_be.h"

/* What we offer the frontend. */
#define NET_MAX_QUEUES 4            /* multi-queue-max-queues */
/* Guest packets one TX round may hold: each slot gets a page of its own. */
#define NET_TX_ARENA_PAGES NET_TX_RING_SIZE
/* Frames from the tap one RX round may hold. */
#define NET_RX_BATCH 16
/* A guest that posts no receive buffers for this long has its waiting
 * frames dropped (counted) and its interface's carrier taken down until it
 * posts some again, so the bridge stops queueing for it. */
#define NET_RX_STALL_MS 2000
/* How often the counters file is rewritten while it changes. */
#define NET_STATS_PERIOD_MS 1000

/* Counters of one vif (docs/netback.md lists them). */
struct net_stats {
	uint64_t tx_packets, tx_bytes;        /* guest -> tap */
	uint64_t rx_packets, rx_bytes;        /* tap -> guest */
	uint64_t tx_runt, tx_oversize, tx_bad_slots, tx_bad_extra, tx_bad_gso_info;
	uint64_t tx_bad_csum, tx_bad_gso, tx_bad_grant, tx_tap_refused;
	uint64_t tx_rate_waits;               /* rounds held back by the rate limit */
	uint64_t rx_stall_dropped;            /* frames dropped: the guest posted no buffers */
	uint64_t rx_bad_grant;                /* frames lost: a receive buffer's grant failed */
	uint64_t rx_unsendable;               /* frames the frontend could not be given */
	uint64_t ring_broken;                 /* rings stopped for impossible indexes */
};

struct net_ctx {
	struct xbe xbe;
	const char *state_dir;      /* the counters files */
	struct net_vif *vifs;       /* connected ones, for polling */
	struct tc_gcopy *gcopy;     /* scratch for batched grant copies */
	unsigned gcopy_cap;
};

struct net_vif;

struct net_queue {
	struct net_vif *vif;
	unsigned idx;
	/* The frontend's rings and channels, from its xenstore nodes. */
	uint32_t tx_ref, rx_ref;
	uint32_t tx_remote, rx_remote;   /* the same port when not split */
	struct tc_grant_map tx_map, rx_map;
	struct back_ring tx, rx;
	int tx_port, rx_port;            /* local; the same when not split; -1 if none */
	int tap_fd;
	int broken;                      /* a ring was broken: ignored until it reconnects */
	uint8_t *mem;                    /* the TX arena and the RX frames: one mapping */
	size_t mem_len;
	uint8_t *tx_arena;
	struct net_tx_pkt *tx_pkts;      /* one TX round's packets */
	/* Their virtio-net headers and what to write (nvec 0: dropped). */
	struct virtio_net_hdr tx_vh[NET_TX_RING_SIZE];
	struct iovec (*tx_vec)[NET_TX_MAX_SLOTS + 1];
	unsigned tx_nvec[NET_TX_RING_SIZE];
	struct net_rx_frame rx_frames[NET_RX_BATCH];
	int rx_held;                     /* rx_frames[0] waits for room */
	uint64_t rx_stall_since_ms;      /* when it started waiting; 0: not */
	int rx_stopped;                  /* stalled: dropping until the guest posts buffers */
	int tx_credit_wait;              /* TX stopped until the credit refills */
};

struct net_vif {
	struct net_ctx *ctx;
	struct xbe_dev *xd;
	struct net_vif *next;            /* on ctx->vifs while connected */
	char ifname[IFNAMSIZ];
	int tap_made;                    /* the tap is this vif's (remove destroys it) */
	unsigned mtu;
	struct net_fe_caps caps;
	struct net_credit credit;
	struct tc_gntdev gnt;
	unsigned nqueues;
	struct net_queue *queues;
	/* Queues stopped. The carrier is the whole interface's: off while any
	 * queue is stopped, on again once none is (as Linux's netback). */
	unsigned nstopped;
	struct net_stats stats;
	uint64_t reported;               /* drop kinds already logged (bits) */
	int stats_dirty;
	uint64_t stats_written_ms;
};

/* net_vif.c: the xenbus callbacks. */
extern const struct xbe_ops net_vif_ops;

/* net_queue.c */
int net_queue_start(struct net_queue *q);
void net_queue_stop(struct net_queue *q);
/* Event channel handlers (arg: the queue). */
void net_queue_tx_event(void *arg);
void net_queue_rx_event(void *arg);
void net_queue_both_event(void *arg);
/* The tap has frames for the guest. */
void net_queue_tap_ready(struct net_queue *q);
/* Whether the loop should poll the tap for input. */
int net_queue_wants_tap(const struct net_queue *q);
/* Deadlines (rate limit, stalls): does what is due; returns ms until the
 * next one, or -1 if none. */
int net_queue_timers(struct net_queue *q, uint64_t now_ms);

/* net_tap.c: 0 or -errno; err gets the reason. */
int net_tap_create(const char *name, char *err, size_t errlen);
int net_tap_open_queue(const char *name, int *fd);
int net_tap_destroy(const char *name);
int net_tap_set_offload(int fd, const struct net_fe_caps *caps);
int net_tap_carrier(int fd, int on);

/* net_stats.c */
void net_stats_count_drop(struct net_vif *v, uint64_t *counter, const char *what);
/* Rewrites the counters file if it changed (force: now, else at most once per period). */
void net_stats_flush(struct net_vif *v, int force);
void net_stats_remove(struct net_vif *v);

uint64_t net_now_ms(void);
uint64_t net_now_us(void);

#endif
