/*
 * libFuzzer target for the ring transport. The input is a script of what a
 * hostile domain does to its ring page between rounds of the daemon's loop
 * (bytes in, bytes taken, any index or the connection field overwritten),
 * with dom0's INTRODUCE and RELEASE of it mixed in. The daemon must stay
 * within the page, keep its store consistent and, once the domain is
 * released, hold no accounting for it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "fuzz_store.h"
#include "handle.h"
#include "log.h"
#include "loop.h"
#include "ringconn.h"

#define FUZZ_DOMID 3

struct fuzz_script {
	const uint8_t *p;
	size_t len;
};

static struct xenstore_domain_interface *fuzz_page;

static uint8_t fuzz_byte(struct fuzz_script *s)
{
	if (!s->len)
		return 0;
	s->len--;
	return *s->p++;
}

static uint32_t fuzz_word(struct fuzz_script *s)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 8 | fuzz_byte(s);
	return v;
}

static void fuzz_signal(void *ctx)
{
	(void)ctx;
}

static int fuzz_attach(struct xs_daemon *d, struct xs_domain *dom)
{
	struct xs_ring_port port = { fuzz_page, fuzz_signal, NULL, NULL };

	if (dom->conn && !dom->conn->dead)
		return 0;
	return xs_ringconn_attach(d, dom, &port);
}

/* dom0's side: requests run, replies dropped. */
static ssize_t fuzz_sink_read(struct xs_conn *c, void *buf, size_t len)
{
	(void)c;
	(void)buf;
	(void)len;
	return 0;
}

static ssize_t fuzz_sink_write(struct xs_conn *c, const void *buf, size_t len)
{
	(void)c;
	(void)buf;
	return (ssize_t)len;
}

static const struct xs_transport fuzz_sink = {
	.name = "fuzz-dom0",
	.read = fuzz_sink_read,
	.write = fuzz_sink_write,
};

static void fuzz_dom0(struct xs_daemon *d, struct xs_conn *c0, uint32_t type, const char *args,
		      size_t len)
{
	struct xsd_sockmsg h = { type, 1, 0, (uint32_t)len };
	char body[32];

	memcpy(body, args, len);
	xs_handle_msg(d, c0, &h, body);
}

/* A domain's change to its page that the daemon must survive. */
static void fuzz_guest_step(struct fuzz_script *s)
{
	struct xenstore_domain_interface *intf = fuzz_page;
	size_t n;

	switch (fuzz_byte(s) % 4) {
	case 0:
		for (n = fuzz_byte(s); n && s->len; n--)
			intf->req[MASK_XENSTORE_IDX(intf->req_prod++)] = (char)fuzz_byte(s);
		break;
	case 1:
		n = (size_t)fuzz_byte(s) * 8;
		if (n > (XENSTORE_RING_IDX)(intf->rsp_prod - intf->rsp_cons))
			n = (XENSTORE_RING_IDX)(intf->rsp_prod - intf->rsp_cons);
		intf->rsp_cons += (XENSTORE_RING_IDX)n;
		break;
	case 2:
		(&intf->req_cons)[fuzz_byte(s) % 4] = fuzz_word(s);
		break;
	default:
		intf->connection = fuzz_byte(s) % 3 ? XENSTORE_RECONNECT : fuzz_word(s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct xs_who dom0 = { 0, XS_NO_TARGET, true };
	static const char introduce[] = "3\0" "1\0" "1", release[] = "3";
	static FILE *quiet;
	struct fuzz_script s = { data, size };
	struct xs_daemon d;
	struct xs_conn *c0;
	size_t i;

	if (!quiet) {
		quiet = fopen("/dev/null", "w");
		xs_log_set(quiet);
	}
	fuzz_page = calloc(1, sizeof(*fuzz_page));
	if (!fuzz_page || xs_daemon_init(&d) || xs_tree_setup(&d.tree))
		abort();
	d.ring_attach = fuzz_attach;
	c0 = xs_conn_new(&fuzz_sink, NULL, -1, &dom0);
	if (!c0)
		abort();
	xs_daemon_add_conn(&d, c0);
	fuzz_dom0(&d, c0, XS_INTRODUCE, introduce, sizeof(introduce));
	while (s.len) {
		uint8_t op = fuzz_byte(&s);

		if (op < 8)
			fuzz_dom0(&d, c0, op & 1 ? XS_RELEASE : XS_INTRODUCE,
				  op & 1 ? release : introduce, op & 1 ? sizeof(release)
								  : sizeof(introduce));
		else if (op < 128)
			fuzz_guest_step(&s);
		for (struct xs_conn *c = d.conns; c; c = c->next)
			if (!c->dead)
				xs_loop_input(&d, c);
		xs_loop_output(&d);
	}
	fuzz_check_store(&d.tree);
	if (!xs_domain_find(&d.domains, FUZZ_DOMID))
		for (i = 0; i < d.quota.ndoms; i++)
			if (d.quota.doms[i].domid == FUZZ_DOMID)
				abort();
	xs_daemon_fini(&d);
	free(fuzz_page);
	return 0;
}
