/*
 * tern-blkback: the block backend, one daemon for all of dom0's virtual
 * disks (docs/blkback.md). Its parts:
 *
 *   blkback.c      the daemon: options, supervision, the event loop
 *   blk_vbd.c      one virtual disk through the xenbus handshake
 *                  (tools/lib/xenbus_be.c): features, rings, channels
 *   blk_queue.c    one ring's requests: grant copies, I/O, responses
 *   blk_io.c       asynchronous I/O with io_uring
 *   blk_ring.c, blk_req.c, blk_journal.c   pure parts (unit-tested, fuzzed)
 *   blk_disk.c     the backing file or device
 */
#ifndef TERN_BLKBACK_H
#define TERN_BLKBACK_H

#include <liburing.h>
#include <stdint.h>

#include "blk_disk.h"
#include "blk_journal.h"
#include "blk_req.h"
#include "blk_ring.h"
#include "backend_main.h"
#include "ternctl.h"
#include "xenbus_be.h"

/* What we offer the frontend. */
#define BLK_MAX_QUEUES 4            /* multi-queue-max-queues */
#define BLK_MAX_RING_ORDER 4        /* max-ring-page-order: 16 pages */
/* Bytes of data one request can carry (all segments full pages). */
#define BLK_SLOT_BYTES (BLK_MAX_INDIRECT_SEGS * 4096u)
#define BLK_INDIRECT_BYTES (BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST * 4096u)

struct blk_ctx {
	struct xbe xbe;
	struct io_uring uring;
	const char *state_dir;      /* where the queues' journals live */
	struct blk_slot *reads;     /* reads done, data still to copy to the guest */
	struct blk_queue *dirty;    /* queues with answers to publish */
	struct tc_gntdev gnt;       /* for grant copies (each disk maps its rings with its own) */
	struct tc_gcopy *gcopy;     /* scratch for batched grant copies */
	unsigned gcopy_cap;
};

struct blk_queue;

/* One request in flight: its journal slot and what it is waiting for. */
enum blk_phase {
	BLK_PHASE_IDLE,
	BLK_PHASE_INDIRECT,         /* its segment pages are to be fetched */
	BLK_PHASE_READY,            /* checked, its write data to be fetched, then submitted */
	BLK_PHASE_IO,               /* read, write, discard or flush submitted */
	BLK_PHASE_FLUSH,            /* data written, the flush that follows submitted */
};

struct blk_slot {
	struct blk_queue *q;
	unsigned idx;
	enum blk_phase phase;
	int fd;                     /* where its I/O went, -1 before */
	struct blk_slot *next;      /* on ctx->reads */
	struct blk_req req;
	uint8_t *buf;               /* BLK_SLOT_BYTES, page-aligned */
	uint8_t *indirect;          /* BLK_INDIRECT_BYTES */
};

struct blk_vbd;

struct blk_queue {
	struct blk_vbd *vbd;
	unsigned idx;
	/* The frontend's ring, from its xenstore nodes. */
	uint32_t refs[1u << BLK_MAX_RING_ORDER];
	unsigned npages;
	uint32_t remote_port;
	struct tc_grant_map map;
	struct back_ring ring;
	int port;                   /* local event channel port, -1 if none */
	struct blk_journal *jn;
	char jn_path[160];
	uint8_t *mem;               /* the slots' buffers: one mapping */
	size_t mem_len;
	struct blk_slot slots[BLK_SLOTS];
	unsigned busy;              /* slots with a request */
	int broken;                 /* the frontend broke the ring: ignored until it reconnects */
	int waiting;                /* requests left on the ring for want of a slot */
	unsigned rejected;          /* requests refused, for the log */
	int dirty;                  /* on ctx->dirty */
	struct blk_queue *next_dirty;
};

struct blk_vbd {
	struct blk_ctx *ctx;
	struct xbe_dev *xd;
	struct blk_disk disk;
	int disk_open;
	struct blk_limits lim;
	struct tc_gntdev gnt;       /* its ring mappings */
	int abi32;                  /* the frontend speaks "x86_32-abi" */
	unsigned nqueues;
	struct blk_queue *queues;
};

/* blk_vbd.c: the xenbus callbacks. */
extern const struct xbe_ops blk_vbd_ops;

/* blk_queue.c */
int blk_queue_start(struct blk_queue *q, int reattach);
/* Unbinds, waits for its requests, lets go of the ring; the requests
 * still at the disk after a while (then nothing is freed). */
unsigned blk_queue_stop(struct blk_queue *q);
/* Takes and starts what the ring holds (the event channel fired). */
void blk_queue_kick(struct blk_queue *q);
/* A submitted operation of slot s finished with res (bytes or -errno). */
void blk_queue_io_done(struct blk_slot *s, int res);
/* After a round of completions: copy read data out, answer, publish, notify. */
void blk_queue_flush_answers(struct blk_ctx *ctx);

/* blk_io.c: io_uring submission; 0 or -errno (the caller answers with an error). */
int blk_io_init(struct blk_ctx *ctx);
void blk_io_fini(struct blk_ctx *ctx);
int blk_io_rw(struct blk_ctx *ctx, struct blk_slot *s, int write);
int blk_io_flush(struct blk_ctx *ctx, struct blk_slot *s);
int blk_io_punch(struct blk_ctx *ctx, struct blk_slot *s, uint64_t off, uint64_t len);
/* Submits what was queued. */
void blk_io_submit(struct blk_ctx *ctx);
/* Handles the completions there are (wait: block for at least one). */
void blk_io_reap(struct blk_ctx *ctx, int wait);


#endif
