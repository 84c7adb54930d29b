/* Watch event delivery with Xen's visibility rule. */
#include "notify.h"

#include <string.h>

#include "log.h"
#include "path.h"
#include "watch.h"

void xs_notify_send(struct xs_conn *c, const char *path, const char *token)
{
	char buf[XS_PATH_BUF + 16 + XENSTORE_PAYLOAD_MAX];
	size_t plen = strlen(path) + 1, tlen = strlen(token) + 1;

	if (plen + tlen > sizeof(buf))
		return;
	memcpy(buf, path, plen);
	memcpy(buf + plen, token, tlen);
	if (xs_conn_queue(c, XS_WATCH_EVENT, 0, 0, buf, plen + tlen, false))
		xs_conn_kill(c, "no memory for a watch event");
	else if (c->out_bytes > XS_CONN_OUT_MAX)
		xs_conn_kill(c, "too much unread output (watch events)");
}

/* The watcher must be able to read the node (before or after) or its parent. */
static bool xs_notify_may_see(struct xs_daemon *d, const struct xs_conn *c,
			      const struct xs_change *ch)
{
	char parent[XS_PATH_BUF];
	const struct xs_node *n;
	int k;

	if (c->who.priv)
		return true;
	for (k = 0; k < 2; k++)
		if (ch->nperms[k] &&
		    (xs_perms_access(&c->who, ch->perms[k], ch->nperms[k]) & XS_ACCESS_READ))
			return true;
	if (ch->domid >= 0 || ch->path[0] != '/' || !strcmp(ch->path, "/"))
		return false;
	xs_path_parent(ch->path, parent);
	n = xs_tree_get(&d->tree, parent);
	return n && (xs_perms_access(&c->who, n->perms, n->nperms) & XS_ACCESS_READ);
}

void xs_notify(struct xs_daemon *d, const struct xs_changes *ch)
{
	char epath[XS_PATH_BUF + 16];
	struct xs_conn *c;
	struct xs_watch *w;
	size_t i;

	for (i = 0; i < ch->n; i++) {
		for (c = d->conns; c; c = c->next) {
			if (c->dead || !c->watches || !xs_notify_may_see(d, c, &ch->v[i]))
				continue;
			for (w = c->watches; w; w = w->next)
				if (xs_watch_matches(w, &ch->v[i], epath))
					xs_notify_send(c, epath, w->token);
		}
	}
}

void xs_notify_special(struct xs_daemon *d, const char *name, uint32_t domid)
{
	const struct xs_node *n = xs_tree_get(&d->tree, name);
	struct xs_changes ch = { 0 };

	if (!n || xs_changes_add_special(&ch, name, domid, n->perms, n->nperms)) {
		xs_log("cannot fire %s for domain %u", name, domid);
		return;
	}
	xs_notify(d, &ch);
	xs_changes_clear(&ch);
}
