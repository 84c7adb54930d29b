/* WATCH, UNWATCH, RESET_WATCHES. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

int xs_op_watch(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	char path[XS_PATH_BUF], home[32];
	const char *vec[3];
	int n = xs_req_strings(r, vec, 3), depth = -1, rc;
	unsigned long used;
	bool rel;
	char *end;

	if (n == 3) {
		depth = (int)strtol(vec[2], &end, 10);
		if (*end || vec[2][0] == '\0' || depth < 0)
			return -EINVAL;
	} else if (n != 2) {
		return -EINVAL;
	}
	rc = xs_req_path(d, c, vec[0], XS_PATH_WATCH, path, &rel);
	if (rc)
		return rc;
	used = xs_quota_used(&d->quota, c->who.domid, XS_Q_WATCHES);
	rc = xs_quota_check(&d->quota, &c->who, XS_Q_WATCHES, used + 1);
	if (rc)
		return rc;
	xs_path_home(c->who.domid, home, sizeof(home));
	rc = xs_watch_add(&c->watches, path, vec[1], depth, rel ? strlen(home) + 1 : 0);
	if (rc)
		return rc;
	c->nwatches++;
	xs_quota_add(&d->quota, c->who.domid, XS_Q_WATCHES, 1);
	if (d->journal && c->who.domid) {
		const struct xs_watch *added = c->watches;

		while (added->next) /* xs_watch_add appends */
			added = added->next;
		xs_journal_watch(d->journal, c->who.domid, added);
	}
	/* Every watch fires once at once, with the path as the client gave it. */
	r->fire_path = vec[0];
	r->fire_token = vec[1];
	return 0;
}

int xs_op_unwatch(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	char path[XS_PATH_BUF];
	const char *vec[2];
	bool rel;
	int rc = xs_req_args(r, vec, 2);

	if (!rc)
		rc = xs_req_path(d, c, vec[0], XS_PATH_WATCH, path, &rel);
	if (!rc)
		rc = xs_watch_del(&c->watches, path, vec[1]);
	if (rc)
		return rc;
	c->nwatches--;
	xs_quota_add(&d->quota, c->who.domid, XS_Q_WATCHES, -1);
	if (d->journal && c->who.domid)
		xs_journal_unwatch(d->journal, c->who.domid, path, vec[1]);
	return 0;
}

int xs_op_reset_watches(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	(void)r;
	xs_daemon_drop_conn_state(d, c);
	if (d->journal && c->who.domid)
		xs_journal_unwatch_all(d->journal, c->who.domid);
	return 0;
}
