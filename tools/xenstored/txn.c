/* The transaction overlay and its conflict check. */
#include "txn.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* Marks a node the transaction removed. */
static char xs_txn_gone_mark;
#define XS_TXN_GONE ((void *)&xs_txn_gone_mark)

/* First touch of a path: remember the generation the tree has now. */
static int xs_txn_see(struct xs_txn *t, const char *path)
{
	const struct xs_node *n;

	if (xs_hash_has(&t->seen, path))
		return 0;
	n = xs_tree_get(t->tree, path);
	return xs_hash_put(&t->seen, path, (void *)(uintptr_t)(n ? n->gen : 0), NULL);
}

static const struct xs_node *xs_txn_lookup(struct xs_txn *t, const char *path)
{
	void *v = xs_hash_get(&t->overlay, path);

	if (v == XS_TXN_GONE)
		return NULL;
	if (v)
		return v;
	return xs_tree_get(t->tree, path);
}

static const struct xs_node *xs_txn_get(struct xs_view *v, const char *path)
{
	struct xs_txn *t = (struct xs_txn *)v;

	if (xs_txn_see(t, path))
		t->failed = true;
	return xs_txn_lookup(t, path);
}

static void xs_txn_own(struct xs_txn *t, uint32_t domid, int delta)
{
	struct xs_txn_owned *o;
	size_t i;

	for (i = 0; i < t->nowned; i++) {
		if (t->owned[i].domid == domid) {
			t->owned[i].delta += delta;
			return;
		}
	}
	o = realloc(t->owned, (t->nowned + 1) * sizeof(*o));
	if (!o) {
		t->failed = true;
		return;
	}
	t->owned = o;
	o[t->nowned].domid = domid;
	o[t->nowned].delta = delta;
	t->nowned++;
}

/* Stores v (a node or the gone mark) for path, keeping first-change order. */
static int xs_txn_store(struct xs_txn *t, const char *path, void *v)
{
	void *old = NULL;
	int rc;

	if (!xs_hash_has(&t->overlay, path)) {
		rc = xs_strlist_add(&t->order, path);
		if (rc)
			return rc;
		rc = xs_hash_put(&t->overlay, path, v, NULL);
		if (rc)
			xs_strlist_drop_last(&t->order);
		return rc;
	}
	rc = xs_hash_put(&t->overlay, path, v, &old);
	if (!rc && old != XS_TXN_GONE)
		xs_node_free(old);
	return rc;
}

static int xs_txn_put(struct xs_view *v, struct xs_node *n)
{
	struct xs_txn *t = (struct xs_txn *)v;
	const struct xs_node *old;
	int rc;

	rc = xs_txn_see(t, n->path);
	if (rc)
		goto fail;
	old = xs_txn_lookup(t, n->path);
	if (!old || old->perms[0].domid != n->perms[0].domid) {
		if (old)
			xs_txn_own(t, old->perms[0].domid, -1);
		xs_txn_own(t, n->perms[0].domid, 1);
	}
	rc = xs_txn_store(t, n->path, n);
	if (rc)
		goto fail;
	return 0;
fail:
	xs_node_free(n);
	t->failed = true;
	return rc;
}

static int xs_txn_del(struct xs_view *v, const char *path)
{
	struct xs_txn *t = (struct xs_txn *)v;
	const struct xs_node *old;
	int rc;

	rc = xs_txn_see(t, path);
	if (rc)
		goto fail;
	old = xs_txn_lookup(t, path);
	if (!old)
		return -ENOENT;
	xs_txn_own(t, old->perms[0].domid, -1);
	rc = xs_txn_store(t, path, XS_TXN_GONE);
	if (rc)
		goto fail;
	return 0;
fail:
	t->failed = true;
	return rc;
}

static int xs_txn_owned_delta(struct xs_view *v, uint32_t domid)
{
	struct xs_txn *t = (struct xs_txn *)v;
	size_t i;

	for (i = 0; i < t->nowned; i++)
		if (t->owned[i].domid == domid)
			return t->owned[i].delta;
	return 0;
}

static const struct xs_view_ops xs_txn_view_ops = {
	.get = xs_txn_get,
	.put = xs_txn_put,
	.del = xs_txn_del,
	.owned_delta = xs_txn_owned_delta,
};

struct xs_txn *xs_txn_new(struct xs_tree *tree, uint32_t id)
{
	struct xs_txn *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->view.ops = &xs_txn_view_ops;
	t->id = id;
	t->tree = tree;
	if (xs_hash_init(&t->overlay) || xs_hash_init(&t->seen)) {
		xs_txn_free(t);
		return NULL;
	}
	return t;
}

void xs_txn_free(struct xs_txn *t)
{
	struct xs_hash_iter it = { 0 };
	struct xs_hash_ent *e;

	if (!t)
		return;
	if (t->overlay.buckets)
		while ((e = xs_hash_next(&t->overlay, &it)))
			if (e->val != XS_TXN_GONE)
				xs_node_free(e->val);
	xs_hash_free(&t->overlay);
	xs_hash_free(&t->seen);
	xs_strlist_free(&t->order);
	free(t->owned);
	xs_changes_clear(&t->changes);
	free(t);
}

size_t xs_txn_size(const struct xs_txn *t)
{
	return t->overlay.count;
}

static bool xs_txn_conflicts(struct xs_txn *t)
{
	struct xs_hash_iter it = { 0 };
	struct xs_hash_ent *e;

	while ((e = xs_hash_next(&t->seen, &it))) {
		const struct xs_node *n = xs_tree_get(t->tree, e->key);

		if ((n ? n->gen : 0) != (uint64_t)(uintptr_t)e->val)
			return true;
	}
	return false;
}

int xs_txn_commit(struct xs_txn *t)
{
	size_t i;
	int rc;

	if (t->failed)
		return -ENOMEM;
	if (xs_txn_conflicts(t))
		return -EAGAIN;
	/*
	 * The overlay is a consistent store, so applying its entries in the
	 * order they were first changed keeps every parent ahead of a new child.
	 */
	for (i = 0; i < t->order.n; i++) {
		void *v = xs_hash_get(&t->overlay, t->order.v[i]);

		if (v == XS_TXN_GONE) {
			xs_tree_del(t->tree, t->order.v[i]);
			continue;
		}
		/* The tree takes the node; the overlay must not free it again. */
		xs_hash_put(&t->overlay, t->order.v[i], XS_TXN_GONE, NULL);
		rc = xs_tree_put(t->tree, v);
		if (rc)
			return rc;
	}
	return 0;
}
