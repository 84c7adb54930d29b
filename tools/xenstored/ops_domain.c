/* INTRODUCE, RELEASE, GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED, RESUME, SET_TARGET. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "notify.h"
#include "ops.h"

/* The first argument as a domain id; the privileged domain is refused. */
static int xs_op_domid_arg(const char *s, uint32_t *domid)
{
	int rc = xs_domain_parse_id(s, domid);

	return rc ? rc : (*domid == 0 ? -EINVAL : 0);
}

/* The one domain id argument of a request, checked by parse. */
static int req_domid(struct xs_req *r, int (*parse)(const char *, uint32_t *), uint32_t *domid)
{
	const char *vec[1];
	int rc = xs_req_args(r, vec, 1);

	return rc ? rc : parse(vec[0], domid);
}

int xs_op_introduce(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	const char *vec[4];
	struct xs_domain *dom;
	uint32_t domid;
	long long gfn;
	long port;
	char *end;
	int n = xs_req_strings(r, vec, 4), rc;
	bool known;

	(void)c;
	if (n < 3)
		return -EINVAL;
	rc = xs_op_domid_arg(vec[0], &domid);
	if (rc)
		return rc;
	gfn = strtoll(vec[1], &end, 10);
	if (*end || !vec[1][0])
		return -EINVAL;
	port = strtol(vec[2], &end, 10);
	if (*end || port <= 0 || port > INT32_MAX)
		return -EINVAL;
	known = xs_domain_find(&d->domains, domid) != NULL;
	dom = xs_domain_add(&d->domains, domid, (uint64_t)gfn, (uint32_t)port);
	if (!dom)
		return -ENOMEM;
	if (d->ring_attach) {
		rc = d->ring_attach(d, dom);
		if (rc && !known)
			xs_domain_remove(&d->domains, domid);
		if (rc)
			return rc;
	}
	if (d->journal)
		xs_journal_domain(d->journal, dom);
	if (!known) {
		xs_log("domain %u introduced (gfn %lld, event channel %ld)%s", domid, gfn, port,
		       d->ring_attach ? "" : "; no hypervisor, its ring is not served");
		xs_notify_special(d, XS_SPECIAL_INTRODUCE, domid);
	}
	return 0;
}

struct xs_op_owned {
	uint32_t domid;
	char **paths;
	size_t n, cap;
};

/* Collects nodes that name the domain: owned, or with an entry for it. */
static int xs_op_collect(void *ctx, const struct xs_node *n)
{
	struct xs_op_owned *o = ctx;
	uint32_t i;

	for (i = 0; i < n->nperms; i++)
		if (n->perms[i].domid == o->domid)
			break;
	if (i == n->nperms)
		return 0;
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		char **p = realloc(o->paths, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		o->paths = p;
		o->cap = cap;
	}
	o->paths[o->n] = strdup(n->path);
	return o->paths[o->n++] ? 0 : -ENOMEM;
}

/* Removes what a released domain owned (or gives it to dom0) and its grants. */
static void xs_op_forget_nodes(struct xs_daemon *d, uint32_t domid, struct xs_changes *ch)
{
	static const struct xs_who dom0 = { 0, XS_NO_TARGET, true };
	struct xs_store s = { &d->tree.view, &dom0, &d->quota, ch };
	struct xs_op_owned o = { domid, NULL, 0, 0 };
	struct xs_perm *p;
	size_t i;

	if (xs_tree_walk_all(&d->tree, xs_op_collect, &o))
		xs_log("release of domain %u: out of memory while looking for its nodes", domid);
	for (i = 0; i < o.n; i++) {
		const struct xs_node *n = xs_tree_get(&d->tree, o.paths[i]);
		uint32_t j, k = 1;

		/* Parents come first, so a removed subtree takes its nodes along. */
		if (!n)
			continue;
		if (n->perms[0].domid == domid && !d->keep_orphans && n->path[0] == '/') {
			xs_store_rm(&s, o.paths[i]);
			continue;
		}
		p = malloc(n->nperms * sizeof(*p));
		if (!p)
			continue;
		p[0] = n->perms[0];
		if (p[0].domid == domid)
			p[0].domid = 0;
		for (j = 1; j < n->nperms; j++)
			if (n->perms[j].domid != domid)
				p[k++] = n->perms[j];
		xs_store_set_perms(&s, o.paths[i], p, k);
		free(p);
	}
	for (i = 0; i < o.n; i++)
		free(o.paths[i]);
	free(o.paths);
}

int xs_domain_release(struct xs_daemon *d, uint32_t domid, struct xs_changes *ch,
		      const char *why)
{
	struct xs_domain *dom = xs_domain_find(&d->domains, domid);

	if (!dom)
		return -ENOENT;
	if (dom->conn) {
		/* Its watches must not see its own nodes go. */
		xs_daemon_drop_conn_state(d, dom->conn);
		xs_conn_kill(dom->conn, why);
		dom->conn = NULL;
	}
	xs_domain_remove(&d->domains, domid);
	xs_op_forget_nodes(d, domid, ch);
	if (d->journal)
		xs_journal_undomain(d->journal, domid);
	xs_log("domain %u released (%s)", domid, why);
	xs_notify_special(d, XS_SPECIAL_RELEASE, domid);
	return 0;
}

int xs_op_release(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	uint32_t domid;
	int rc = req_domid(r, xs_op_domid_arg, &domid);

	(void)c;
	if (rc)
		return rc;
	return xs_domain_release(d, domid, &r->changes, "domain released");
}

int xs_op_get_domain_path(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	uint32_t domid;
	int rc = req_domid(r, xs_domain_parse_id, &domid);

	(void)d;
	(void)c;
	if (rc)
		return rc;
	xs_path_home(domid, r->buf, sizeof(r->buf));
	xs_req_reply_str(r, r->buf);
	return 0;
}

int xs_op_is_introduced(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	uint32_t domid;
	int rc = req_domid(r, xs_domain_parse_id, &domid);

	(void)c;
	if (rc)
		return rc;
	xs_req_reply_str(r, domid == 0 || xs_domain_find(&d->domains, domid) ? "T" : "F");
	return 0;
}

int xs_op_resume(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	uint32_t domid;
	int rc = req_domid(r, xs_op_domid_arg, &domid);

	(void)c;
	if (rc)
		return rc;
	/* Nothing to re-arm yet: shutdown is not watched without a hypervisor. */
	return xs_domain_find(&d->domains, domid) ? 0 : -ENOENT;
}

int xs_op_set_target(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	const char *vec[2];
	struct xs_domain *dom;
	uint32_t domid, tdomid;
	int rc = xs_req_args(r, vec, 2);

	(void)c;
	if (!rc)
		rc = xs_domain_parse_id(vec[0], &domid);
	if (!rc)
		rc = xs_domain_parse_id(vec[1], &tdomid);
	if (rc)
		return rc;
	dom = xs_domain_find(&d->domains, domid);
	if (!dom || !xs_domain_find(&d->domains, tdomid))
		return -ENOENT;
	dom->target = tdomid;
	if (dom->conn)
		dom->conn->who.target = tdomid;
	if (d->journal)
		xs_journal_domain(d->journal, dom);
	return 0;
}
