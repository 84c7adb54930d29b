/*
 * One ring's requests (blkback.h): taken into a journal slot, checked
 * (blk_req.c), their data moved only by grant copy into the slot's own
 * buffer, read or written with io_uring, answered, published. Copies are
 * batched over every request of a round: one gntdev call for all the
 * indirect pages taken, one for all the write data, one for all the reads
 * that completed together.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <public/grant_table.h>

#include "blkback.h"

/* How long stopping a queue waits for its requests at the disk. */
#define BLK_STOP_WAIT_S 30
/* Refused requests logged per queue. */
#define BLK_REJECTS_LOGGED 10

/* ---- answers ---- */

static void mark_dirty(struct blk_queue *q)
{
	struct blk_ctx *ctx = q->vbd->ctx;

	if (!q->dirty) {
		q->dirty = 1;
		q->next_dirty = ctx->dirty;
		ctx->dirty = q;
	}
}

/* The request is finished: its answer goes into the ring (published later). */
static void answer(struct blk_slot *s, int16_t status)
{
	struct blk_queue *q = s->q;

	blk_journal_answer(q->jn, s->idx, q->ring.rsp_prod_pvt, s->req.id, s->req.rsp_op, status);
	blk_ring_put_response(&q->ring, s->req.id, s->req.rsp_op, status);
	s->phase = BLK_PHASE_IDLE;
	q->busy--;
	mark_dirty(q);
}

static struct tc_gcopy *gcopy_room(struct blk_ctx *ctx, unsigned n)
{
	return tc_gcopy_room(&ctx->gcopy, &ctx->gcopy_cap, n);
}

/* The descriptors moving slot s's data between its buffer and its
 * segments; returns how many. */
static unsigned data_copies(struct blk_slot *s, struct tc_gcopy *g, int to_foreign)
{
	uint32_t off = 0;

	for (unsigned i = 0; i < s->req.nsegs; i++) {
		const struct blk_seg *seg = &s->req.segs[i];

		g[i] = (struct tc_gcopy){ s->buf + off, seg->gref, s->q->vbd->xd->domid,
					  seg->offset, seg->len, to_foreign, -1 };
		off += seg->len;
	}
	return s->req.nsegs;
}

/* Whether slot s's copies (n from g, after the call's rc) all succeeded;
 * a failure is said (a few times per queue). */
static int copies_ok(struct blk_slot *s, int rc, const struct tc_gcopy *g, unsigned n)
{
	struct blk_queue *q = s->q;
	int status = 0;

	for (unsigned i = 0; i < n && rc == 0 && status == 0; i++)
		status = g[i].status;
	if ((rc || status) && q->rejected++ < BLK_REJECTS_LOGGED)
		tc_backend_log("%s queue %u: request %llu: grant copy failed (%s %d)", q->vbd->xd->be_path,
			q->idx, (unsigned long long)s->req.id, rc ? "the call:" : "GNTST",
			rc ? rc : status);
	return rc == 0 && status == GNTST_okay;
}

/*
 * Copies the data of every finished read to its guest in one call, then
 * answers them. A failed copy (a grant revoked, a bad reference) fails
 * that request only.
 */
static void copy_out_reads(struct blk_ctx *ctx)
{
	struct blk_slot *list = ctx->reads, *s;
	unsigned total = 0, pos = 0;
	struct tc_gcopy *g;
	int rc = 0;

	ctx->reads = NULL;
	for (s = list; s; s = s->next)
		total += s->req.nsegs;
	g = total ? gcopy_room(ctx, total) : NULL;
	if (total && !g)
		rc = -ENOMEM;
	for (s = list; s && g; s = s->next)
		pos += data_copies(s, g + pos, 1);
	if (total && g)
		rc = tc_gntdev_copy(&ctx->gnt, g, total);
	pos = 0;
	for (s = list; s;) {
		struct blk_slot *next = s->next;
		unsigned n = s->req.nsegs;

		answer(s, copies_ok(s, rc, g + pos, n) ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR);
		pos += n;
		s = next;
	}
}

static void kick_inner(struct blk_queue *q);

void blk_queue_flush_answers(struct blk_ctx *ctx)
{
	while (ctx->reads || ctx->dirty) {
		struct blk_queue *q;

		if (ctx->reads)
			copy_out_reads(ctx);
		q = ctx->dirty;
		ctx->dirty = NULL;
		while (q) {
			struct blk_queue *next = q->next_dirty;

			q->dirty = 0;
			if (blk_ring_push(&q->ring) && q->port >= 0)
				xbe_notify(&ctx->xbe, (uint32_t)q->port);
			blk_journal_published(q->jn, q->ring.rsp_pushed);
			/* Slots came free: take what waited for them. */
			if (q->waiting && q->port >= 0)
				kick_inner(q);
			q = next;
		}
		blk_io_submit(ctx);
	}
}

/* ---- starting requests ---- */

/* Sends a checked request with its data in place to the disk. */
static void submit(struct blk_slot *s)
{
	struct blk_ctx *ctx = s->q->vbd->ctx;
	struct blk_disk *disk = &s->q->vbd->disk;
	int rc = 0;

	s->phase = BLK_PHASE_IO;
	switch (s->req.op) {
	case BLKIF_OP_READ:
		rc = blk_io_rw(ctx, s, 0);
		break;
	case BLKIF_OP_WRITE:
		rc = blk_io_rw(ctx, s, 1);
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
	case BLKIF_OP_WRITE_BARRIER:
		/* With data: write it, then flush (a superset of "flush, then write"). */
		rc = s->req.nsegs ? blk_io_rw(ctx, s, 1) : (s->phase = BLK_PHASE_FLUSH,
							    blk_io_flush(ctx, s));
		break;
	case BLKIF_OP_DISCARD: {
		uint64_t off = s->req.sector * BLK_SECTOR, len = s->req.nr_sectors * BLK_SECTOR;

		if (len == 0) {
			answer(s, BLKIF_RSP_OKAY);
			return;
		}
		if (disk->is_blockdev) {
			/* No io_uring operation for it in this kernel: done here. */
			answer(s, blk_disk_discard_dev(disk, off, len) ? BLKIF_RSP_ERROR :
									  BLKIF_RSP_OKAY);
			return;
		}
		rc = blk_io_punch(ctx, s, off, len);
		break;
	}
	default:
		rc = -EOPNOTSUPP;
		break;
	}
	if (rc)
		answer(s, BLKIF_RSP_ERROR);
}

/* Fetches the indirect pages of the slots listed, then checks their
 * segments; the ones that fail are answered (and left IDLE). */
static void fetch_indirect(struct blk_queue *q, struct blk_slot **list, unsigned n)
{
	struct blk_ctx *ctx = q->vbd->ctx;
	unsigned total = 0, pos = 0;
	struct tc_gcopy *g;
	int rc;

	for (unsigned i = 0; i < n; i++)
		total += list[i]->req.n_indirect;
	g = gcopy_room(ctx, total);
	if (!g) {
		for (unsigned i = 0; i < n; i++)
			answer(list[i], BLKIF_RSP_ERROR);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned p = 0; p < list[i]->req.n_indirect; p++)
			g[pos++] = (struct tc_gcopy){ list[i]->indirect + p * 4096u,
						      list[i]->req.indirect_grefs[p],
						      q->vbd->xd->domid, 0, 4096, 0, -1 };
	rc = tc_gntdev_copy(&ctx->gnt, g, total);
	pos = 0;
	for (unsigned i = 0; i < n; i++) {
		struct blk_slot *s = list[i];
		unsigned k = s->req.n_indirect;
		int st = copies_ok(s, rc, g + pos, k) ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR;

		pos += k;
		if (st == BLKIF_RSP_OKAY)
			st = blk_req_parse_indirect(&s->req,
						    (const struct blkif_request_segment *)s->indirect,
						    &q->vbd->lim);
		if (st != BLKIF_RSP_OKAY)
			answer(s, (int16_t)st);
		else
			s->phase = BLK_PHASE_READY;
	}
}

/* Copies the write data of the READY slots listed into their buffers; the
 * ones whose copy fails are answered. */
static void fetch_write_data(struct blk_queue *q, struct blk_slot **list, unsigned n)
{
	struct blk_ctx *ctx = q->vbd->ctx;
	unsigned total = 0, pos = 0;
	struct tc_gcopy *g;
	int rc;

	for (unsigned i = 0; i < n; i++)
		if (list[i]->phase == BLK_PHASE_READY && list[i]->req.write)
			total += list[i]->req.nsegs;
	if (!total)
		return;
	g = gcopy_room(ctx, total);
	rc = g ? 0 : -ENOMEM;
	for (unsigned i = 0; i < n && g; i++)
		if (list[i]->phase == BLK_PHASE_READY && list[i]->req.write)
			pos += data_copies(list[i], g + pos, 0);
	if (g)
		rc = tc_gntdev_copy(&ctx->gnt, g, total);
	pos = 0;
	for (unsigned i = 0; i < n; i++) {
		struct blk_slot *s = list[i];

		if (s->phase != BLK_PHASE_READY || !s->req.write)
			continue;
		if (!copies_ok(s, rc, g + pos, s->req.nsegs))
			answer(s, BLKIF_RSP_ERROR);
		pos += s->req.nsegs;
	}
}

/* Checks a request taken into slot idx; NULL if it was answered at once. */
static struct blk_slot *begin(struct blk_queue *q, unsigned idx, const struct blkif_request *raw)
{
	struct blk_slot *s = &q->slots[idx];
	int st;

	q->busy++;
	s->fd = -1;
	s->phase = BLK_PHASE_IDLE;
	st = blk_req_parse(raw, &q->vbd->lim, &s->req);
	if (st != BLKIF_RSP_OKAY) {
		/* Said a few times per queue: a guest must not fill the log. */
		if (q->rejected++ < BLK_REJECTS_LOGGED)
			tc_backend_log("%s queue %u: request %llu (operation %u, sector %llu) refused: %s",
				q->vbd->xd->be_path, q->idx, (unsigned long long)s->req.id,
				raw->operation, (unsigned long long)raw->u.rw.sector_number,
				st == BLKIF_RSP_EOPNOTSUPP ? "not supported" : "invalid");
		answer(s, (int16_t)st);
		return NULL;
	}
	s->phase = s->req.n_indirect ? BLK_PHASE_INDIRECT : BLK_PHASE_READY;
	return s;
}

/* Carries the slots of one round through the batched copies to the disk. */
static void run_round(struct blk_queue *q, struct blk_slot **list, unsigned n)
{
	struct blk_slot *ind[BLK_SLOTS];
	unsigned nind = 0;

	for (unsigned i = 0; i < n; i++)
		if (list[i]->phase == BLK_PHASE_INDIRECT)
			ind[nind++] = list[i];
	if (nind)
		fetch_indirect(q, ind, nind);
	fetch_write_data(q, list, n);
	for (unsigned i = 0; i < n; i++)
		if (list[i]->phase == BLK_PHASE_READY)
			submit(list[i]);
}

static void kick_inner(struct blk_queue *q)
{
	for (;;) {
		struct blk_slot *round[BLK_SLOTS];
		unsigned n = 0;
		int slot, rc = 0;

		if (q->broken || !q->jn)
			return;
		while ((slot = blk_journal_free_slot(q->jn)) >= 0) {
			struct blkif_request raw;
			struct blk_slot *s;

			rc = blk_ring_take(&q->ring, q->vbd->abi32, &raw);
			if (rc <= 0)
				break;
			blk_journal_take(q->jn, (unsigned)slot, q->ring.req_cons - 1, &raw);
			s = begin(q, (unsigned)slot, &raw);
			if (s)
				round[n++] = s;
		}
		if (n)
			run_round(q, round, n);
		q->waiting = slot < 0;
		if (rc == 0 && slot >= 0)
			rc = blk_ring_final_check(&q->ring);
		if (rc < 0) {
			q->broken = 1;
			tc_backend_log("%s queue %u: the frontend's ring indexes are impossible (req_prod %u, "
				"taken %u, ring of %u): ignoring the ring until it reconnects",
				q->vbd->xd->be_path, q->idx, q->ring.sring->req_prod, q->ring.req_cons,
				q->ring.nr_ents);
			return;
		}
		if (rc == 0 || q->waiting)
			return;
	}
}

void blk_queue_kick(struct blk_queue *q)
{
	kick_inner(q);
	blk_io_submit(q->vbd->ctx);
	blk_queue_flush_answers(q->vbd->ctx);
}

/* ---- completions ---- */

void blk_queue_io_done(struct blk_slot *s, int res)
{
	struct blk_ctx *ctx = s->q->vbd->ctx;
	struct blk_disk *disk = &s->q->vbd->disk;
	uint64_t len = s->req.nr_sectors * BLK_SECTOR;
	int rw = s->req.op != BLKIF_OP_DISCARD && (s->req.op == BLKIF_OP_READ || s->req.nsegs);

	if (s->phase == BLK_PHASE_FLUSH) {
		answer(s, res == 0 ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR);
		return;
	}
	/* O_DIRECT refused this one (alignment): the buffered descriptor takes it. */
	if (rw && res == -EINVAL && disk->direct && s->fd == disk->fd) {
		s->fd = disk->fd_buffered;
		if (blk_io_rw(ctx, s, s->req.op != BLKIF_OP_READ) == 0)
			return;
	}
	if (rw ? res < 0 || (uint64_t)res != len : res != 0) {
		tc_backend_log("%s: %s of %llu sectors at %llu failed: %s", s->q->vbd->xd->be_path,
			s->req.op == BLKIF_OP_READ ? "read" : s->req.op == BLKIF_OP_DISCARD ?
			"discard" : "write", (unsigned long long)s->req.nr_sectors,
			(unsigned long long)s->req.sector,
			res < 0 ? strerror(-res) : "short transfer");
		answer(s, BLKIF_RSP_ERROR);
		return;
	}
	if (s->req.op == BLKIF_OP_READ) {
		s->next = ctx->reads;
		ctx->reads = s;
	} else if ((s->req.op == BLKIF_OP_FLUSH_DISKCACHE || s->req.op == BLKIF_OP_WRITE_BARRIER) &&
		   s->req.nsegs) {
		s->phase = BLK_PHASE_FLUSH;
		if (blk_io_flush(ctx, s))
			answer(s, BLKIF_RSP_ERROR);
	} else {
		answer(s, BLKIF_RSP_OKAY);
	}
}

/* ---- a queue's life ---- */

static void queue_event(void *arg)
{
	blk_queue_kick(arg);
}

/* The journal file of this queue, mapped; created if missing. */
static int journal_map(struct blk_queue *q)
{
	struct blk_vbd *v = q->vbd;
	int fd, rc = 0;

	snprintf(q->jn_path, sizeof(q->jn_path), "%s/%u.%u.%u", v->ctx->state_dir, v->xd->domid,
		 v->xd->devid, q->idx);
	fd = open(q->jn_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, sizeof(struct blk_journal)) != 0)
		rc = -errno;
	if (rc == 0) {
		void *p = mmap(NULL, sizeof(struct blk_journal), PROT_READ | PROT_WRITE, MAP_SHARED,
			       fd, 0);

		if (p == MAP_FAILED)
			rc = -errno;
		else
			q->jn = p;
	}
	close(fd);
	return rc;
}

int blk_queue_start(struct blk_queue *q, int reattach)
{
	struct blk_vbd *v = q->vbd;
	unsigned redo[BLK_SLOTS], nredo = 0, nround = 0;
	struct blk_slot *round[BLK_SLOTS];
	int rc;

	q->port = -1;
	rc = tc_gntdev_map(&v->gnt, v->xd->domid, q->refs, q->npages, PROT_READ | PROT_WRITE,
			   &q->map);
	if (rc) {
		snprintf(v->xd->error, sizeof(v->xd->error), "queue %u: cannot map ring grant %u: %s",
			 q->idx, q->refs[0], strerror(-rc));
		return rc;
	}
	blk_ring_attach(&q->ring, q->map.addr, q->npages, q->vbd->abi32);
	/* One mapping for every slot's buffers; pages are touched as used. */
	q->mem_len = (size_t)BLK_SLOTS * (BLK_SLOT_BYTES + BLK_INDIRECT_BYTES);
	q->mem = mmap(NULL, q->mem_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (q->mem == MAP_FAILED) {
		q->mem = NULL;
		snprintf(v->xd->error, sizeof(v->xd->error), "out of memory for queue %u", q->idx);
		return -ENOMEM;
	}
	/* Small pages: a huge page per slot touched would make a disk cost
	 * tens of MiB (measured: 24 MiB per disk with them). */
	madvise(q->mem, q->mem_len, MADV_NOHUGEPAGE);
	for (unsigned i = 0; i < BLK_SLOTS; i++) {
		q->slots[i] = (struct blk_slot){ .q = q, .idx = i, .fd = -1 };
		q->slots[i].buf = q->mem + (size_t)i * BLK_SLOT_BYTES;
		q->slots[i].indirect = q->mem + (size_t)BLK_SLOTS * BLK_SLOT_BYTES +
				       (size_t)i * BLK_INDIRECT_BYTES;
	}
	rc = journal_map(q);
	if (rc) {
		snprintf(v->xd->error, sizeof(v->xd->error), "cannot keep the journal %s: %s",
			 q->jn_path, strerror(-rc));
		return rc;
	}
	if (reattach && blk_journal_matches(q->jn, q->refs[0])) {
		nredo = blk_journal_recover(q->jn, &q->ring, redo);
		tc_backend_log("%s queue %u: picked up at request %u; %u request(s) to do again",
			v->xd->be_path, q->idx, q->ring.req_cons, nredo);
	} else {
		if (reattach)
			tc_backend_log("%s queue %u: no journal of this ring: starting at its last response",
				v->xd->be_path, q->idx);
		blk_journal_init(q->jn, q->refs[0], q->ring.req_cons);
	}
	rc = xbe_bind(v->xd, q->remote_port, queue_event, q);
	if (rc < 0) {
		snprintf(v->xd->error, sizeof(v->xd->error), "queue %u: cannot bind event channel "
			 "%u: %s", q->idx, q->remote_port, strerror(-rc));
		return rc;
	}
	q->port = rc;
	/* Requests the dead daemon had taken run again, from their copies. */
	for (unsigned i = 0; i < nredo; i++) {
		struct blk_slot *s = begin(q, redo[i], &q->jn->slot[redo[i]].req);

		if (s)
			round[nround++] = s;
	}
	if (nround)
		run_round(q, round, nround);
	mark_dirty(q);
	blk_queue_kick(q);
	if (reattach)
		xbe_notify(&v->ctx->xbe, (uint32_t)q->port);
	return 0;
}

unsigned blk_queue_stop(struct blk_queue *q)
{
	struct blk_ctx *ctx = q->vbd->ctx;

	if (q->port >= 0)
		xbe_unbind(&ctx->xbe, (uint32_t)q->port);
	q->port = -1;
	/* What is in flight finishes first: its buffers and the ring stay until
	 * then. A disk that never answers keeps them (and says so). */
	for (int waited = 0; q->busy && waited < BLK_STOP_WAIT_S * 10; waited++) {
		struct __kernel_timespec ts = { 0, 100 * 1000 * 1000 };
		struct io_uring_cqe *cqe;

		if (io_uring_wait_cqe_timeout(&ctx->uring, &cqe, &ts) == 0)
			blk_io_reap(ctx, 0);
		blk_queue_flush_answers(ctx);
	}
	if (q->busy) {
		/* Their completions will still name these slots: keep it all. */
		tc_backend_log("%s queue %u: %u request(s) still at the disk after %d s: keeping their "
			"buffers", q->vbd->xd->be_path, q->idx, q->busy, BLK_STOP_WAIT_S);
		return q->busy;
	}
	if (q->jn)
		munmap(q->jn, sizeof(struct blk_journal));
	q->jn = NULL;
	if (q->mem)
		munmap(q->mem, q->mem_len);
	q->mem = NULL;
	tc_gntdev_unmap(&q->vbd->gnt, &q->map);
	return 0;
}
