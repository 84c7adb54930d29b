/*
 * Virtual disks: a disk = [...] entry into its vbd nodes (toolstack-
 * reference.md 4.3), checked before anything is built, and `xl
 * block-attach`, `block-detach`, `block-list` (section 1.2) with Xen's
 * output. tern has one block backend, the user-space daemon in
 * tools/backends/blk; it serves files and block devices alike (type "phy").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xl_device.h"
#include "xl_domain.h"

/* The disk's own words in every message, as the user wrote it and where. */
static void disk_error(struct xl_env *env, const struct xlcfg_disk *d, const char *fmt,
		       const char *a, const char *b)
{
	fprintf(env->err, "libxl: error: %s:%d: disk '%s': ", d->file, d->line, d->spec);
	fprintf(env->err, fmt, a, b);
	fputc('\n', env->err);
}

int xl_block_check(struct xl_env *env, const struct xlcfg_disk *d)
{
	struct stat st;

	if (strcmp(d->format, "raw") != 0 && !(d->cdrom && strcmp(d->format, "empty") == 0)) {
		disk_error(env, d, "format %s is not supported: tern's block backend serves raw "
			   "images; convert it first, e.g. `qemu-img convert -O raw %s image.raw`",
			   d->format, d->target);
		return 1;
	}
	if (d->backend && strcmp(d->backend, "0") && strcmp(d->backend, "Domain-0")) {
		disk_error(env, d, "backend=%s: driver domains are not supported; the backend "
			   "is dom0's%s", d->backend, "");
		return 1;
	}
	if (d->backendtype && strcmp(d->backendtype, "phy") && strcmp(d->backendtype, "qdisk")) {
		disk_error(env, d, "backendtype=%s is not supported: tern's one block backend "
			   "(backendtype phy or qdisk) serves files and devices%s", d->backendtype, "");
		return 1;
	}
	if (d->cdrom && d->target[0] == '\0')
		return 0; /* an empty drive */
	if (stat(d->target, &st) != 0) {
		disk_error(env, d, "cannot use %s: %s", d->target, strerror(errno));
		return 1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		disk_error(env, d, "%s is neither a file nor a block device%s", d->target, "");
		return 1;
	}
	return 0;
}

int xl_block_add(struct xl_env *env, struct tc_xs *xs, uint16_t domid, const struct xlcfg_disk *d)
{
	char devnum[16], script[256];
	const char *devtype = d->cdrom ? "cdrom" : "disk";
	struct xl_dev_kv be[] = {
		{ "params", d->target },
		{ "type", "phy" },
		{ "mode", d->readwrite ? "w" : "r" },
		{ "device-type", devtype },
		{ "dev", d->vdev },
		{ "removable", d->cdrom ? "1" : "0" },
		{ "bootable", "1" },
		{ "discard-enable", d->discard ? "1" : "0" },
		{ "specification", "xen" },
		{ d->direct_io_safe ? "direct-io-safe" : NULL, "1" },
		{ NULL, NULL },
	};
	struct xl_dev_kv fe[] = {
		{ "virtual-device", devnum },
		{ "device-type", devtype },
		{ "trusted", d->trusted ? "1" : "0" },
		{ NULL, NULL },
	};
	struct xl_dev dev = { "vbd", domid, d->devnum, script, "add", be, fe, NULL, NULL };

	snprintf(devnum, sizeof(devnum), "%u", d->devnum);
	if (d->script && d->script[0] == '/')
		snprintf(script, sizeof(script), "%s", d->script);
	else
		snprintf(script, sizeof(script), XL_SCRIPT_DIR "/%s", d->script ? d->script : "block");
	return xl_dev_add(env, xs, &dev);
}

/* ---- block-attach ---- */

int xl_cmd_block_attach(struct xl_env *env, int argc, char **argv)
{
	struct xlcfg_msgs msgs = { NULL, 0, 0, 0, 0 };
	struct xlcfg_disk disk;
	struct tc_xs xs;
	char *spec = NULL;
	uint16_t domid;
	int rc = xl_dev_attach_args(env, argc, argv, "block-attach", 2, &domid, &spec);

	if (rc >= 0)
		return rc;
	rc = xlcfg_parse_disk(&disk, spec, "block-attach", 1, &msgs);
	free(spec);
	if (msgs.text)
		fputs(msgs.text, env->err);
	xlcfg_msgs_free(&msgs);
	if (rc)
		return 1;
	rc = xl_block_check(env, &disk) ? -EINVAL : 0;
	if (rc == 0 && xl_dom_xs(env, &xs) == 0) {
		rc = xl_block_add(env, &xs, domid, &disk);
		tc_xs_close(&xs);
	} else if (rc == 0) {
		rc = -ENOENT;
	}
	xlcfg_disk_free(&disk);
	if (rc) {
		fprintf(env->err, "libxl_device_disk_add failed.\n");
		return 1;
	}
	return 0;
}

/* ---- block-detach ---- */

struct detach_opts {
	int force;
};

static int detach_opt(int c, void *ctx)
{
	(void)c;
	((struct detach_opts *)ctx)->force = 1;
	return 0;
}

int xl_cmd_block_detach(struct xl_env *env, int argc, char **argv)
{
	struct detach_opts o = { 0 };
	struct tc_xs xs;
	uint32_t devid;
	uint16_t domid;
	char be[128], *dir = NULL;
	int optind, rc = xl_cmd_options(env, argc, argv, "block-detach", "f", &optind, detach_opt,
					&o);

	if (rc)
		return rc - 1;
	if (xl_needs_args(env, "block-detach", argc - optind, 2))
		return 2;
	if (xl_dom_resolve(env, argv[optind], &domid))
		return 1;
	if (xlcfg_vdev_number(argv[optind + 1], &devid)) {
		fprintf(env->err, "Error: Device %s not connected.\n", argv[optind + 1]);
		return 1;
	}
	if (xl_dom_xs(env, &xs))
		return 1;
	xl_dev_be_path(be, sizeof(be), "vbd", domid, devid);
	if (tc_xs_get(&xs, 0, be, &dir) != 0) {
		tc_xs_close(&xs);
		fprintf(env->err, "Error: Device %s not connected.\n", argv[optind + 1]);
		return 1;
	}
	free(dir);
	rc = xl_dev_remove(env, &xs, "vbd", domid, devid, o.force ? XL_DEV_FORCE : XL_DEV_ASK,
			   XL_DEV_CLOSE_TIMEOUT_MS);
	tc_xs_close(&xs);
	if (rc) {
		fprintf(env->err, o.force ? "libxl_device_disk_destroy failed.\n" :
					    "libxl_device_disk_safe_remove failed.\n");
		return 1;
	}
	return 0;
}

/* ---- block-list ---- */

int xl_cmd_block_list(struct xl_env *env, int argc, char **argv)
{
	struct tc_xs xs;
	int optind, status = 0, rc = xl_cmd_operands(env, argc, argv, "block-list", 1, &optind);

	if (rc)
		return rc - 1;
	if (xl_dom_xs(env, &xs))
		return 1;
	fprintf(env->out, "%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state",
		"evt-ch", "ring-ref", "BE-path");
	for (int a = optind; a < argc; a++) {
		uint32_t *ids = NULL;
		unsigned n = 0;
		uint16_t domid;

		if (xl_dom_resolve(env, argv[a], &domid)) {
			status = 1;
			continue;
		}
		xl_dev_list(&xs, "vbd", domid, &ids, &n);
		for (unsigned i = 0; i < n; i++) {
			char be[128], fe[128];

			xl_dev_be_path(be, sizeof(be), "vbd", domid, ids[i]);
			xl_dev_fe_path(fe, sizeof(fe), "vbd", domid, ids[i]);
			/* Vdev BE handle(frontend id) state evt-ch ring-ref BE-path */
			fprintf(env->out, "%-5u %-3d %-6u %-5ld %-6ld %-8ld %-30s\n", ids[i], 0, domid,
				xl_dev_read_num(&xs, fe, "state"), xl_dev_read_num(&xs, fe, "event-channel"),
				xl_dev_read_num(&xs, fe, "ring-ref"), be);
		}
		free(ids);
	}
	tc_xs_close(&xs);
	return status;
}
