/* READ, WRITE, MKDIR, RM, DIRECTORY(_PART), GET_PERMS, SET_PERMS. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

/* The one path argument of a request, made absolute. */
static int xs_op_path_arg(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r,
			  enum xs_path_kind kind, char *path)
{
	const char *vec[1];
	bool rel;
	int rc = xs_req_args(r, vec, 1);

	return rc ? rc : xs_req_path(d, c, vec[0], kind, path, &rel);
}

int xs_op_read(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	char path[XS_PATH_BUF];
	const struct xs_node *n;
	int rc = xs_op_path_arg(d, c, r, XS_PATH_PLAIN, path);

	if (!rc)
		rc = xs_store_get(&r->store, path, XS_ACCESS_READ, &n);
	if (rc)
		return rc;
	r->reply = n->vlen ? n->value : "";
	r->reply_len = n->vlen;
	return 0;
}

int xs_op_write(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	char path[XS_PATH_BUF];
	const char *nul = memchr(r->body, '\0', r->len);
	uint32_t plen;
	bool rel;
	int rc;

	/* path, NUL, then the value: raw bytes to the end of the payload. */
	if (!nul)
		return -EINVAL;
	plen = (uint32_t)(nul - r->body) + 1;
	rc = xs_req_path(d, c, r->body, XS_PATH_PLAIN, path, &rel);
	if (rc)
		return rc;
	return xs_store_write(&r->store, path, r->body + plen, r->len - plen);
}

int xs_op_mkdir(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	char path[XS_PATH_BUF];
	int rc = xs_op_path_arg(d, c, r, XS_PATH_PLAIN, path);

	return rc ? rc : xs_store_mkdir(&r->store, path);
}

int xs_op_rm(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	char path[XS_PATH_BUF];
	int rc = xs_op_path_arg(d, c, r, XS_PATH_PLAIN, path);

	return rc ? rc : xs_store_rm(&r->store, path);
}

int xs_op_directory(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	char path[XS_PATH_BUF];
	const struct xs_node *n;
	int rc = xs_op_path_arg(d, c, r, XS_PATH_PLAIN, path);

	if (!rc)
		rc = xs_store_get(&r->store, path, XS_ACCESS_READ, &n);
	if (rc)
		return rc;
	/* Too long for one reply: the client falls back to DIRECTORY_PART. */
	if (n->clen > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	r->reply = n->clen ? n->children : "";
	r->reply_len = n->clen;
	return 0;
}

/* Reply: generation, NUL, then as many whole child names from offset as fit;
 * an extra NUL marks that the list ends there. */
int xs_op_directory_part(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	char path[XS_PATH_BUF];
	const struct xs_node *n;
	const char *vec[2];
	unsigned long off;
	size_t glen, len = 0, max;
	bool rel;
	char *end;
	int rc = xs_req_args(r, vec, 2);

	if (rc)
		return rc;
	off = strtoul(vec[1], &end, 10);
	if (*end || vec[1][0] == '\0')
		return -EINVAL;
	rc = xs_req_path(d, c, vec[0], XS_PATH_PLAIN, path, &rel);
	if (!rc)
		rc = xs_store_get(&r->store, path, XS_ACCESS_READ, &n);
	if (rc)
		return rc;
	glen = (size_t)snprintf(r->buf, 24, "%llu", (unsigned long long)n->gen) + 1;
	if (off >= n->clen) {
		r->buf[glen] = '\0';
		r->reply = r->buf;
		r->reply_len = glen + 1;
		return 0;
	}
	max = XENSTORE_PAYLOAD_MAX - glen - 1;
	while (off + len < n->clen) {
		size_t clen = strlen(n->children + off + len) + 1;

		if (len + clen > max)
			break;
		len += clen;
	}
	memcpy(r->buf + glen, n->children + off, len);
	if (off + len == n->clen)
		r->buf[glen + len++] = '\0';
	r->reply = r->buf;
	r->reply_len = glen + len;
	return 0;
}

int xs_op_get_perms(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	char path[XS_PATH_BUF];
	const struct xs_node *n;
	size_t len = 0;
	uint32_t i;
	int rc = xs_op_path_arg(d, c, r, XS_PATH_NODE, path);

	if (!rc)
		rc = xs_store_get(&r->store, path, XS_ACCESS_READ, &n);
	if (rc)
		return rc;
	for (i = 0; i < n->nperms; i++) {
		if (len + 16 > sizeof(r->buf))
			return -E2BIG;
		len += xs_perms_format(&n->perms[i], r->buf + len) + 1;
	}
	r->reply = r->buf;
	r->reply_len = len;
	return 0;
}

int xs_op_set_perms(struct xs_daemon *d, struct xs_conn *c, struct xs_req *r)
{
	struct xs_perm perms[XENSTORE_PAYLOAD_MAX / 3];
	const char *vec[XENSTORE_PAYLOAD_MAX / 3 + 1];
	char path[XS_PATH_BUF];
	bool rel;
	int n = xs_req_strings(r, vec, XENSTORE_PAYLOAD_MAX / 3 + 1), i, rc;

	if (n < 2)
		return -EINVAL;
	for (i = 1; i < n; i++) {
		rc = xs_perms_parse(vec[i], &perms[i - 1]);
		if (rc)
			return rc;
	}
	rc = xs_req_path(d, c, vec[0], XS_PATH_NODE, path, &rel);
	if (rc)
		return rc;
	return xs_store_set_perms(&r->store, path, perms, (uint32_t)(n - 1));
}
