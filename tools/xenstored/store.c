/* Xen's node semantics, written once for the tree and for transactions. */
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

/* Length of path's parent prefix ("/" counts as 1). */
static size_t xs_store_parent_len(const char *path, size_t len)
{
	while (len > 0 && path[len - 1] != '/')
		len--;
	return len > 1 ? len - 1 : 1;
}

int xs_store_get(struct xs_store *s, const char *path, unsigned int need,
		 const struct xs_node **out)
{
	const struct xs_node *n = s->view->ops->get(s->view, path);
	char anc[XS_PATH_BUF];
	size_t len;

	if (n) {
		if ((xs_perms_access(s->who, n->perms, n->nperms) & need) != need)
			return -EACCES;
		*out = n;
		return 0;
	}
	/* Do not reveal whether a node exists below what the caller cannot see. */
	len = strlen(path);
	if (path[0] != '/')
		return -ENOENT;
	memcpy(anc, path, len + 1);
	while (len > 1) {
		len = xs_store_parent_len(anc, len);
		anc[len] = '\0';
		n = s->view->ops->get(s->view, anc);
		if (n)
			return (xs_perms_access(s->who, n->perms, n->nperms) & need) ? -ENOENT
										 : -EACCES;
	}
	return -ENOENT;
}

static int xs_store_check_size(struct xs_store *s, const struct xs_node *n)
{
	return xs_quota_check(s->quota, s->who, XS_Q_NODE_SIZE, xs_node_size(n));
}

static int xs_store_changed(struct xs_store *s, const char *path, bool exact,
			    const struct xs_node *n, const struct xs_perm *old, uint32_t nold)
{
	return xs_changes_add(s->changes, path, exact, n->perms, n->nperms, old, nold);
}

/* Creates path and its missing parents; the nearest existing one is anc. */
static int xs_store_create(struct xs_store *s, const char *path, const void *val, uint32_t len)
{
	const struct xs_node *anc = NULL;
	struct xs_node **nodes = NULL, *top = NULL;
	size_t plen = strlen(path), levels = 0, i;
	size_t lens[XS_PATH_BUF / 2 + 1];
	char buf[XS_PATH_BUF];
	unsigned long owned;
	int rc = -ENOMEM;

	/* Walk up to the nearest existing node, noting each missing prefix. */
	memcpy(buf, path, plen + 1);
	while (!anc) {
		lens[levels++] = plen;
		plen = xs_store_parent_len(path, plen);
		buf[plen] = '\0';
		anc = s->view->ops->get(s->view, buf);
		if (!anc && plen == 1)
			return -ENOENT;
	}
	owned = xs_quota_used(s->quota, s->who->domid, XS_Q_NODES) +
		(unsigned long)((long)s->view->ops->owned_delta(s->view, s->who->domid));
	rc = xs_quota_check(s->quota, s->who, XS_Q_NODES, owned + levels);
	if (rc)
		return rc;

	rc = -ENOMEM;
	nodes = calloc(levels, sizeof(*nodes));
	top = xs_node_dup(anc);
	if (!nodes || !top)
		goto out;
	/* Build top-down: each new node inherits the permissions above it. */
	for (i = 0; i < levels; i++) {
		size_t l = lens[levels - 1 - i];

		memcpy(buf, path, l);
		buf[l] = '\0';
		nodes[i] = xs_node_new(buf, anc->perms, anc->nperms);
		if (!nodes[i])
			goto out;
		if (!s->who->priv)
			nodes[i]->perms[0].domid = s->who->domid;
		if (xs_node_add_child(i ? nodes[i - 1] : top, xs_path_base(buf)))
			goto out;
	}
	if (xs_node_set_value(nodes[levels - 1], val, len))
		goto out;
	rc = xs_store_check_size(s, top);
	if (!rc)
		rc = xs_store_check_size(s, nodes[levels - 1]);
	if (rc)
		goto out;
	rc = xs_store_changed(s, path, false, nodes[levels - 1], NULL, 0);
	if (rc)
		goto out;
	/* Parents go in before children, which the journal relies on. */
	rc = s->view->ops->put(s->view, top);
	top = NULL;
	for (i = 0; i < levels && !rc; i++) {
		rc = s->view->ops->put(s->view, nodes[i]);
		nodes[i] = NULL;
	}
out:
	if (nodes)
		for (i = 0; i < levels; i++)
			xs_node_free(nodes[i]);
	free(nodes);
	xs_node_free(top);
	return rc;
}

int xs_store_write(struct xs_store *s, const char *path, const void *val, uint32_t len)
{
	const struct xs_node *n;
	struct xs_node *copy = NULL;
	int rc = xs_store_get(s, path, XS_ACCESS_WRITE, &n);

	if (rc == -ENOENT)
		return xs_store_create(s, path, val, len);
	if (rc)
		return rc;
	copy = xs_node_dup(n);
	if (!copy || xs_node_set_value(copy, val, len)) {
		rc = -ENOMEM;
		goto out;
	}
	rc = xs_store_check_size(s, copy);
	if (!rc)
		rc = xs_store_changed(s, path, false, copy, NULL, 0);
	if (rc)
		goto out;
	rc = s->view->ops->put(s->view, copy);
	copy = NULL;
out:
	xs_node_free(copy);
	return rc;
}

int xs_store_mkdir(struct xs_store *s, const char *path)
{
	const struct xs_node *n;
	int rc = xs_store_get(s, path, XS_ACCESS_WRITE, &n);

	if (rc == -ENOENT)
		return xs_store_create(s, path, NULL, 0);
	return rc;
}

/*
 * Removes path and everything below, children first. buf holds the path and
 * grows in place as the walk goes down.
 */
static int xs_store_rm_at(struct xs_store *s, char *buf, size_t len, bool top)
{
	const struct xs_node *n = s->view->ops->get(s->view, buf);
	size_t base = len == 1 ? 0 : len;
	uint32_t off;
	int rc;

	if (!n)
		return 0;
	/* n stays valid: removing children does not touch n itself. */
	for (off = 0; off < n->clen; off += (uint32_t)strlen(n->children + off) + 1) {
		size_t clen = strlen(n->children + off);

		if (base + 1 + clen >= XS_PATH_BUF)
			return -EINVAL;
		buf[base] = '/';
		memcpy(buf + base + 1, n->children + off, clen + 1);
		rc = xs_store_rm_at(s, buf, base + 1 + clen, false);
		buf[len] = '\0';
		if (rc)
			return rc;
	}
	rc = xs_store_changed(s, buf, !top, n, NULL, 0);
	if (rc)
		return rc;
	return s->view->ops->del(s->view, buf);
}

int xs_store_rm(struct xs_store *s, const char *path)
{
	const struct xs_node *n, *parent;
	char buf[XS_PATH_BUF];
	struct xs_node *copy;
	int rc = xs_store_get(s, path, XS_ACCESS_WRITE, &n);

	if (rc == -ENOENT && path[0] == '/') {
		/* Already gone is fine, as long as the parent is there. */
		xs_path_parent(path, buf);
		return s->view->ops->get(s->view, buf) ? 0 : -ENOENT;
	}
	if (rc)
		return rc;
	if (path[0] != '/' || !strcmp(path, "/"))
		return -EINVAL;
	xs_path_parent(path, buf);
	parent = s->view->ops->get(s->view, buf);
	if (!parent)
		return -EIO;
	copy = xs_node_dup(parent);
	if (!copy)
		return -ENOMEM;
	xs_node_del_child(copy, xs_path_base(path));
	rc = s->view->ops->put(s->view, copy);
	if (rc)
		return rc;
	strcpy(buf, path);
	return xs_store_rm_at(s, buf, strlen(buf), true);
}

int xs_store_set_perms(struct xs_store *s, const char *path, const struct xs_perm *p,
		       uint32_t np)
{
	const struct xs_node *n;
	struct xs_node *copy = NULL;
	int rc;

	rc = xs_quota_check(s->quota, s->who, XS_Q_PERMS, np);
	if (rc)
		return rc;
	rc = xs_store_get(s, path, XS_ACCESS_WRITE | XS_ACCESS_OWNER, &n);
	if (rc)
		return rc;
	/* Only the privileged domain may give a node away. */
	if (!s->who->priv && p[0].domid != n->perms[0].domid)
		return -EPERM;
	copy = xs_node_dup(n);
	if (!copy || xs_node_set_perms(copy, p, np)) {
		rc = -ENOMEM;
		goto out;
	}
	rc = xs_store_check_size(s, copy);
	if (!rc)
		rc = xs_store_changed(s, path, false, copy, n->perms, n->nperms);
	if (rc)
		goto out;
	rc = s->view->ops->put(s->view, copy);
	copy = NULL;
out:
	xs_node_free(copy);
	return rc;
}
