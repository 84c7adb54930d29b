/*
 * What a test guest needs to play a device frontend: its grant table, an
 * event channel to the backend, and the xenstore handshake of Xen's split
 * drivers (the toolstack's nodes under device/<type>/<devid>).
 */
#include "lib.h"

#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>

static struct grant_entry_v1 grants[PAGE_SIZE / sizeof(struct grant_entry_v1)]
	__aligned(PAGE_SIZE);

long grant_table_setup(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
		.gpfn = (uintptr_t)grants / PAGE_SIZE,
	};

	return memory_op(XENMEM_add_to_physmap, &xatp);
}

void grant_access(grant_ref_t ref, domid_t domid, const void *page, bool readonly)
{
	grants[ref].domid = domid;
	grants[ref].frame = (uint32_t)((uintptr_t)page / PAGE_SIZE);
	barrier(); /* frame and domid before the flags that make the entry live */
	grants[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
}

long evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = remote };
	long rc = event_channel_op(EVTCHNOP_alloc_unbound, &alloc);

	*port = alloc.port;
	return rc;
}

void evtchn_notify(evtchn_port_t port)
{
	struct evtchn_send send = { .port = port };

	event_channel_op(EVTCHNOP_send, &send);
}

uint64_t parse_u64(const char *s)
{
	uint64_t n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10 + (uint64_t)(*s++ - '0');
	return n;
}

static long read_in(const char *dir, const char *key, char *buf, size_t size)
{
	char path[192];
	long rc;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	rc = xs_read(path, buf, size);
	if (rc < 0)
		test_error("reading %s: %ld", path, rc);
	return rc;
}

bool frontend_find(struct frontend *f, const char *type, unsigned int devid)
{
	char value[16];

	snprintf(f->dir, sizeof(f->dir), "device/%s/%u", type, devid);
	if (read_in(f->dir, "backend", f->backend, sizeof(f->backend)) < 0 ||
	    read_in(f->dir, "backend-id", value, sizeof(value)) < 0)
		return false;
	f->backend_id = (domid_t)parse_u64(value);
	return backend_wait_state(f, XenbusStateInitWait);
}

bool backend_wait_state(const struct frontend *f, unsigned int state)
{
	char path[192], want[4];

	snprintf(path, sizeof(path), "%s/state", f->backend);
	snprintf(want, sizeof(want), "%u", state);
	if (xs_wait_value(path, want, 60 * NS_PER_SEC))
		return true;
	test_error("%s: backend %s never reached state %u", f->dir, f->backend, state);
	return false;
}

long backend_read(const struct frontend *f, const char *key, char *buf, size_t size)
{
	return read_in(f->backend, key, buf, size);
}

void __printf(3, 4) frontend_write(const struct frontend *f, const char *key, const char *fmt, ...)
{
	char path[192], value[64];
	va_list ap;
	long rc;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", f->dir, key);
	rc = xs_write(path, value);
	if (rc)
		test_error("writing %s: %ld", path, rc);
}
