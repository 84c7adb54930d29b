/* Opening and describing a disk's backing store (blk_disk.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "blk_disk.h"

/* A number from /sys/dev/block/M:m/queue/<name>, or 0. */
static unsigned long long sys_queue(dev_t rdev, const char *name)
{
	char path[128];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/%s", major(rdev), minor(rdev),
		 name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

int blk_disk_open(struct blk_disk *d, const char *path, int readonly, int want_discard,
		  char *err, size_t errlen)
{
	int flags = (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	struct stat st;

	memset(d, 0, sizeof(*d));
	d->fd = d->fd_buffered = -1;
	d->readonly = readonly;
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	d->is_blockdev = S_ISBLK(st.st_mode);
	if (!d->is_blockdev && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is neither a file nor a block device", path);
		return -EINVAL;
	}
	/* Exclusive: a mounted or otherwise claimed device says EBUSY. */
	if (d->is_blockdev && !readonly)
		flags |= O_EXCL;
	d->fd_buffered = open(path, flags);
	if (d->fd_buffered < 0) {
		int e = errno;

		snprintf(err, errlen, e == EBUSY ? "%s is in use (mounted in dom0, or claimed by "
			 "another holder)" : "%s: %s", path, strerror(e));
		return -e;
	}
	/* The exclusive claim is the buffered descriptor's; this one shares it. */
	d->fd = open(path, (flags & ~O_EXCL) | O_DIRECT);
	d->direct = d->fd >= 0;
	if (!d->direct)
		d->fd = d->fd_buffered;
	if (d->is_blockdev) {
		int lbs = 512, pbs = 512;

		if (ioctl(d->fd_buffered, BLKGETSIZE64, &d->size) != 0) {
			snprintf(err, errlen, "%s: cannot read its size: %s", path, strerror(errno));
			blk_disk_close(d);
			return -EIO;
		}
		ioctl(d->fd_buffered, BLKSSZGET, &lbs);
		ioctl(d->fd_buffered, BLKPBSZGET, &pbs);
		d->logical_block = (unsigned)lbs;
		d->physical_block = (unsigned)pbs;
		d->discard = want_discard && sys_queue(st.st_rdev, "discard_max_bytes") > 0;
		d->discard_granularity = (unsigned)sys_queue(st.st_rdev, "discard_granularity");
	} else {
		d->size = (uint64_t)st.st_size;
		d->logical_block = 512;
		d->physical_block = st.st_blksize >= 512 ? (unsigned)st.st_blksize : 512;
		d->discard = want_discard;
		d->discard_granularity = d->physical_block;
	}
	if (d->discard_granularity < 512)
		d->discard_granularity = 512;
	return 0;
}

void blk_disk_close(struct blk_disk *d)
{
	if (d->fd >= 0 && d->fd != d->fd_buffered)
		close(d->fd);
	if (d->fd_buffered >= 0)
		close(d->fd_buffered);
	d->fd = d->fd_buffered = -1;
}

int blk_disk_fd_for(const struct blk_disk *d, uint64_t off, uint64_t len)
{
	uint64_t a = d->logical_block;

	if (d->direct && off % a == 0 && len % a == 0)
		return d->fd;
	return d->fd_buffered;
}

int blk_disk_discard_dev(const struct blk_disk *d, uint64_t off, uint64_t len)
{
	uint64_t range[2] = { off, len };

	return ioctl(d->fd_buffered, BLKDISCARD, range) == 0 ? 0 : -errno;
}
