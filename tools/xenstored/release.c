/* Releasing a domain: its connection, nodes, grants and accounting go. */
#include "release.h"

#include <errno.h>
#include <stdlib.h>

#include "log.h"
#include "notify.h"
#include "store.h"
#include "strlist.h"

struct xs_release_nodes {
	uint32_t domid;
	struct xs_strlist paths;
};

/* Collects nodes that name the domain: owned, or with an entry for it. */
static int xs_release_collect(void *ctx, const struct xs_node *n)
{
	struct xs_release_nodes *o = ctx;
	uint32_t i;

	for (i = 0; i < n->nperms; i++)
		if (n->perms[i].domid == o->domid)
			break;
	return i == n->nperms ? 0 : xs_strlist_add(&o->paths, n->path);
}

/* Removes what a released domain owned (or gives it to dom0) and its grants. */
static void xs_release_nodes(struct xs_daemon *d, uint32_t domid, struct xs_changes *ch)
{
	static const struct xs_who dom0 = { 0, XS_NO_TARGET, true };
	struct xs_store s = { &d->tree.view, &dom0, &d->quota, ch };
	struct xs_release_nodes o = { domid, { NULL, 0, 0 } };
	struct xs_perm *p;
	size_t i;

	if (xs_tree_walk_all(&d->tree, xs_release_collect, &o))
		xs_log("release of domain %u: out of memory while looking for its nodes", domid);
	for (i = 0; i < o.paths.n; i++) {
		const struct xs_node *n = xs_tree_get(&d->tree, o.paths.v[i]);
		uint32_t j, k = 1;

		/* Parents come first, so a removed subtree takes its nodes along. */
		if (!n)
			continue;
		if (n->perms[0].domid == domid && !d->keep_orphans && n->path[0] == '/') {
			xs_store_rm(&s, o.paths.v[i]);
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
		xs_store_set_perms(&s, o.paths.v[i], p, k);
		free(p);
	}
	xs_strlist_free(&o.paths);
}

/*
 * A device model keeps no rights over its target's domain id once that is
 * gone: a new domain reusing the id is not its target.
 */
static void xs_release_target(struct xs_daemon *d, uint32_t domid)
{
	struct xs_conn *c;
	size_t i;

	for (i = 0; i < d->domains.n; i++) {
		if (d->domains.v[i].target != domid)
			continue;
		d->domains.v[i].target = XS_NO_TARGET;
		if (d->journal)
			xs_journal_domain(d->journal, &d->domains.v[i]);
	}
	for (c = d->conns; c; c = c->next)
		if (c->who.target == domid)
			c->who.target = XS_NO_TARGET;
}

int xs_domain_release(struct xs_daemon *d, uint32_t domid, struct xs_changes *ch,
		      const char *why)
{
	struct xs_domain *dom = xs_domain_find(&d->domains, domid);

	if (!dom)
		return -ENOENT;
	if (dom->conn) {
		/* Its watches must not see its own nodes go. */
		xs_daemon_kill_conn(d, dom->conn, why);
		dom->conn = NULL;
	}
	xs_domain_remove(&d->domains, domid);
	xs_release_nodes(d, domid, ch);
	xs_release_target(d, domid);
	/* A new domain with this id starts with nothing used and no hits. */
	xs_quota_forget(&d->quota, domid);
	if (d->journal)
		xs_journal_undomain(d->journal, domid);
	xs_log("domain %u released (%s)", domid, why);
	xs_notify_special(d, XS_SPECIAL_RELEASE, domid);
	return 0;
}

void xs_domain_drop(struct xs_daemon *d, uint32_t domid, const char *why)
{
	struct xs_changes ch = { NULL, 0, 0 };

	xs_domain_release(d, domid, &ch, why);
	xs_notify(d, &ch);
	xs_changes_clear(&ch);
}
