/*
 * Xenstore wire protocol: message header, message types, error names, limits
 * and the shared ring page between a domain and the store daemon. The numbers
 * and layouts are those of Xen's public interface, so Xen's own clients and
 * guests talk to tern's daemon unchanged; the definitions are written for tern.
 */
#ifndef TERN_XEN_IO_XS_WIRE_H
#define TERN_XEN_IO_XS_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Message types; the value travels in xsd_sockmsg.type. */
enum xsd_sockmsg_type {
	XS_CONTROL = 0,		/* also known by its old name DEBUG */
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,	/* server to client only */
	XS_ERROR = 16,		/* server to client only */
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20 was RESTRICT: removed, never valid */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_GET_FEATURE = 23,
	XS_SET_FEATURE = 24,
	XS_GET_QUOTA = 25,
	XS_SET_QUOTA = 26,
	XS_TYPE_COUNT = 27,
	XS_INVALID = 0xffff,
};

/* Every message, both directions: this header, then len payload bytes. */
struct xsd_sockmsg {
	uint32_t type;
	uint32_t req_id;	/* echoed in the reply */
	uint32_t tx_id;		/* 0: outside any transaction */
	uint32_t len;		/* payload bytes that follow */
};

/* A bigger payload from a client ends its connection. */
#define XENSTORE_PAYLOAD_MAX 4096
/* Longer paths get EINVAL. */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/* Permission letters in GET_PERMS/SET_PERMS strings: n, r, w, b + domid. */
#define XS_PERM_NONE 0x0
#define XS_PERM_READ 0x1
#define XS_PERM_WRITE 0x2

/* The ring page a domain shares with the daemon. */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE];	/* domain to daemon */
	char rsp[XENSTORE_RING_SIZE];	/* daemon to domain: replies, watch events */
	XENSTORE_RING_IDX req_cons, req_prod;
	XENSTORE_RING_IDX rsp_cons, rsp_prod;
	uint32_t server_features;	/* XENSTORE_SERVER_FEATURE_* */
	uint32_t connection;		/* XENSTORE_CONNECTED / _RECONNECT */
	uint32_t error;			/* XENSTORE_ERROR_* */
	uint32_t evtchn_port;		/* used only if non-zero */
};

_Static_assert(offsetof(struct xenstore_domain_interface, rsp) == 1024, "rsp");
_Static_assert(offsetof(struct xenstore_domain_interface, req_cons) == 2048, "req_cons");
_Static_assert(offsetof(struct xenstore_domain_interface, rsp_prod) == 2060, "rsp_prod");
_Static_assert(offsetof(struct xenstore_domain_interface, server_features) == 2064,
	       "server_features");
_Static_assert(offsetof(struct xenstore_domain_interface, connection) == 2068, "connection");
_Static_assert(offsetof(struct xenstore_domain_interface, error) == 2072, "error");
_Static_assert(offsetof(struct xenstore_domain_interface, evtchn_port) == 2076, "evtchn_port");
_Static_assert(sizeof(struct xenstore_domain_interface) == 2080, "ring page header size");

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR 2
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH 4
#define XENSTORE_SERVER_FEATURE_DOMID_ANY 8

#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

#define XENSTORE_ERROR_NONE 0
#define XENSTORE_ERROR_COMM 1
#define XENSTORE_ERROR_RINGIDX 2
#define XENSTORE_ERROR_PROTO 3

#endif
