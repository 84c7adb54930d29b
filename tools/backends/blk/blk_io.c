/*
 * Asynchronous I/O to the backing stores with io_uring (blkback.h): one
 * ring for the daemon, each submission tagged with its slot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>

#include "blkback.h"

#define BLK_URING_ENTRIES 256

int blk_io_init(struct blk_ctx *ctx)
{
	return io_uring_queue_init(BLK_URING_ENTRIES, &ctx->uring, 0);
}

void blk_io_fini(struct blk_ctx *ctx)
{
	io_uring_queue_exit(&ctx->uring);
}

/* A submission entry, submitting what is queued if the ring is full. */
static struct io_uring_sqe *sqe_for(struct blk_ctx *ctx, struct blk_slot *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ctx->uring);

	if (!sqe) {
		io_uring_submit(&ctx->uring);
		sqe = io_uring_get_sqe(&ctx->uring);
	}
	if (sqe)
		io_uring_sqe_set_data(sqe, s);
	return sqe;
}

int blk_io_rw(struct blk_ctx *ctx, struct blk_slot *s, int write)
{
	uint64_t off = s->req.sector * BLK_SECTOR, len = s->req.nr_sectors * BLK_SECTOR;
	struct io_uring_sqe *sqe = sqe_for(ctx, s);

	if (!sqe)
		return -EAGAIN;
	if (s->fd < 0)
		s->fd = blk_disk_fd_for(&s->q->vbd->disk, off, len);
	if (write)
		io_uring_prep_write(sqe, s->fd, s->buf, (unsigned)len, off);
	else
		io_uring_prep_read(sqe, s->fd, s->buf, (unsigned)len, off);
	return 0;
}

int blk_io_flush(struct blk_ctx *ctx, struct blk_slot *s)
{
	struct io_uring_sqe *sqe = sqe_for(ctx, s);

	if (!sqe)
		return -EAGAIN;
	io_uring_prep_fsync(sqe, s->q->vbd->disk.fd_buffered, IORING_FSYNC_DATASYNC);
	return 0;
}

int blk_io_punch(struct blk_ctx *ctx, struct blk_slot *s, uint64_t off, uint64_t len)
{
	struct io_uring_sqe *sqe = sqe_for(ctx, s);

	if (!sqe)
		return -EAGAIN;
	io_uring_prep_fallocate(sqe, s->q->vbd->disk.fd_buffered,
				FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len);
	return 0;
}

void blk_io_submit(struct blk_ctx *ctx)
{
	io_uring_submit(&ctx->uring);
}

void blk_io_reap(struct blk_ctx *ctx, int wait)
{
	struct io_uring_cqe *cqe;
	unsigned seen = 0;

	if (wait && io_uring_wait_cqe(&ctx->uring, &cqe) != 0)
		return;
	for (;;) {
		unsigned head, n = 0;

		io_uring_for_each_cqe(&ctx->uring, head, cqe) {
			blk_queue_io_done(io_uring_cqe_get_data(cqe), cqe->res);
			n++;
		}
		if (!n)
			break;
		io_uring_cq_advance(&ctx->uring, n);
		seen += n;
	}
	if (seen) {
		/* Follow-up work (flushes after writes, fallbacks) goes out now. */
		blk_io_submit(ctx);
		blk_queue_flush_answers(ctx);
	}
}
