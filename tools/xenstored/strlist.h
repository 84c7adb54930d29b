/* A growable list of string copies (paths), in the order they were added. */
#ifndef XS_STRLIST_H
#define XS_STRLIST_H

#include <stddef.h>

struct xs_strlist {
	char **v;
	size_t n, cap;
};

/* Appends a copy of s: 0 or -ENOMEM (the list unchanged). */
int xs_strlist_add(struct xs_strlist *l, const char *s);
/* Takes back the last string added. */
void xs_strlist_drop_last(struct xs_strlist *l);
void xs_strlist_free(struct xs_strlist *l);

#endif
