/* A connection's watches and the rule deciding which fire for a change. */
#ifndef XS_WATCH_H
#define XS_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "change.h"
#include "path.h"

struct xs_watch {
	struct xs_watch *next;
	char *path;		/* absolute, or @name */
	char *token;
	int depth;		/* -1: any depth */
	size_t strip;		/* prefix cut from event paths of relative watches */
};

/* -EEXIST if (path, token) is already watched on this list. */
int xs_watch_add(struct xs_watch **list, const char *path, const char *token, int depth,
		 size_t strip);
int xs_watch_del(struct xs_watch **list, const char *path, const char *token);
void xs_watch_free_all(struct xs_watch **list);
/*
 * Does w fire for c? If so, the path to report goes to epath
 * (XS_PATH_BUF + 16 bytes).
 */
bool xs_watch_matches(const struct xs_watch *w, const struct xs_change *c, char *epath);

#endif
