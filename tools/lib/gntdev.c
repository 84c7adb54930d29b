/* Grant mapping and grant copy through Linux's /dev/xen/gntdev (ternctl.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <public/grant_table.h>

#include "privcmd_dev.h"
#include "ternctl.h"

/* Segments per ioctl: the kernel copies the array in and out, so bound it. */
#define GCOPY_BATCH 512

int tc_gntdev_open(struct tc_gntdev *g)
{
	g->fd = open(TC_GNTDEV_PATH, O_RDWR | O_CLOEXEC);
	return g->fd < 0 ? -errno : 0;
}

void tc_gntdev_close(struct tc_gntdev *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

int tc_gntdev_map(struct tc_gntdev *g, uint16_t domid, const uint32_t *refs, unsigned count,
		  int prot, struct tc_grant_map *out)
{
	struct ioctl_gntdev_map_grant_ref *op;
	struct ioctl_gntdev_unmap_grant_ref un;
	size_t size;
	void *addr;
	int rc;

	if (count == 0 || count > 64)
		return -EINVAL;
	size = sizeof(*op) + (count - 1) * sizeof(op->refs[0]);
	op = calloc(1, size);
	if (!op)
		return -ENOMEM;
	op->count = count;
	for (unsigned i = 0; i < count; i++) {
		op->refs[i].domid = domid;
		op->refs[i].ref = refs[i];
	}
	if (ioctl(g->fd, IOCTL_GNTDEV_MAP_GRANT_REF, op) < 0) {
		rc = -errno;
		free(op);
		return rc;
	}
	/* The grants are mapped (GNTTABOP_map_grant_ref) by this mmap. */
	addr = mmap(NULL, (size_t)count * 4096, prot, MAP_SHARED, g->fd, (off_t)op->index);
	if (addr == MAP_FAILED) {
		rc = -errno;
		un.index = op->index;
		un.count = count;
		un.pad = 0;
		ioctl(g->fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &un);
		free(op);
		return rc;
	}
	out->addr = addr;
	out->index = op->index;
	out->count = count;
	free(op);
	return 0;
}

int tc_gntdev_unmap(struct tc_gntdev *g, struct tc_grant_map *m)
{
	struct ioctl_gntdev_unmap_grant_ref un = { m->index, m->count, 0 };
	int rc = 0;

	if (!m->addr)
		return 0;
	if (munmap(m->addr, (size_t)m->count * 4096) < 0)
		rc = -errno;
	if (ioctl(g->fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &un) < 0 && rc == 0)
		rc = -errno;
	m->addr = NULL;
	return rc;
}

int tc_gntdev_copy(struct tc_gntdev *g, struct tc_gcopy *segs, unsigned n)
{
	struct gntdev_grant_copy_segment batch[GCOPY_BATCH];

	for (unsigned done = 0; done < n;) {
		unsigned k = n - done < GCOPY_BATCH ? n - done : GCOPY_BATCH;
		struct ioctl_gntdev_grant_copy op = { k, batch };

		for (unsigned i = 0; i < k; i++) {
			const struct tc_gcopy *s = &segs[done + i];
			struct gntdev_grant_copy_segment *b = &batch[i];

			if (s->to_foreign) {
				b->source.virt = s->local;
				b->dest.foreign.ref = s->ref;
				b->dest.foreign.offset = s->offset;
				b->dest.foreign.domid = s->domid;
				b->flags = GNTCOPY_dest_gref;
			} else {
				b->source.foreign.ref = s->ref;
				b->source.foreign.offset = s->offset;
				b->source.foreign.domid = s->domid;
				b->dest.virt = s->local;
				b->flags = GNTCOPY_source_gref;
			}
			b->len = s->len;
			b->status = GNTST_general_error;
		}
		if (ioctl(g->fd, IOCTL_GNTDEV_GRANT_COPY, &op) < 0)
			return -errno;
		for (unsigned i = 0; i < k; i++)
			segs[done + i].status = batch[i].status;
		done += k;
	}
	return 0;
}

struct tc_gcopy *tc_gcopy_room(struct tc_gcopy **buf, unsigned *cap, unsigned n)
{
	if (n > *cap) {
		struct tc_gcopy *g = realloc(*buf, n * sizeof(*g));

		if (!g)
			return NULL;
		*buf = g;
		*cap = n;
	}
	return *buf;
}

int tc_gcopy_all_ok(const struct tc_gcopy *g, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (g[i].status != GNTST_okay)
			return 0;
	return 1;
}
