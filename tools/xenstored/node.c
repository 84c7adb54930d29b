/* Node allocation and the few edits the store makes to a node. */
#include "node.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void *xs_node_memdup(const void *p, size_t len)
{
	void *q = malloc(len ? len : 1);

	if (q && len)
		memcpy(q, p, len);
	return q;
}

struct xs_node *xs_node_new(const char *path, const struct xs_perm *perms, uint32_t nperms)
{
	struct xs_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->path = strdup(path);
	n->perms = xs_node_memdup(perms, nperms * sizeof(*perms));
	n->nperms = nperms;
	if (!n->path || !n->perms) {
		xs_node_free(n);
		return NULL;
	}
	return n;
}

struct xs_node *xs_node_dup(const struct xs_node *src)
{
	struct xs_node *n = xs_node_new(src->path, src->perms, src->nperms);

	if (!n)
		return NULL;
	n->gen = src->gen;
	if (xs_node_set_value(n, src->value, src->vlen)) {
		xs_node_free(n);
		return NULL;
	}
	if (src->clen) {
		n->children = xs_node_memdup(src->children, src->clen);
		if (!n->children) {
			xs_node_free(n);
			return NULL;
		}
		n->clen = src->clen;
	}
	return n;
}

void xs_node_free(struct xs_node *n)
{
	if (!n)
		return;
	free(n->path);
	free(n->value);
	free(n->perms);
	free(n->children);
	free(n);
}

int xs_node_set_value(struct xs_node *n, const void *val, uint32_t len)
{
	char *v = NULL;

	if (len) {
		v = xs_node_memdup(val, len);
		if (!v)
			return -ENOMEM;
	}
	free(n->value);
	n->value = v;
	n->vlen = len;
	return 0;
}

int xs_node_set_perms(struct xs_node *n, const struct xs_perm *perms, uint32_t nperms)
{
	struct xs_perm *p = xs_node_memdup(perms, nperms * sizeof(*perms));

	if (!p)
		return -ENOMEM;
	free(n->perms);
	n->perms = p;
	n->nperms = nperms;
	return 0;
}

int xs_node_add_child(struct xs_node *n, const char *name)
{
	size_t len = strlen(name) + 1;
	char *c = realloc(n->children, n->clen + len);

	if (!c)
		return -ENOMEM;
	memcpy(c + n->clen, name, len);
	n->children = c;
	n->clen += len;
	return 0;
}

bool xs_node_del_child(struct xs_node *n, const char *name)
{
	uint32_t off = 0;

	while (off < n->clen) {
		size_t len = strlen(n->children + off) + 1;

		if (!strcmp(n->children + off, name)) {
			memmove(n->children + off, n->children + off + len, n->clen - off - len);
			n->clen -= len;
			return true;
		}
		off += len;
	}
	return false;
}

uint32_t xs_node_size(const struct xs_node *n)
{
	return n->vlen + n->clen + n->nperms * (uint32_t)sizeof(struct xs_perm);
}

bool xs_node_same_content(const struct xs_node *a, const struct xs_node *b)
{
	uint32_t i;

	if (a->vlen != b->vlen || a->nperms != b->nperms ||
	    (a->vlen && memcmp(a->value, b->value, a->vlen)))
		return false;
	/* Field by field: struct padding is not initialised. */
	for (i = 0; i < a->nperms; i++)
		if (a->perms[i].domid != b->perms[i].domid || a->perms[i].mode != b->perms[i].mode)
			return false;
	return true;
}
