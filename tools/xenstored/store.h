/*
 * Store operations as Xen defines them (implicit parents, inherited
 * permissions, recursive removal), on a view: the tree or a transaction.
 * All return 0 or a negative errno with Xen's meaning.
 */
#ifndef XS_STORE_H
#define XS_STORE_H

#include "change.h"
#include "node.h"
#include "perms.h"
#include "quota.h"
#include "view.h"

struct xs_store {
	struct xs_view *view;
	const struct xs_who *who;
	struct xs_quota *quota;
	struct xs_changes *changes;	/* what fired watches */
};

/*
 * The node at path if who has every access bit in need. A missing node is
 * -ENOENT only if who may see its nearest existing ancestor, else -EACCES.
 */
int xs_store_get(struct xs_store *s, const char *path, unsigned int need,
		 const struct xs_node **out);
int xs_store_write(struct xs_store *s, const char *path, const void *val, uint32_t len);
int xs_store_mkdir(struct xs_store *s, const char *path);
int xs_store_rm(struct xs_store *s, const char *path);
int xs_store_set_perms(struct xs_store *s, const char *path, const struct xs_perm *p,
		       uint32_t n);

#endif
