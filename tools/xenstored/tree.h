/* The committed store: every node by absolute path, and change hooks. */
#ifndef XS_TREE_H
#define XS_TREE_H

#include "hash.h"
#include "node.h"
#include "view.h"

/* Called on every committed change: accounting and the journal listen here. */
struct xs_tree_hooks {
	void *ctx;
	void (*owner)(void *ctx, uint32_t domid, int delta);
	/* A node is new or its value or permissions changed. */
	void (*put)(void *ctx, const struct xs_node *n);
	void (*del)(void *ctx, const char *path);
};

struct xs_tree {
	struct xs_view view;
	struct xs_hash nodes;
	uint64_t gen;
	struct xs_tree_hooks hooks;
};

int xs_tree_init(struct xs_tree *t);
void xs_tree_fini(struct xs_tree *t);
/* Creates /, /tool, /tool/xenstored and the two special nodes. */
int xs_tree_setup(struct xs_tree *t);
const struct xs_node *xs_tree_get(struct xs_tree *t, const char *path);
/* Inserts or replaces n (the tree takes it, also on failure) with a new gen. */
int xs_tree_put(struct xs_tree *t, struct xs_node *n);
int xs_tree_del(struct xs_tree *t, const char *path);
/* Visits path and everything below it, parents before children. */
int xs_tree_walk(struct xs_tree *t, const char *path,
		 int (*fn)(void *ctx, const struct xs_node *n), void *ctx);
/* Root-first walk over the whole store, special nodes included. */
int xs_tree_walk_all(struct xs_tree *t, int (*fn)(void *ctx, const struct xs_node *n),
		     void *ctx);
size_t xs_tree_count(const struct xs_tree *t);

#endif
