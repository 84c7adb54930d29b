/*
 * One virtual disk through the xenbus handshake (tools/lib/xenbus_be.h):
 * the features a frontend reads at InitWait, then, when it is Initialised
 * and the hotplug script has done its part, the backing store, the
 * frontend's rings and channels, and what it reads at Connected
 * (docs/blkback.md has the keys).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blkback.h"

static int vbd_probe(struct xbe_dev *d)
{
	struct blk_vbd *v = calloc(1, sizeof(*v));
	int rc;

	if (!v)
		return -ENOMEM;
	v->ctx = d->b->ctx;
	v->xd = d;
	v->gnt.fd = -1;
	d->priv = v;
	/* What Linux's blkfront reads when it sees InitWait. No
	 * feature-persistent: data is copied, and with persistent grants a
	 * 6.1 frontend would bounce everything through its own pages. */
	rc = xbe_be_printf(d, "feature-max-indirect-segments", "%u", BLK_MAX_INDIRECT_SEGS);
	if (rc == 0)
		rc = xbe_be_printf(d, "multi-queue-max-queues", "%u", BLK_MAX_QUEUES);
	if (rc == 0)
		rc = xbe_be_printf(d, "max-ring-page-order", "%u", BLK_MAX_RING_ORDER);
	if (rc)
		snprintf(d->error, sizeof(d->error), "cannot write features: %s", strerror(-rc));
	return rc;
}

/* The backing store the hotplug script approved (or params). */
static int open_disk(struct blk_vbd *v)
{
	struct xbe_dev *d = v->xd;
	char *path = NULL, *mode = NULL;
	unsigned long long discard = 1;
	int rc;

	if (v->disk_open)
		return 0;
	if (xbe_be_read(d, "physical-device-path", &path) && xbe_be_read(d, "params", &path)) {
		snprintf(d->error, sizeof(d->error), "no params");
		return -EINVAL;
	}
	xbe_be_read_uint(d, "discard-enable", &discard);
	rc = xbe_be_read(d, "mode", &mode);
	rc = blk_disk_open(&v->disk, path, rc != 0 || mode[0] != 'w', discard != 0, d->error,
			   sizeof(d->error));
	free(path);
	free(mode);
	if (rc)
		return rc;
	v->disk_open = 1;
	v->lim.sectors = v->disk.size / BLK_SECTOR;
	v->lim.readonly = v->disk.readonly;
	v->lim.discard = v->disk.discard;
	v->lim.max_segs = BLK_MAX_INDIRECT_SEGS;
	return 0;
}

/* queue-<n>/ with several queues, the frontend's own directory with one. */
static int read_queue(struct blk_vbd *v, struct blk_queue *q, unsigned order)
{
	struct xbe_dev *d = v->xd;
	char key[48], dir[24] = "";
	unsigned long long val;

	if (v->nqueues > 1)
		snprintf(dir, sizeof(dir), "queue-%u/", q->idx);
	q->npages = 1u << order;
	for (unsigned i = 0; i < q->npages; i++) {
		if (order == 0)
			snprintf(key, sizeof(key), "%sring-ref", dir);
		else
			snprintf(key, sizeof(key), "%sring-ref%u", dir, i);
		if (xbe_fe_read_uint(d, key, &val) || val > UINT32_MAX) {
			snprintf(d->error, sizeof(d->error), "frontend %s/%s missing or bad",
				 d->fe_path, key);
			return -EINVAL;
		}
		q->refs[i] = (uint32_t)val;
	}
	snprintf(key, sizeof(key), "%sevent-channel", dir);
	if (xbe_fe_read_uint(d, key, &val) || val > UINT32_MAX) {
		snprintf(d->error, sizeof(d->error), "frontend %s/%s missing or bad", d->fe_path,
			 key);
		return -EINVAL;
	}
	q->remote_port = (uint32_t)val;
	return 0;
}

/* What the frontend reads when we say Connected. */
static int publish_disk(struct blk_vbd *v)
{
	struct xbe_dev *d = v->xd;
	unsigned info = v->disk.readonly ? VDISK_READONLY : 0;
	int rc;

	rc = xbe_be_printf(d, "sectors", "%llu", (unsigned long long)v->lim.sectors);
	if (rc == 0)
		rc = xbe_be_printf(d, "info", "%u", info);
	if (rc == 0)
		rc = xbe_be_printf(d, "sector-size", "%u", BLK_SECTOR);
	if (rc == 0)
		rc = xbe_be_printf(d, "physical-sector-size", "%u", v->disk.physical_block);
	if (rc == 0)
		rc = xbe_be_write(d, "feature-flush-cache", "1");
	if (rc == 0)
		rc = xbe_be_write(d, "feature-discard", v->disk.discard ? "1" : "0");
	if (rc == 0 && v->disk.discard)
		rc = xbe_be_printf(d, "discard-granularity", "%u", v->disk.discard_granularity);
	if (rc == 0 && v->disk.discard)
		rc = xbe_be_write(d, "discard-alignment", "0");
	if (rc == 0 && v->disk.discard)
		rc = xbe_be_write(d, "discard-secure", "0");
	if (rc)
		snprintf(d->error, sizeof(d->error), "cannot publish the disk: %s", strerror(-rc));
	return rc;
}

static void vbd_disconnect(struct xbe_dev *d);

static int vbd_connect(struct xbe_dev *d)
{
	struct blk_vbd *v = d->priv;
	unsigned long long nq = 1, order = 0;
	char *proto = NULL;
	int rc;

	rc = open_disk(v);
	if (rc)
		return rc;
	/* No protocol node: the backend's own ABI, as Xen's blkback reads it. */
	v->abi32 = 0;
	if (xbe_fe_read(d, "protocol", &proto) == 0) {
		v->abi32 = strcmp(proto, BLKIF_X86_32_ABI) == 0;
		if (!v->abi32 && strcmp(proto, BLKIF_X86_64_ABI) != 0) {
			snprintf(d->error, sizeof(d->error), "frontend protocol %s is not supported "
				 "(x86_64-abi, x86_32-abi)", proto);
			free(proto);
			return -EPROTONOSUPPORT;
		}
	}
	free(proto);
	xbe_fe_read_uint(d, "multi-queue-num-queues", &nq);
	xbe_fe_read_uint(d, "ring-page-order", &order);
	if (nq < 1 || nq > BLK_MAX_QUEUES || order > BLK_MAX_RING_ORDER) {
		snprintf(d->error, sizeof(d->error), "frontend asks for %llu queues of 2^%llu pages "
			 "(at most %u of 2^%u)", nq, order, BLK_MAX_QUEUES, BLK_MAX_RING_ORDER);
		return -EINVAL;
	}
	rc = tc_gntdev_open(&v->gnt);
	if (rc) {
		snprintf(d->error, sizeof(d->error), "cannot open %s: %s", TC_GNTDEV_PATH,
			 strerror(-rc));
		return rc;
	}
	v->nqueues = (unsigned)nq;
	v->queues = calloc(v->nqueues, sizeof(*v->queues));
	if (!v->queues)
		return -ENOMEM;
	for (unsigned i = 0; i < v->nqueues; i++) {
		v->queues[i].vbd = v;
		v->queues[i].idx = i;
		v->queues[i].port = -1;
		rc = read_queue(v, &v->queues[i], (unsigned)order);
		if (rc)
			goto fail;
	}
	if (!d->reattach) {
		rc = publish_disk(v);
		if (rc)
			goto fail;
	}
	for (unsigned i = 0; i < v->nqueues; i++) {
		rc = blk_queue_start(&v->queues[i], d->reattach);
		if (rc)
			goto fail;
	}
	tc_backend_log("%s: %s, %llu sectors%s%s, %u queue(s) of %u page(s)", d->be_path,
		v->disk.is_blockdev ? "block device" : "file", (unsigned long long)v->lim.sectors,
		v->disk.readonly ? ", read-only" : "", v->disk.direct ? ", O_DIRECT" : ", buffered",
		v->nqueues, 1u << order);
	return 0;
fail:
	vbd_disconnect(d);
	return rc;
}

static void vbd_disconnect(struct xbe_dev *d)
{
	struct blk_vbd *v = d->priv;
	unsigned stuck = 0;

	if (!v)
		return;
	for (unsigned i = 0; i < v->nqueues && v->queues; i++)
		stuck += blk_queue_stop(&v->queues[i]);
	if (!stuck)
		free(v->queues); /* else completions still name them */
	v->queues = NULL;
	v->nqueues = 0;
	tc_gntdev_close(&v->gnt);
	if (v->disk_open)
		blk_disk_close(&v->disk);
	v->disk_open = 0;
}

static void vbd_remove(struct xbe_dev *d)
{
	struct blk_vbd *v = d->priv;
	char path[192];

	if (!v)
		return;
	vbd_disconnect(d);
	/* A stopping daemon leaves the journals to its successor. */
	for (unsigned q = 0; !d->b->stopping && q < BLK_MAX_QUEUES; q++) {
		snprintf(path, sizeof(path), "%s/%u.%u.%u", v->ctx->state_dir, d->domid, d->devid, q);
		unlink(path);
	}
	free(v);
	d->priv = NULL;
}

const struct xbe_ops blk_vbd_ops = {
	.type = "vbd",
	.needs_hotplug = 1,
	.probe = vbd_probe,
	.connect = vbd_connect,
	.disconnect = vbd_disconnect,
	.remove = vbd_remove,
	.log = tc_backend_xbe_log,
};
