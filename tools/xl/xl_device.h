/*
 * A domain's split devices as libxl manages them (docs/toolstack.md,
 * "Split devices"; docs/blkback.md, "Hotplug contract"), for every kind
 * (vbd, vif): the backend and frontend directories, the record under
 * /libxl/<domid>/device, the backend's InitWait, the hotplug script and its
 * hotplug-status, and the way back (Closing, Closed, the script's remove,
 * the directories).
 *
 * Messages for the user go to env->err, in libxl's "libxl: error: " form.
 */
#ifndef TERN_XL_DEVICE_H
#define TERN_XL_DEVICE_H

#include <stdint.h>

#include "ternctl.h"
#include "xl.h"

/* The time libxl gives a backend to reach InitWait, and a hotplug script. */
#define XL_DEV_INIT_TIMEOUT_MS 10000
#define XL_DEV_HOTPLUG_TIMEOUT_MS 40000
/* How long removal waits for the backend to say Closed. */
#define XL_DEV_CLOSE_TIMEOUT_MS 10000
#define XL_SCRIPT_DIR "/etc/xen/scripts"
#define XL_HOTPLUG_LOG "/var/log/xen/xen-hotplug.log"

/* One key = value of a device directory; a list ends with a NULL key. */
struct xl_dev_kv {
	const char *key;
	const char *value;
};

struct xl_dev {
	const char *kind;           /* "vbd", "vif" */
	uint16_t domid;             /* the frontend's domain */
	uint32_t devid;
	const char *script;         /* absolute path, or NULL: no hotplug script */
	const char *add_action;     /* the script's first argument: "add" (vbd), "online" (vif) */
	const struct xl_dev_kv *be; /* keys beyond the ones every device has */
	const struct xl_dev_kv *fe;
	const struct xl_dev_kv *env;/* extra environment for the script (vif, netdev) */
	const struct xl_dev_kv *fe_ro;/* frontend keys the guest may read but not change (vif mtu) */
};

/* /local/domain/0/backend/<kind>/<domid>/<devid> and its frontend's path. */
void xl_dev_be_path(char *out, size_t len, const char *kind, unsigned domid, unsigned long devid);
void xl_dev_fe_path(char *out, size_t len, const char *kind, unsigned domid, unsigned long devid);

/*
 * Adds a device: writes both directories (-EEXIST if the device is there
 * already), waits for the backend's InitWait, runs the hotplug script and
 * checks its hotplug-status. On failure the device is removed again and the
 * reason printed. 0 or -errno.
 */
int xl_dev_add(struct xl_env *env, struct tc_xs *xs, const struct xl_dev *dev);

/* How a removal treats the frontend. */
enum xl_dev_how {
	XL_DEV_ASK,        /* ask the guest; give up after the timeout (block-detach) */
	XL_DEV_FORCE,      /* ask the guest; go on after the timeout (block-detach -f) */
	XL_DEV_GUEST_GONE, /* the guest will not run again (paused for destroy, never
			    * started): its frontend is marked Closed for it */
};

/*
 * Removes a device: online = 0 and Closing, then waits for the backend to
 * say Closed (the frontend let go); then the script's remove and the
 * directories. -ETIMEDOUT (the device stays) when XL_DEV_ASK times out;
 * -ENOENT if there is no such device.
 */
int xl_dev_remove(struct xl_env *env, struct tc_xs *xs, const char *kind, uint16_t domid,
		  uint32_t devid, enum xl_dev_how how, int timeout_ms);

/* Every device of a domain that will not run again (XL_DEV_GUEST_GONE):
 * for destroy and for a failed create. */
void xl_dev_remove_all(struct xl_env *env, struct tc_xs *xs, uint16_t domid, int timeout_ms);

/*
 * What every *-attach command starts with: at least need operands, the
 * domain (which must exist: only a domain that exists gets device nodes)
 * and the device spec, the other operands joined with commas. Returns -1
 * to go on (*spec, malloc'ed, is the caller's), else the command's exit
 * status.
 */
int xl_dev_attach_args(struct xl_env *env, int argc, char **argv, const char *cmd, int need,
		       uint16_t *domid, char **spec);

/* dir/key as a decimal number, or -1 if absent or not a number (as libxl shows it). */
long xl_dev_read_num(struct tc_xs *xs, const char *dir, const char *key);

/* The device ids of a kind a domain has, sorted; *ids malloc'ed. */
int xl_dev_list(struct tc_xs *xs, const char *kind, uint16_t domid, uint32_t **ids, unsigned *n);

/*
 * Runs a hotplug script with Xen's environment (XENBUS_TYPE, XENBUS_PATH,
 * XENBUS_BASE_PATH, plus extra) and one argument, output to the hotplug
 * log, killed after timeout_ms. Its exit status, or -errno (-ETIMEDOUT).
 */
int xl_dev_run_script(const char *script, const char *action, const char *kind,
		      const char *be_path, const struct xl_dev_kv *extra, int timeout_ms);

#endif
