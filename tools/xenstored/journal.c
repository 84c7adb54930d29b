/* Append-only journal of the store, its replay and its compaction. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conn.h"
#include "crc32.h"
#include "log.h"
#include "path.h"
#include "store.h"
#include "watch.h"

#define XS_JOURNAL_FILE_MAGIC "TERNXSJ1"
#define XS_JOURNAL_REC_MAGIC 0x524a5358u	/* "XSJR" */
/* A sanity bound only: one dom0 transaction may change many big nodes. */
#define XS_JOURNAL_REC_MAX (1u << 30)
/* Snapshot records are cut at about this size. */
#define XS_JOURNAL_CHUNK (64u << 10)
/* Compact once the log is this big and four times its compacted size. */
#define XS_JOURNAL_COMPACT_MIN (1 << 20)

enum xs_journal_entry {
	XS_J_PUT = 'P',
	XS_J_DEL = 'D',
	XS_J_DOMAIN = 'I',
	XS_J_UNDOMAIN = 'R',
	XS_J_WATCH = 'W',
	XS_J_UNWATCH = 'U',
	XS_J_UNWATCH_ALL = 'X',
};

struct xs_journal_rec {
	uint32_t magic;
	uint32_t len;
	uint32_t crc;
};

static char *xs_journal_join(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = malloc(len);

	if (p)
		snprintf(p, len, "%s/%s", dir, name);
	return p;
}

static int xs_journal_mkdirs(const char *dir)
{
	char buf[4096];
	size_t i, len = strlen(dir);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		buf[i] = dir[i];
	}
	return 0;
}

int xs_journal_open(struct xs_journal *j, const char *dir, bool fsync)
{
	int rc;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	j->fsync = fsync;
	rc = xs_journal_mkdirs(dir);
	if (rc)
		return rc;
	j->dir = strdup(dir);
	j->path = xs_journal_join(dir, "tern-xenstored.journal");
	j->tmp = xs_journal_join(dir, "tern-xenstored.journal.new");
	if (!j->dir || !j->path || !j->tmp) {
		xs_journal_close(j);
		return -ENOMEM;
	}
	return 0;
}

void xs_journal_close(struct xs_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	free(j->path);
	free(j->tmp);
	free(j->dir);
	free(j->buf);
	j->path = j->tmp = j->dir = NULL;
	j->buf = NULL;
}

/* ---- building a batch ---- */

static void xs_journal_emit(struct xs_journal *j, const void *p, size_t len)
{
	if (!len)
		return;
	if (j->len + len > j->cap) {
		size_t cap = j->cap ? j->cap : 4096;
		unsigned char *b;

		while (cap < j->len + len)
			cap *= 2;
		b = realloc(j->buf, cap);
		if (!b) {
			/* The change cannot be made durable; rewrite everything next time. */
			j->broken = true;
			return;
		}
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, p, len);
	j->len += len;
}

static void xs_journal_emit_u8(struct xs_journal *j, uint8_t v)
{
	xs_journal_emit(j, &v, sizeof(v));
}

static void xs_journal_emit_u16(struct xs_journal *j, uint16_t v)
{
	xs_journal_emit(j, &v, sizeof(v));
}

static void xs_journal_emit_u32(struct xs_journal *j, uint32_t v)
{
	xs_journal_emit(j, &v, sizeof(v));
}

static void xs_journal_emit_str(struct xs_journal *j, const char *s)
{
	size_t len = strlen(s);

	xs_journal_emit_u16(j, (uint16_t)len);
	xs_journal_emit(j, s, len);
}

void xs_journal_put(struct xs_journal *j, const struct xs_node *n)
{
	uint32_t i;

	xs_journal_emit_u8(j, XS_J_PUT);
	xs_journal_emit_str(j, n->path);
	xs_journal_emit_u16(j, (uint16_t)n->nperms);
	for (i = 0; i < n->nperms; i++) {
		xs_journal_emit_u32(j, n->perms[i].domid);
		xs_journal_emit_u8(j, n->perms[i].mode);
	}
	xs_journal_emit_u32(j, n->vlen);
	xs_journal_emit(j, n->value, n->vlen);
}

void xs_journal_del(struct xs_journal *j, const char *path)
{
	xs_journal_emit_u8(j, XS_J_DEL);
	xs_journal_emit_str(j, path);
}

void xs_journal_domain(struct xs_journal *j, const struct xs_domain *d)
{
	xs_journal_emit_u8(j, XS_J_DOMAIN);
	xs_journal_emit_u32(j, d->domid);
	xs_journal_emit(j, &d->gfn, sizeof(d->gfn));
	xs_journal_emit_u32(j, d->port);
	xs_journal_emit_u32(j, d->target);
}

void xs_journal_undomain(struct xs_journal *j, uint32_t domid)
{
	xs_journal_emit_u8(j, XS_J_UNDOMAIN);
	xs_journal_emit_u32(j, domid);
}

void xs_journal_watch(struct xs_journal *j, uint32_t domid, const struct xs_watch *w)
{
	xs_journal_emit_u8(j, XS_J_WATCH);
	xs_journal_emit_u32(j, domid);
	xs_journal_emit_str(j, w->path);
	xs_journal_emit_str(j, w->token);
	xs_journal_emit_u32(j, (uint32_t)w->depth);
	xs_journal_emit_u32(j, (uint32_t)w->strip);
}

void xs_journal_unwatch(struct xs_journal *j, uint32_t domid, const char *path,
			const char *token)
{
	xs_journal_emit_u8(j, XS_J_UNWATCH);
	xs_journal_emit_u32(j, domid);
	xs_journal_emit_str(j, path);
	xs_journal_emit_str(j, token);
}

void xs_journal_unwatch_all(struct xs_journal *j, uint32_t domid)
{
	xs_journal_emit_u8(j, XS_J_UNWATCH_ALL);
	xs_journal_emit_u32(j, domid);
}

/* A domain and its watches (those of its ring, or those still waiting for it). */
static void xs_journal_domain_all(struct xs_journal *j, const struct xs_domain *d)
{
	const struct xs_watch *w = d->conn ? d->conn->watches : d->restored;

	xs_journal_domain(j, d);
	for (; w; w = w->next)
		xs_journal_watch(j, d->domid, w);
}

/* ---- writing ---- */

static int xs_journal_write_all(int fd, const void *p, size_t len)
{
	const unsigned char *b = p;

	while (len) {
		ssize_t n = write(fd, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One record: header and payload in a single write, so a crash tears at most it. */
static int xs_journal_write_rec(int fd, const unsigned char *payload, size_t len)
{
	struct xs_journal_rec rec = { XS_JOURNAL_REC_MAGIC, (uint32_t)len,
				      xs_crc32(payload, len) };
	unsigned char *b = malloc(sizeof(rec) + len);
	int rc;

	if (!b)
		return -ENOMEM;
	memcpy(b, &rec, sizeof(rec));
	memcpy(b + sizeof(rec), payload, len);
	rc = xs_journal_write_all(fd, b, sizeof(rec) + len);
	free(b);
	return rc;
}

int xs_journal_commit(struct xs_journal *j)
{
	int rc;

	if (!j->len || j->broken)
		return j->broken ? -EIO : 0;
	rc = xs_journal_write_rec(j->fd, j->buf, j->len);
	if (!rc && j->fsync) {
		rc = fdatasync(j->fd) ? -errno : 0;
		j->syncs++;
	}
	if (rc) {
		xs_log("journal: write to %s failed: %s; will rewrite it", j->path, strerror(-rc));
		j->broken = true;
		return rc;
	}
	j->size += (off_t)(sizeof(struct xs_journal_rec) + j->len);
	j->len = 0;
	j->batches++;
	return 0;
}

bool xs_journal_wants_compaction(const struct xs_journal *j)
{
	return j->broken || (j->size > XS_JOURNAL_COMPACT_MIN && j->size > 4 * j->base);
}

struct xs_journal_snap {
	struct xs_journal *j;
	int fd;
	int rc;
};

static int xs_journal_snap_flush(struct xs_journal_snap *s)
{
	if (!s->j->len)
		return 0;
	s->rc = xs_journal_write_rec(s->fd, s->j->buf, s->j->len);
	s->j->len = 0;
	return s->rc;
}

static int xs_journal_snap_node(void *ctx, const struct xs_node *n)
{
	struct xs_journal_snap *s = ctx;

	xs_journal_put(s->j, n);
	if (s->j->len >= XS_JOURNAL_CHUNK)
		return xs_journal_snap_flush(s);
	return 0;
}

static int xs_journal_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		rc = -errno;
	close(fd);
	return rc;
}

int xs_journal_compact(struct xs_journal *j, struct xs_tree *t, struct xs_domains *ds)
{
	struct xs_journal_snap s = { j, -1, 0 };
	struct stat st;
	size_t i;
	int rc;

	/* Anything pending is part of the store already; the snapshot has it. */
	j->len = 0;
	j->broken = false;
	s.fd = open(j->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (s.fd < 0) {
		rc = -errno;
		goto out;
	}
	rc = xs_journal_write_all(s.fd, XS_JOURNAL_FILE_MAGIC, 8);
	if (rc)
		goto out;
	rc = xs_tree_walk_all(t, xs_journal_snap_node, &s);
	if (rc)
		goto out;
	for (i = 0; i < ds->n; i++)
		xs_journal_domain_all(j, &ds->v[i]);
	rc = xs_journal_snap_flush(&s);
	if (rc)
		goto out;
	if (fsync(s.fd) || fstat(s.fd, &st)) {
		rc = -errno;
		goto out;
	}
	if (rename(j->tmp, j->path)) {
		rc = -errno;
		goto out;
	}
	rc = xs_journal_sync_dir(j->dir);
	if (rc)
		goto out;
	if (j->fd >= 0)
		close(j->fd);
	j->fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (j->fd < 0) {
		rc = -errno;
		goto out;
	}
	j->size = j->base = st.st_size;
	j->compactions++;
out:
	if (s.fd >= 0)
		close(s.fd);
	if (rc) {
		j->len = 0;
		j->broken = true;
		xs_log("journal: compaction of %s failed: %s", j->path, strerror(-rc));
	}
	return rc;
}

/* ---- replay ---- */

struct xs_journal_in {
	const unsigned char *p, *end;
};

static int xs_journal_take(struct xs_journal_in *in, void *out, size_t len)
{
	if ((size_t)(in->end - in->p) < len)
		return -EINVAL;
	memcpy(out, in->p, len);
	in->p += len;
	return 0;
}

static int xs_journal_take_str(struct xs_journal_in *in, char *out)
{
	uint16_t len;

	if (xs_journal_take(in, &len, sizeof(len)) || len >= XS_PATH_BUF ||
	    xs_journal_take(in, out, len))
		return -EINVAL;
	out[len] = '\0';
	return 0;
}

/* Replays a put: value and permissions replace; children are kept. */
static int xs_journal_apply_put(struct xs_tree *t, const char *path, struct xs_node *n)
{
	const struct xs_node *old = xs_tree_get(t, path);
	struct xs_node *parent;
	char pp[XS_PATH_BUF];

	if (old) {
		if (old->clen) {
			n->children = malloc(old->clen);
			if (!n->children)
				return -ENOMEM;
			memcpy(n->children, old->children, old->clen);
			n->clen = old->clen;
		}
		return xs_tree_put(t, n);
	}
	if (path[0] != '/' || !strcmp(path, "/"))
		return xs_tree_put(t, n);
	xs_path_parent(path, pp);
	if (!xs_tree_get(t, pp)) {
		xs_node_free(n);
		return -EINVAL;
	}
	parent = xs_node_dup(xs_tree_get(t, pp));
	if (!parent || xs_node_add_child(parent, xs_path_base(path))) {
		xs_node_free(parent);
		xs_node_free(n);
		return -ENOMEM;
	}
	if (xs_tree_put(t, parent)) {
		xs_node_free(n);
		return -ENOMEM;
	}
	return xs_tree_put(t, n);
}

static int xs_journal_replay_put(struct xs_journal_in *in, struct xs_tree *t)
{
	char path[XS_PATH_BUF];
	struct xs_perm perms[256];
	struct xs_node *n;
	uint16_t np, i;
	uint32_t vlen;

	/*
	 * Every stored node went through xs_path_canon: a path that fails it was
	 * never written by the daemon, and would be stored linked to nothing.
	 */
	if (xs_journal_take_str(in, path) || !xs_path_valid(path, XS_PATH_NODE) ||
	    xs_journal_take(in, &np, sizeof(np)) || !np || np > 256)
		return -EINVAL;
	for (i = 0; i < np; i++)
		if (xs_journal_take(in, &perms[i].domid, 4) ||
		    xs_journal_take(in, &perms[i].mode, 1))
			return -EINVAL;
	if (xs_journal_take(in, &vlen, sizeof(vlen)) || (size_t)(in->end - in->p) < vlen)
		return -EINVAL;
	n = xs_node_new(path, perms, np);
	if (!n || xs_node_set_value(n, in->p, vlen)) {
		xs_node_free(n);
		return -ENOMEM;
	}
	in->p += vlen;
	return xs_journal_apply_put(t, path, n);
}

static int xs_journal_replay_del(struct xs_journal_in *in, struct xs_tree *t)
{
	static const struct xs_who dom0 = { 0, XS_NO_TARGET, true };
	struct xs_changes ignored = { 0 };
	struct xs_quota unlimited;
	struct xs_store s = { &t->view, &dom0, &unlimited, &ignored };
	char path[XS_PATH_BUF];
	int rc;

	if (xs_journal_take_str(in, path) || !xs_path_valid(path, XS_PATH_PLAIN))
		return -EINVAL;
	xs_quota_init(&unlimited);
	rc = xs_store_rm(&s, path);
	xs_changes_clear(&ignored);
	xs_quota_fini(&unlimited);
	return rc == -ENOENT ? 0 : rc;
}

static int xs_journal_replay_domain(struct xs_journal_in *in, struct xs_domains *ds)
{
	uint32_t domid, port, target;
	struct xs_domain *d;
	uint64_t gfn;

	if (xs_journal_take(in, &domid, 4) || xs_journal_take(in, &gfn, 8) ||
	    xs_journal_take(in, &port, 4) || xs_journal_take(in, &target, 4))
		return -EINVAL;
	d = xs_domain_add(ds, domid, gfn, port);
	if (!d)
		return -ENOMEM;
	d->target = target;
	return 0;
}

/* Watch records for a domain no longer introduced are dropped. */
static int xs_journal_replay_watch(struct xs_journal_in *in, struct xs_domains *ds, uint8_t kind)
{
	static char path[XS_PATH_BUF], token[XENSTORE_PAYLOAD_MAX + 1];
	uint32_t domid, depth = 0, strip = 0;
	struct xs_domain *d;
	uint16_t len;

	if (xs_journal_take(in, &domid, 4))
		return -EINVAL;
	d = xs_domain_find(ds, domid);
	if (kind == XS_J_UNWATCH_ALL) {
		if (d)
			xs_watch_free_all(&d->restored);
		return 0;
	}
	if (xs_journal_take_str(in, path) || xs_journal_take(in, &len, sizeof(len)) ||
	    len > XENSTORE_PAYLOAD_MAX || xs_journal_take(in, token, len))
		return -EINVAL;
	token[len] = '\0';
	if (kind == XS_J_UNWATCH) {
		if (d)
			xs_watch_del(&d->restored, path, token);
		return 0;
	}
	if (xs_journal_take(in, &depth, 4) || xs_journal_take(in, &strip, 4) ||
	    strip >= XS_PATH_BUF)
		return -EINVAL;
	if (d && xs_watch_add(&d->restored, path, token, (int)depth, strip) == -ENOMEM)
		return -ENOMEM;
	return 0;
}

static int xs_journal_replay(const unsigned char *p, size_t len, struct xs_tree *t,
			     struct xs_domains *ds)
{
	struct xs_journal_in in = { p, p + len };
	uint32_t domid;
	uint8_t kind;
	int rc;

	while (in.p < in.end) {
		kind = *in.p++;
		switch (kind) {
		case XS_J_PUT:
			rc = xs_journal_replay_put(&in, t);
			break;
		case XS_J_DEL:
			rc = xs_journal_replay_del(&in, t);
			break;
		case XS_J_DOMAIN:
			rc = xs_journal_replay_domain(&in, ds);
			break;
		case XS_J_UNDOMAIN:
			rc = xs_journal_take(&in, &domid, 4);
			if (!rc)
				xs_domain_remove(ds, domid);
			break;
		case XS_J_WATCH:
		case XS_J_UNWATCH:
		case XS_J_UNWATCH_ALL:
			rc = xs_journal_replay_watch(&in, ds, kind);
			break;
		default:
			rc = -EINVAL;
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int xs_journal_read_file(const char *path, unsigned char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char *buf = NULL;
	struct stat st;
	size_t got = 0;
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			goto out;
		}
		got += (size_t)n;
	}
	*out = buf;
	*len = got;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

int xs_journal_load(struct xs_journal *j, struct xs_tree *t, struct xs_domains *ds,
		    size_t *dropped)
{
	unsigned char *buf = NULL;
	size_t len = 0, off = 8;
	int rc;

	*dropped = 0;
	rc = xs_journal_read_file(j->path, &buf, &len);
	if (rc)
		return rc;
	if (len < 8 || memcmp(buf, XS_JOURNAL_FILE_MAGIC, 8)) {
		xs_log("journal: %s is not a tern xenstored journal", j->path);
		rc = -EINVAL;
		goto out;
	}
	while (off < len) {
		struct xs_journal_rec rec;

		if (len - off < sizeof(rec))
			break;
		memcpy(&rec, buf + off, sizeof(rec));
		if (rec.magic != XS_JOURNAL_REC_MAGIC || rec.len > XS_JOURNAL_REC_MAX ||
		    len - off - sizeof(rec) < rec.len ||
		    xs_crc32(buf + off + sizeof(rec), rec.len) != rec.crc)
			break;
		rc = xs_journal_replay(buf + off + sizeof(rec), rec.len, t, ds);
		if (rc) {
			xs_log("journal: bad entry at offset %zu of %s", off, j->path);
			goto out;
		}
		off += sizeof(rec) + rec.len;
	}
	*dropped = len - off;
	if (*dropped)
		xs_log("journal: ignored %zu bytes of torn or corrupt tail at offset %zu of %s",
		       *dropped, off, j->path);
	if (!xs_tree_get(t, "/")) {
		xs_log("journal: %s holds no root node", j->path);
		rc = -EINVAL;
	}
out:
	free(buf);
	return rc;
}
