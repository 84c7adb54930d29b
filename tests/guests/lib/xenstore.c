/*
 * A xenstore client on the domain's own ring page: one request at a time,
 * answers polled (no watches, no transactions), enough for a test guest to
 * play a device frontend.
 */
#include "lib.h"

#include <public/event_channel.h>
#include <public/hvm.h>
#include <xen/io/xs_wire.h>

static struct xenstore_domain_interface *ring;
static evtchn_port_t ring_port;
static uint32_t next_req_id = 1;

/* How long the daemon may take to answer before the test gives up. */
#define XS_ANSWER_NS (30 * NS_PER_SEC)

static long ring_setup(void)
{
	struct xen_hvm_param pfn = { .domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN };
	struct xen_hvm_param port = { .domid = DOMID_SELF, .index = HVM_PARAM_STORE_EVTCHN };
	long rc;

	if (ring)
		return 0;
	rc = hvm_op(HVMOP_get_param, &pfn);
	if (!rc)
		rc = hvm_op(HVMOP_get_param, &port);
	if (rc)
		return rc;
	ring = (struct xenstore_domain_interface *)(uintptr_t)(pfn.value * PAGE_SIZE);
	ring_port = (evtchn_port_t)port.value;
	return 0;
}

static void notify_daemon(void)
{
	struct evtchn_send send = { .port = ring_port };

	event_channel_op(EVTCHNOP_send, &send);
}

/* Copies len bytes into the request ring, waiting for room. */
static long ring_put(const void *data, size_t len, uint64_t deadline)
{
	const char *p = data;

	while (len) {
		volatile struct xenstore_domain_interface *r = ring;
		uint32_t prod = r->req_prod, used = prod - r->req_cons;

		if (used > XENSTORE_RING_SIZE)
			return -EINVAL; /* the daemon broke the ring */
		if (used == XENSTORE_RING_SIZE) {
			if (xen_system_time() > deadline)
				return -ETIME;
			notify_daemon(); /* it may be waiting for the whole message */
			cpu_relax();
			continue;
		}
		r->req[MASK_XENSTORE_IDX(prod)] = *p++;
		barrier();
		r->req_prod = prod + 1;
		len--;
	}
	return 0;
}

/* Takes len bytes from the response ring, waiting for them. */
static long ring_take(void *data, size_t len, uint64_t deadline)
{
	char *p = data;

	while (len) {
		volatile struct xenstore_domain_interface *r = ring;
		uint32_t cons = r->rsp_cons;

		if (r->rsp_prod == cons) {
			if (xen_system_time() > deadline)
				return -ETIME;
			cpu_relax();
			continue;
		}
		barrier();
		*p++ = r->rsp[MASK_XENSTORE_IDX(cons)];
		r->rsp_cons = cons + 1;
		len--;
	}
	notify_daemon(); /* room freed */
	return 0;
}

/* An XS_ERROR answer's name as a negative errno. */
static long xs_errno(const char *name)
{
	static const struct { const char *name; long err; } names[] = {
		{ "ENOENT", ENOENT }, { "EACCES", EPERM }, { "EINVAL", EINVAL },
		{ "EEXIST", EEXIST }, { "ENOSPC", ENOSPC },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i].name))
			return -names[i].err;
	return -EINVAL;
}

/* One request (payload = path and, for a write, value), its answer's payload
 * into answer (NUL-terminated, truncated to size); returns the answer's
 * length or a negative errno. */
static long xs_request(enum xsd_sockmsg_type type, const char *path, const char *value,
		       char *answer, size_t size)
{
	/* READ: the path and its NUL; WRITE: those, then the value without one. */
	size_t path_len = strlen(path) + 1, value_len = value ? strlen(value) : 0;
	struct xsd_sockmsg msg = { .type = type, .req_id = next_req_id++,
				   .len = (uint32_t)(path_len + value_len) };
	uint64_t deadline;
	long rc = ring_setup();

	if (rc)
		return rc;
	deadline = xen_system_time() + XS_ANSWER_NS;
	rc = ring_put(&msg, sizeof(msg), deadline);
	if (!rc)
		rc = ring_put(path, path_len, deadline);
	if (!rc)
		rc = ring_put(value, value_len, deadline);
	if (rc)
		return rc;
	notify_daemon();

	for (;;) {
		char payload[XENSTORE_PAYLOAD_MAX + 1];

		rc = ring_take(&msg, sizeof(msg), deadline);
		if (!rc && msg.len > XENSTORE_PAYLOAD_MAX)
			rc = -EINVAL;
		if (!rc)
			rc = ring_take(payload, msg.len, deadline);
		if (rc)
			return rc;
		payload[msg.len] = '\0';
		if (msg.type == XS_WATCH_EVENT)
			continue; /* not ours: this client sets no watches */
		if (msg.type == XS_ERROR)
			return xs_errno(payload);
		if (answer && size) {
			size_t n = msg.len < size - 1 ? msg.len : size - 1;

			memcpy(answer, payload, n);
			answer[n] = '\0';
		}
		return msg.len;
	}
}

long xs_read(const char *path, char *buf, size_t size)
{
	return xs_request(XS_READ, path, NULL, buf, size);
}

long xs_write(const char *path, const char *value)
{
	long rc = xs_request(XS_WRITE, path, value, NULL, 0);

	return rc < 0 ? rc : 0;
}

bool xs_wait_value(const char *path, const char *want, uint64_t timeout_ns)
{
	uint64_t deadline = xen_system_time() + timeout_ns;
	char value[64];

	do {
		if (xs_read(path, value, sizeof(value)) >= 0 && !strcmp(value, want))
			return true;
	} while (xen_system_time() < deadline);
	return false;
}
