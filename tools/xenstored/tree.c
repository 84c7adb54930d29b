/* The committed store, a flat map from path to node. */
#include "tree.h"

#include <errno.h>
#include <string.h>

#include "path.h"

static const struct xs_node *xs_tree_view_get(struct xs_view *v, const char *path)
{
	return xs_tree_get((struct xs_tree *)v, path);
}

static int xs_tree_view_put(struct xs_view *v, struct xs_node *n)
{
	return xs_tree_put((struct xs_tree *)v, n);
}

static int xs_tree_view_del(struct xs_view *v, const char *path)
{
	return xs_tree_del((struct xs_tree *)v, path);
}

static int xs_tree_view_owned_delta(struct xs_view *v, uint32_t domid)
{
	(void)v;
	(void)domid;
	return 0;
}

static const struct xs_view_ops xs_tree_view_ops = {
	.get = xs_tree_view_get,
	.put = xs_tree_view_put,
	.del = xs_tree_view_del,
	.owned_delta = xs_tree_view_owned_delta,
};

int xs_tree_init(struct xs_tree *t)
{
	memset(t, 0, sizeof(*t));
	t->view.ops = &xs_tree_view_ops;
	return xs_hash_init(&t->nodes);
}

void xs_tree_fini(struct xs_tree *t)
{
	struct xs_hash_iter it = { 0 };
	struct xs_hash_ent *e;

	while ((e = xs_hash_next(&t->nodes, &it)))
		xs_node_free(e->val);
	xs_hash_free(&t->nodes);
}

int xs_tree_setup(struct xs_tree *t)
{
	static const struct xs_perm dom0_only = { 0, XS_PERM_NONE };
	static const char *const paths[] = { "/", "/tool", "/tool/xenstored",
					     XS_SPECIAL_INTRODUCE, XS_SPECIAL_RELEASE };
	size_t i;
	int rc;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct xs_node *n = xs_node_new(paths[i], &dom0_only, 1);

		if (!n)
			return -ENOMEM;
		if (i == 0 || i == 1)
			rc = xs_node_add_child(n, xs_path_base(paths[i + 1]));
		else
			rc = 0;
		if (rc) {
			xs_node_free(n);
			return rc;
		}
		rc = xs_tree_put(t, n);
		if (rc)
			return rc;
	}
	return 0;
}

const struct xs_node *xs_tree_get(struct xs_tree *t, const char *path)
{
	return xs_hash_get(&t->nodes, path);
}

int xs_tree_put(struct xs_tree *t, struct xs_node *n)
{
	void *prev = NULL;
	struct xs_node *old;
	int rc;

	n->gen = ++t->gen;
	rc = xs_hash_put(&t->nodes, n->path, n, &prev);
	if (rc) {
		xs_node_free(n);
		return rc;
	}
	old = prev;
	if (t->hooks.owner && (!old || old->perms[0].domid != n->perms[0].domid)) {
		if (old)
			t->hooks.owner(t->hooks.ctx, old->perms[0].domid, -1);
		t->hooks.owner(t->hooks.ctx, n->perms[0].domid, 1);
	}
	if (t->hooks.put && (!old || !xs_node_same_content(old, n)))
		t->hooks.put(t->hooks.ctx, n);
	xs_node_free(old);
	return 0;
}

int xs_tree_del(struct xs_tree *t, const char *path)
{
	struct xs_node *old = xs_hash_del(&t->nodes, path);

	if (!old)
		return -ENOENT;
	t->gen++;
	if (t->hooks.owner)
		t->hooks.owner(t->hooks.ctx, old->perms[0].domid, -1);
	if (t->hooks.del)
		t->hooks.del(t->hooks.ctx, path);
	xs_node_free(old);
	return 0;
}

/* buf holds the current path; children are appended in place, so deep trees
 * cost one small frame per level. */
static int xs_tree_walk_at(struct xs_tree *t, char *buf, size_t len,
			   int (*fn)(void *ctx, const struct xs_node *n), void *ctx)
{
	const struct xs_node *n = xs_tree_get(t, buf);
	size_t base = len == 1 ? 0 : len;
	uint32_t off;
	int rc;

	if (!n)
		return -ENOENT;
	rc = fn(ctx, n);
	if (rc)
		return rc;
	for (off = 0; off < n->clen; off += (uint32_t)strlen(n->children + off) + 1) {
		size_t clen = strlen(n->children + off);

		if (base + 1 + clen >= XS_PATH_BUF)
			return -EINVAL;
		buf[base] = '/';
		memcpy(buf + base + 1, n->children + off, clen + 1);
		rc = xs_tree_walk_at(t, buf, base + 1 + clen, fn, ctx);
		buf[len] = '\0';
		if (rc)
			return rc;
	}
	return 0;
}

int xs_tree_walk(struct xs_tree *t, const char *path,
		 int (*fn)(void *ctx, const struct xs_node *n), void *ctx)
{
	char buf[XS_PATH_BUF];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, path, len + 1);
	return xs_tree_walk_at(t, buf, len, fn, ctx);
}

int xs_tree_walk_all(struct xs_tree *t, int (*fn)(void *ctx, const struct xs_node *n),
		     void *ctx)
{
	const struct xs_node *n;
	int rc = xs_tree_walk(t, "/", fn, ctx);

	if (rc)
		return rc;
	n = xs_tree_get(t, XS_SPECIAL_INTRODUCE);
	if (n && (rc = fn(ctx, n)))
		return rc;
	n = xs_tree_get(t, XS_SPECIAL_RELEASE);
	if (n && (rc = fn(ctx, n)))
		return rc;
	return 0;
}

size_t xs_tree_count(const struct xs_tree *t)
{
	return t->nodes.count;
}
