/* A growable list of pending watch triggers. */
#include "change.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int xs_changes_reserve(struct xs_changes *ch, size_t more)
{
	size_t cap = ch->cap ? ch->cap : 8;
	struct xs_change *v;

	if (ch->n + more <= ch->cap)
		return 0;
	while (cap < ch->n + more)
		cap *= 2;
	v = realloc(ch->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	ch->v = v;
	ch->cap = cap;
	return 0;
}

static struct xs_perm *xs_changes_perms(const struct xs_perm *p, uint32_t n)
{
	struct xs_perm *q = malloc((n ? n : 1) * sizeof(*q));

	if (q && n)
		memcpy(q, p, n * sizeof(*q));
	return q;
}

static int xs_changes_push(struct xs_changes *ch, const char *path, bool exact, int32_t domid,
			   const struct xs_perm *perms, uint32_t nperms,
			   const struct xs_perm *old, uint32_t nold)
{
	struct xs_change *c;

	if (xs_changes_reserve(ch, 1))
		return -ENOMEM;
	c = &ch->v[ch->n];
	c->path = strdup(path);
	c->exact = exact;
	c->domid = domid;
	c->perms[0] = xs_changes_perms(perms, nperms);
	c->nperms[0] = nperms;
	c->perms[1] = xs_changes_perms(old, nold);
	c->nperms[1] = nold;
	if (!c->path || !c->perms[0] || !c->perms[1]) {
		free(c->path);
		free(c->perms[0]);
		free(c->perms[1]);
		return -ENOMEM;
	}
	ch->n++;
	return 0;
}

int xs_changes_add(struct xs_changes *ch, const char *path, bool exact,
		   const struct xs_perm *perms, uint32_t nperms,
		   const struct xs_perm *old, uint32_t nold)
{
	return xs_changes_push(ch, path, exact, -1, perms, nperms, old, nold);
}

int xs_changes_add_special(struct xs_changes *ch, const char *path, uint32_t domid,
			   const struct xs_perm *perms, uint32_t nperms)
{
	return xs_changes_push(ch, path, true, (int32_t)domid, perms, nperms, NULL, 0);
}

int xs_changes_move(struct xs_changes *dst, struct xs_changes *src)
{
	if (!src->n)
		return 0;
	if (xs_changes_reserve(dst, src->n))
		return -ENOMEM;
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	src->n = 0;
	return 0;
}

void xs_changes_clear(struct xs_changes *ch)
{
	size_t i;

	for (i = 0; i < ch->n; i++) {
		free(ch->v[i].path);
		free(ch->v[i].perms[0]);
		free(ch->v[i].perms[1]);
	}
	free(ch->v);
	ch->v = NULL;
	ch->n = ch->cap = 0;
}
