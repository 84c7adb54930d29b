/* Watch lists and Xen's matching rules, including the special events. */
#include "watch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xs_watch_add(struct xs_watch **list, const char *path, const char *token, int depth,
		 size_t strip)
{
	struct xs_watch *w, **tail = list;

	for (w = *list; w; w = w->next) {
		if (!strcmp(w->path, path) && !strcmp(w->token, token))
			return -EEXIST;
		tail = &w->next;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->path = strdup(path);
	w->token = strdup(token);
	if (!w->path || !w->token) {
		free(w->path);
		free(w->token);
		free(w);
		return -ENOMEM;
	}
	w->depth = depth;
	w->strip = strip;
	*tail = w;
	return 0;
}

static void xs_watch_free(struct xs_watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

int xs_watch_del(struct xs_watch **list, const char *path, const char *token)
{
	struct xs_watch **p;

	for (p = list; *p; p = &(*p)->next) {
		if (!strcmp((*p)->path, path) && !strcmp((*p)->token, token)) {
			struct xs_watch *w = *p;

			*p = w->next;
			xs_watch_free(w);
			return 0;
		}
	}
	return -ENOENT;
}

void xs_watch_free_all(struct xs_watch **list)
{
	while (*list) {
		struct xs_watch *w = *list;

		*list = w->next;
		xs_watch_free(w);
	}
}

/*
 * @introduceDomain and @releaseDomain: a watch on the name fires (with depth
 * 1 reporting name/domid); a watch on name/domid fires for that domain only.
 */
static bool xs_watch_special(const struct xs_watch *w, const struct xs_change *c, char *epath)
{
	size_t len = strlen(c->path);
	char *end;

	if (!strcmp(w->path, c->path)) {
		if (w->depth == 1)
			sprintf(epath, "%s/%d", c->path, c->domid);
		else
			strcpy(epath, c->path);
		return true;
	}
	if (strncmp(w->path, c->path, len) || w->path[len] != '/')
		return false;
	if (strtoul(w->path + len + 1, &end, 10) != (unsigned long)c->domid || *end)
		return false;
	strcpy(epath, w->path);
	return true;
}

bool xs_watch_matches(const struct xs_watch *w, const struct xs_change *c, char *epath)
{
	if (c->domid >= 0)
		return xs_watch_special(w, c, epath);
	if (c->exact ? strcmp(w->path, c->path) != 0 : !xs_path_is_child(c->path, w->path, w->depth))
		return false;
	strcpy(epath, c->path + w->strip);
	return true;
}
