/* String lists that own their strings. */
#include "strlist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int xs_strlist_add(struct xs_strlist *l, const char *s)
{
	char *copy;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	l->v[l->n++] = copy;
	return 0;
}

void xs_strlist_drop_last(struct xs_strlist *l)
{
	free(l->v[--l->n]);
}

void xs_strlist_free(struct xs_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
