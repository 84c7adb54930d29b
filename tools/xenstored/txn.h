/*
 * Transactions: a private overlay on the tree. Every node a transaction looks
 * at or changes has its tree generation recorded at first touch; commit fails
 * with -EAGAIN, changing nothing, if any of them changed meanwhile.
 */
#ifndef XS_TXN_H
#define XS_TXN_H

#include <stdbool.h>

#include "change.h"
#include "hash.h"
#include "strlist.h"
#include "tree.h"
#include "view.h"

struct xs_txn_owned {
	uint32_t domid;
	int delta;
};

struct xs_txn {
	struct xs_view view;	/* first: the view is the transaction */
	struct xs_txn *next;	/* in its connection's list */
	uint32_t id;
	struct xs_tree *tree;
	struct xs_hash overlay;	/* path -> node, or xs_txn_gone */
	struct xs_strlist order;	/* overlay paths in first-change order */
	struct xs_hash seen;	/* path -> tree gen at first touch, 0 if absent */
	struct xs_txn_owned *owned;
	size_t nowned;
	struct xs_changes changes;	/* fire at commit */
	bool failed;		/* an allocation failed: commit must not apply */
};

struct xs_txn *xs_txn_new(struct xs_tree *tree, uint32_t id);
void xs_txn_free(struct xs_txn *t);
/* Nodes the transaction has changed so far. */
size_t xs_txn_size(const struct xs_txn *t);
/* 0: applied to the tree; -EAGAIN: conflict, tree untouched. */
int xs_txn_commit(struct xs_txn *t);

#endif
