/*
 * blkbench: direct I/O throughput of a file or block device, the same
 * program in dom0 (on the backing file) and in a domU (on its virtual disk),
 * so both sides of bench/blk are measured the same way.
 *
 *   blkbench seqread|seqwrite|randread PATH SIZE_MIB SECONDS [DEPTH]
 *
 * seqread/seqwrite: 1 MiB requests over the first SIZE_MIB MiB, wrapping;
 * randread: 4 KiB requests at random 4 KiB offsets in it. DEPTH requests
 * stay in flight (io_uring; default 4 sequential, 16 random). Runs for
 * SECONDS and prints one line: "<mode> <MiB/s> MiB/s <IOPS> IOPS".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct io_uring ring;
	unsigned depth, bs, inflight = 0;
	uint64_t span, next = 0, ops = 0, rnd = 88172645463325252ull;
	double seconds, start, end;
	int fd, write, random, rc;
	char *buf;

	if (argc < 5) {
		fprintf(stderr, "Usage: blkbench seqread|seqwrite|randread PATH SIZE_MIB SECONDS [DEPTH]\n");
		return 2;
	}
	write = strcmp(argv[1], "seqwrite") == 0;
	random = strcmp(argv[1], "randread") == 0;
	if (!write && !random && strcmp(argv[1], "seqread") != 0) {
		fprintf(stderr, "blkbench: unknown mode %s\n", argv[1]);
		return 2;
	}
	bs = random ? 4096 : 1 << 20;
	span = strtoull(argv[3], NULL, 10) << 20;
	seconds = strtod(argv[4], NULL);
	depth = argc > 5 ? (unsigned)atoi(argv[5]) : random ? 16 : 4;
	if (span < bs || depth == 0 || depth > 64 || seconds <= 0) {
		fprintf(stderr, "blkbench: bad size, depth or time\n");
		return 2;
	}
	fd = open(argv[2], (write ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "blkbench: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	if (posix_memalign((void **)&buf, 4096, (size_t)bs * depth))
		return 1;
	memset(buf, 0x5a, (size_t)bs * depth);
	rc = io_uring_queue_init(depth, &ring, 0);
	if (rc) {
		fprintf(stderr, "blkbench: io_uring: %s\n", strerror(-rc));
		return 1;
	}
	start = now();
	end = start + seconds;
	for (;;) {
		struct io_uring_cqe *cqe;
		int running = now() < end;

		while (running && inflight < depth) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			uint64_t off;
			char *b = buf + (size_t)bs * (inflight % depth);

			if (random) {
				rnd ^= rnd << 13;
				rnd ^= rnd >> 7;
				rnd ^= rnd << 17;
				off = (rnd % (span / bs)) * bs;
			} else {
				off = next;
				next = (next + bs) % (span - span % bs);
			}
			if (write)
				io_uring_prep_write(sqe, fd, b, bs, off);
			else
				io_uring_prep_read(sqe, fd, b, bs, off);
			inflight++;
		}
		if (!inflight)
			break;
		io_uring_submit(&ring);
		if (io_uring_wait_cqe(&ring, &cqe))
			return 1;
		if (cqe->res != (int)bs) {
			fprintf(stderr, "blkbench: %s: %s\n", argv[2],
				cqe->res < 0 ? strerror(-cqe->res) : "short transfer");
			return 1;
		}
		io_uring_cqe_seen(&ring, cqe);
		inflight--;
		ops++;
	}
	seconds = now() - start;
	printf("%s %.1f MiB/s %.0f IOPS\n", argv[1], ops * (double)bs / seconds / (1 << 20),
	       ops / seconds);
	return 0;
}
