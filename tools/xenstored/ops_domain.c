/* INTRODUCE, RELEASE, GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED, RESUME, SET_TARGET. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "notify.h"
#include "ops.h"
#include "release.h"
#include "ringconn.h"

/* The first argument as a domain id; the privileged domain is refused. */
static int xs_op_domid_arg(const char *s, uint32_t *domid)
{
	int rc = xs_domain_parse_id(s, domid);

	return rc ? rc : (*domid == 0 ? -EINVAL : 0);
}

/* The one domain id argument of a request, checked by parse. */
static int req_domid(struct xs_req *r, int (*parse)(const char *, uint32_t *), uint32_t *domid)
{
	const char *vec[1];
	int rc = xs_req_args(r, vec, 1);

	return rc ? rc : parse(vec[0], domid);
}

int xs_op_introduce(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	const char *vec[4];
	struct xs_domain *dom;
	uint32_t domid;
	long long gfn;
	long port;
	char *end;
	int n = xs_req_strings(r, vec, 4), rc;
	bool known;

	(void)c;
	if (n < 3)
		return -EINVAL;
	rc = xs_op_domid_arg(vec[0], &domid);
	if (rc)
		return rc;
	gfn = strtoll(vec[1], &end, 10);
	if (*end || !vec[1][0])
		return -EINVAL;
	port = strtol(vec[2], &end, 10);
	if (*end || port <= 0 || port > INT32_MAX)
		return -EINVAL;
	dom = xs_domain_find(&d->domains, domid);
	known = dom != NULL;
	if (dom && dom->conn && (dom->gfn != (uint64_t)gfn || dom->port != (uint32_t)port)) {
		/* Another page or channel: the old connection cannot carry on. */
		xs_daemon_kill_conn(d, dom->conn, "introduced again with another ring");
		dom->conn = NULL;
	}
	dom = xs_domain_add(&d->domains, domid, (uint64_t)gfn, (uint32_t)port);
	if (!dom)
		return -ENOMEM;
	if (d->ring_attach) {
		rc = d->ring_attach(d, dom);
		if (rc && !known)
			xs_domain_remove(&d->domains, domid);
		if (rc)
			return rc;
	}
	/* As in Xen, every INTRODUCE starts the ring afresh. */
	if (dom->conn)
		xs_ringconn_restart(d, dom->conn);
	if (d->journal)
		xs_journal_domain(d->journal, dom);
	if (!known) {
		xs_log("domain %u introduced (gfn %lld, event channel %ld)%s", domid, gfn, port,
		       d->ring_attach ? "" : "; no hypervisor, its ring is not served");
		xs_notify_special(d, XS_SPECIAL_INTRODUCE, domid);
	}
	return 0;
}

int xs_op_release(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	uint32_t domid;
	int rc = req_domid(r, xs_op_domid_arg, &domid);

	(void)c;
	if (rc)
		return rc;
	return xs_domain_release(d, domid, &r->changes, "domain released");
}

int xs_op_get_domain_path(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	uint32_t domid;
	int rc = req_domid(r, xs_domain_parse_id, &domid);

	(void)d;
	(void)c;
	if (rc)
		return rc;
	xs_path_home(domid, r->buf, sizeof(r->buf));
	xs_req_reply_str(r, r->buf);
	return 0;
}

int xs_op_is_introduced(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	uint32_t domid;
	int rc = req_domid(r, xs_domain_parse_id, &domid);

	(void)c;
	if (rc)
		return rc;
	xs_req_reply_str(r, domid == 0 || xs_domain_find(&d->domains, domid) ? "T" : "F");
	return 0;
}

int xs_op_resume(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	struct xs_domain *dom;
	uint32_t domid;
	int rc = req_domid(r, xs_op_domid_arg, &domid);

	(void)c;
	if (rc)
		return rc;
	dom = xs_domain_find(&d->domains, domid);
	if (!dom)
		return -ENOENT;
	/* It runs again: its next shutdown is announced too. */
	dom->shutdown_seen = false;
	return 0;
}

int xs_op_set_target(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	const char *vec[2];
	struct xs_domain *dom;
	uint32_t domid, tdomid;
	int rc = xs_req_args(r, vec, 2);

	(void)c;
	if (!rc)
		rc = xs_domain_parse_id(vec[0], &domid);
	if (!rc)
		rc = xs_domain_parse_id(vec[1], &tdomid);
	if (rc)
		return rc;
	dom = xs_domain_find(&d->domains, domid);
	if (!dom || !xs_domain_find(&d->domains, tdomid))
		return -ENOENT;
	dom->target = tdomid;
	if (dom->conn)
		dom->conn->who.target = tdomid;
	if (d->journal)
		xs_journal_domain(d->journal, dom);
	return 0;
}
