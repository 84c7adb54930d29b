/*
 * libFuzzer target for the message handler. The first byte picks who sends
 * (dom0, dom1 or dom5, with a small quota set); the rest is fed in chunks as
 * raw bytes on one connection, so framing, parsing and every operation are
 * reached. After each input the store must still be consistent: every node
 * reachable from the root or a special node, and nothing else stored.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "fuzz_store.h"
#include "handle.h"

struct fuzz_in {
	const uint8_t *p;
	size_t len;
};

static ssize_t fuzz_read(struct xs_conn *c, void *buf, size_t len)
{
	struct fuzz_in *in = c->tp_priv;

	/* Short reads exercise reassembly of headers and payloads. */
	if (len > 37)
		len = 37;
	if (len > in->len)
		len = in->len;
	memcpy(buf, in->p, len);
	in->p += len;
	in->len -= len;
	return (ssize_t)len;
}

static ssize_t fuzz_write(struct xs_conn *c, const void *buf, size_t len)
{
	(void)c;
	(void)buf;
	return (ssize_t)len;
}

static void fuzz_close(struct xs_conn *c)
{
	(void)c;
}

static const struct xs_transport fuzz_transport = {
	.name = "fuzz",
	.read = fuzz_read,
	.write = fuzz_write,
	.close = fuzz_close,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t domids[] = { 0, 1, 5 };
	struct fuzz_in in;
	struct xs_daemon d;
	struct xs_who who;
	struct xs_conn *c;

	if (size < 1)
		return 0;
	who.domid = domids[data[0] % 3];
	who.target = XS_NO_TARGET;
	who.priv = who.domid == 0;
	in.p = data + 1;
	in.len = size - 1;
	if (xs_daemon_init(&d) || xs_tree_setup(&d.tree))
		abort();
	xs_quota_set(&d.quota, "nodes", 50);
	xs_quota_set(&d.quota, "transaction-nodes", 40);
	c = xs_conn_new(&fuzz_transport, &in, -1, &who);
	if (!c)
		abort();
	xs_daemon_add_conn(&d, c);
	while (in.len && !c->dead) {
		xs_handle_input(&d, c);
		xs_conn_flush(c);
	}
	fuzz_check_store(&d.tree);
	xs_daemon_fini(&d);
	return 0;
}
