/*
 * A view of the store that operations read and change: the tree itself, or a
 * transaction's private copy layered on it. Store operations are written once
 * against this interface.
 */
#ifndef XS_VIEW_H
#define XS_VIEW_H

#include <stdint.h>

struct xs_node;
struct xs_view;

struct xs_view_ops {
	const struct xs_node *(*get)(struct xs_view *v, const char *path);
	/* Stores n under n->path, replacing any node there; takes n either way. */
	int (*put)(struct xs_view *v, struct xs_node *n);
	/* Removes one node (not its children). */
	int (*del)(struct xs_view *v, const char *path);
	/* Nodes domid gained (or lost) in this view compared with the tree. */
	int (*owned_delta)(struct xs_view *v, uint32_t domid);
};

struct xs_view {
	const struct xs_view_ops *ops;
};

#endif
