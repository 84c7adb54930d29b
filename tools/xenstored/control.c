/*
 * CONTROL: check, print, quota (limits, a domain's usage, set), journal,
 * help. xenstore-control sends the command and its arguments as strings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ops.h"

struct xs_control_check {
	struct xs_tree *tree;
	unsigned long nodes;
	int bad;
};

/* Every listed child exists; every node but the roots is listed by its parent. */
static int xs_control_check_node(void *ctx, const struct xs_node *n)
{
	struct xs_control_check *k = ctx;
	char child[XS_PATH_BUF];
	uint32_t off;

	k->nodes++;
	for (off = 0; off < n->clen; off += (uint32_t)strlen(n->children + off) + 1) {
		snprintf(child, sizeof(child), "%s/%s", strcmp(n->path, "/") ? n->path : "",
			 n->children + off);
		if (!xs_tree_get(k->tree, child)) {
			xs_log("check: %s lists missing child %s", n->path, child);
			k->bad++;
		}
	}
	return 0;
}

static int xs_control_check(struct xs_daemon *d, struct xs_req *r)
{
	struct xs_control_check k = { &d->tree, 0, 0 };

	xs_tree_walk_all(&d->tree, xs_control_check_node, &k);
	if (k.nodes != xs_tree_count(&d->tree)) {
		xs_log("check: %lu nodes reachable, %zu stored", k.nodes, xs_tree_count(&d->tree));
		k.bad++;
	}
	snprintf(r->buf, sizeof(r->buf), k.bad ? "%d problems, see the log" : "OK", k.bad);
	xs_req_reply_str(r, r->buf);
	return 0;
}

/* Outstanding replies are counted live from the connections. */
static void xs_control_count_outstanding(struct xs_daemon *d, uint32_t domid)
{
	unsigned long sum = 0;
	struct xs_conn *c;

	for (c = d->conns; c; c = c->next)
		if (c->who.domid == domid)
			sum += c->outstanding;
	xs_quota_add(&d->quota, domid, XS_Q_OUTSTANDING,
		     (long)sum - (long)xs_quota_used(&d->quota, domid, XS_Q_OUTSTANDING));
}

static int xs_control_quota(struct xs_daemon *d, struct xs_req *r, const char **vec, int n)
{
	uint32_t domid;
	char *end;
	unsigned long v;

	if (n == 1) {
		xs_quota_report(&d->quota, r->buf, sizeof(r->buf));
	} else if (n == 4 && !strcmp(vec[1], "set")) {
		v = strtoul(vec[3], &end, 10);
		if (*end || !vec[3][0] || xs_quota_set(&d->quota, vec[2], v))
			return -EINVAL;
		xs_log("quota %s set to %lu", vec[2], v);
		strcpy(r->buf, "OK");
	} else if (n == 2 && !xs_domain_parse_id(vec[1], &domid)) {
		xs_control_count_outstanding(d, domid);
		xs_quota_report_dom(&d->quota, domid, r->buf, sizeof(r->buf));
	} else {
		return -EINVAL;
	}
	xs_req_reply_str(r, r->buf);
	return 0;
}

static int xs_control_journal(struct xs_daemon *d, struct xs_req *r, const char **vec, int n)
{
	struct xs_journal *j = d->journal;

	if (!j) {
		xs_req_reply_str(r, "journal off");
		return 0;
	}
	if (n == 2 && !strcmp(vec[1], "compact")) {
		if (xs_journal_commit(j) || xs_journal_compact(j, &d->tree, &d->domains))
			return -EIO;
		xs_req_reply_str(r, "OK");
		return 0;
	}
	snprintf(r->buf, sizeof(r->buf),
		 "file %s\nbytes %lld\nfsync %s\nbatches %lu\nsyncs %lu\ncompactions %lu\n",
		 j->path, (long long)j->size, j->fsync ? "on" : "off", j->batches, j->syncs,
		 j->compactions);
	xs_req_reply_str(r, r->buf);
	return 0;
}

int xs_op_control(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	const char *vec[8];
	int n = xs_req_strings(r, vec, 8);

	(void)c;
	if (n < 1)
		return -EINVAL;
	if (!strcmp(vec[0], "check"))
		return xs_control_check(d, r);
	if (!strcmp(vec[0], "print") && n == 2) {
		xs_log("control: %s", vec[1]);
		return 0;
	}
	if (!strcmp(vec[0], "quota"))
		return xs_control_quota(d, r, vec, n);
	if (!strcmp(vec[0], "journal"))
		return xs_control_journal(d, r, vec, n);
	if (!strcmp(vec[0], "help")) {
		xs_req_reply_str(r, "check\nprint <text>\nquota [<domid>|set <name> <value>]\n"
				    "journal [compact]\nhelp\n");
		return 0;
	}
	return -EINVAL;
}
