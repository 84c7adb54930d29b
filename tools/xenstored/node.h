/* One node of the store: value, permissions and the names of its children. */
#ifndef XS_NODE_H
#define XS_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "perms.h"

struct xs_node {
	char *path;
	char *value;		/* not NUL-terminated on the wire; vlen bytes */
	uint32_t vlen;
	struct xs_perm *perms;
	uint32_t nperms;
	char *children;		/* leaf names, each followed by a NUL */
	uint32_t clen;
	uint64_t gen;		/* changes each time the node changes */
};

struct xs_node *xs_node_new(const char *path, const struct xs_perm *perms, uint32_t nperms);
struct xs_node *xs_node_dup(const struct xs_node *n);
void xs_node_free(struct xs_node *n);
int xs_node_set_value(struct xs_node *n, const void *val, uint32_t len);
int xs_node_set_perms(struct xs_node *n, const struct xs_perm *perms, uint32_t nperms);
int xs_node_add_child(struct xs_node *n, const char *name);
/* Returns false if name was not a child. */
bool xs_node_del_child(struct xs_node *n, const char *name);
/* What the node-size quota counts: value, permissions, child names. */
uint32_t xs_node_size(const struct xs_node *n);
/* Same value and permissions (children are not compared). */
bool xs_node_same_content(const struct xs_node *a, const struct xs_node *b);

#endif
