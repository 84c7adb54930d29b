/*
 * The backend half of Xen's split-device handshake, for dom0 user-space
 * backends (tools/backends/blk, tools/backends/net): one struct xbe per
 * daemon watches /local/domain/0/backend/<type>, finds the devices the
 * toolstack writes there, follows each one's frontend through xenstore and
 * drives the backend's state as Linux's backends do:
 *
 *   new directory (state 1)      probe(), then InitWait (2)
 *   hotplug-status "connected"   (when needs_hotplug) the script has done its part
 *   frontend Initialised (3) or Connected (4), hotplug done, online
 *                                connect(), then Connected (4)
 *   frontend Closing (5)         Closing
 *   frontend Closed (6), gone, or never there
 *                                disconnect(), then Closed (6)
 *   frontend Initialising (1) while we are Closed and online
 *                                InitWait again (guest reboot, kexec)
 *   backend directory removed    disconnect(), remove()
 *
 * Everything is level-triggered: any watch event re-reads the device's
 * nodes and acts on what they say now, so lost or repeated events do no
 * harm. A daemon that starts while devices are already Connected (a restart
 * after a crash) gets connect() with d->reattach set and no state change:
 * the frontend never notices, beyond the requests in flight.
 *
 * Event channels: the daemon's one /dev/xen/evtchn handle is shared by all
 * devices; xbe_bind() binds a frontend's port and names the function to
 * call when it fires.
 *
 * Nothing here prints: messages go through ops->log.
 */
#ifndef TERN_TOOLS_XENBUS_BE_H
#define TERN_TOOLS_XENBUS_BE_H

#include <stddef.h>
#include <stdint.h>

#include <xen/io/xenbus.h>

#include "ternctl.h"

struct xbe;
struct xbe_dev;

struct xbe_ops {
	const char *type;        /* "vbd", "vif": the directory under backend/ */
	int needs_hotplug;       /* connect only after hotplug-status = connected */
	/* New device: read its configuration, write the features the frontend
	 * reads at InitWait. 0, or -errno with d->error set: the device fails. */
	int (*probe)(struct xbe_dev *d);
	/* Frontend ready (and hotplug done): map its rings, bind its channels,
	 * publish what it reads at Connected. d->reattach says the backend was
	 * already Connected when this daemon started. 0 or -errno + d->error. */
	int (*connect)(struct xbe_dev *d);
	/* Stop using the frontend's rings and channels (may be called when not connected). */
	void (*disconnect)(struct xbe_dev *d);
	/* The device is gone (or, with b->stopping, this daemon is): free d->priv. */
	void (*remove)(struct xbe_dev *d);
	/* One line, without newline. */
	void (*log)(struct xbe *b, const char *msg);
};

struct xbe_dev {
	struct xbe *b;
	struct xbe_dev *next;
	uint16_t domid;          /* the frontend's */
	uint32_t devid;
	char be_path[96];        /* /local/domain/0/backend/<type>/<domid>/<devid> */
	char fe_path[128];       /* from be_path/frontend */
	enum xenbus_state state; /* ours, as last written */
	int connected;           /* connect() succeeded, disconnect() not yet called */
	int reattach;            /* for connect(): Connected before this daemon started */
	int failed;              /* probe or connect failed; waits for removal */
	int probed;
	char error[200];         /* set by a failing callback */
	void *priv;              /* the backend's */
};

typedef void (*xbe_port_fn)(void *arg);

struct xbe_port {
	uint32_t local;
	xbe_port_fn fn;
	void *arg;
};

struct xbe {
	const struct xbe_ops *ops;
	void *ctx;               /* the daemon's */
	struct tc_xs xs;
	struct tc_evtchn ev;
	char base[64];           /* /local/domain/0/backend/<type> */
	struct xbe_dev *devs;
	struct xbe_port *ports;
	unsigned nports, cap_ports;
	int stopping;            /* xbe_fini: devices stay as they are in xenstore */
};

/* Connects to xenstore and the event channel device and starts watching.
 * 0 or -errno. */
int xbe_init(struct xbe *b, const struct xbe_ops *ops, void *ctx);
/* Disconnects and removes every device, closes everything. */
void xbe_fini(struct xbe *b);

/* File descriptors to poll for input, and what to call when they have it. */
static inline int xbe_xs_fd(const struct xbe *b) { return b->xs.fd; }
static inline int xbe_evtchn_fd(const struct xbe *b) { return b->ev.fd; }
/* Handles every pending watch event (and ones queued during requests).
 * -errno only if xenstore went away. */
int xbe_handle_xs(struct xbe *b);
/* Whether watch events are queued (poll would not show them). */
static inline int xbe_xs_pending(const struct xbe *b) { return b->xs.events != NULL; }
/* Reads one pending port, calls its function, re-enables it. */
int xbe_handle_evtchn(struct xbe *b);

/* Binds remote_port of d's frontend; returns the local port or -errno. */
int xbe_bind(struct xbe_dev *d, uint32_t remote_port, xbe_port_fn fn, void *arg);
void xbe_unbind(struct xbe *b, uint32_t local);
static inline int xbe_notify(struct xbe *b, uint32_t local)
{
	return tc_evtchn_notify(&b->ev, local);
}

/* Reads a key of the backend or frontend directory into a malloc'ed string. */
int xbe_be_read(struct xbe_dev *d, const char *key, char **value);
int xbe_fe_read(struct xbe_dev *d, const char *key, char **value);
/* The same, parsed as an unsigned number (decimal, or 0x hex); -EINVAL if not one. */
int xbe_be_read_uint(struct xbe_dev *d, const char *key, unsigned long long *v);
int xbe_fe_read_uint(struct xbe_dev *d, const char *key, unsigned long long *v);
int xbe_be_write(struct xbe_dev *d, const char *key, const char *value);
int xbe_be_printf(struct xbe_dev *d, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Logs through ops->log. */
void xbe_log(struct xbe *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Pure: what the backend does next, from both states and its conditions.
 * Exposed for the unit tests. */
enum xbe_action {
	XBE_NOTHING,
	XBE_CONNECT,       /* connect(), then Connected */
	XBE_CLOSING,       /* write Closing */
	XBE_CLOSE,         /* disconnect(), then Closed */
	XBE_REINIT,        /* write InitWait (frontend reconnecting) */
};
struct xbe_view {
	enum xenbus_state be, fe;
	int fe_gone;       /* the frontend's state node does not exist */
	int online;
	int hotplug_ok;    /* hotplug done, or not needed */
	int failed;
};
enum xbe_action xbe_decide(const struct xbe_view *v);

#endif
