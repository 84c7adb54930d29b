/*
 * The backing store of one virtual disk: a regular file (sparse or not) or
 * any block device (a partition, an LVM volume, a loop device, a SAN LUN).
 * Opened with O_DIRECT where the store takes it, plus a buffered
 * descriptor for what O_DIRECT refuses (tmpfs, misaligned requests).
 */
#ifndef TERN_BLK_DISK_H
#define TERN_BLK_DISK_H

#include <stddef.h>
#include <stdint.h>

struct blk_disk {
	int fd;                 /* O_DIRECT when direct, else the same as fd_buffered */
	int fd_buffered;
	int direct;
	int is_blockdev;
	int readonly;
	uint64_t size;          /* bytes */
	unsigned logical_block; /* what O_DIRECT must be aligned to */
	unsigned physical_block;
	int discard;            /* holes can be punched / BLKDISCARD works */
	unsigned discard_granularity;
};

/*
 * Opens path read-only or read-write. A read-write block device is opened
 * exclusively, so one that dom0 has mounted or another holder uses is
 * refused (-EBUSY). want_discard: discard-enable from the toolstack.
 * 0, or -errno with a sentence in err.
 */
int blk_disk_open(struct blk_disk *d, const char *path, int readonly, int want_discard,
		  char *err, size_t errlen);
void blk_disk_close(struct blk_disk *d);
/* The descriptor for an access at off of len bytes from a page-aligned buffer. */
int blk_disk_fd_for(const struct blk_disk *d, uint64_t off, uint64_t len);
/* BLKDISCARD on a block device (synchronous). 0 or -errno. */
int blk_disk_discard_dev(const struct blk_disk *d, uint64_t off, uint64_t len);

#endif
