/* The journal: restart gives back the same store; torn tails are dropped. */
#include "xs_test.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"

struct xs_jt {
	char dir[64];
	char path[128];		/* the journal file, valid after stop too */
	struct xs_daemon *d;
	struct xs_journal j;
};

static void xs_jt_start(struct xs_jt *t, bool fresh)
{
	size_t dropped;
	int rc;

	if (fresh) {
		strcpy(t->dir, "/tmp/xs-journal-XXXXXX");
		assert_non_null(mkdtemp(t->dir));
	}
	t->d = calloc(1, sizeof(*t->d));
	assert_int_equal(xs_daemon_init(t->d), 0);
	assert_int_equal(xs_journal_open(&t->j, t->dir, false), 0);
	rc = xs_journal_load(&t->j, &t->d->tree, &t->d->domains, &dropped);
	if (rc == -ENOENT)
		assert_int_equal(xs_tree_setup(&t->d->tree), 0);
	else
		assert_int_equal(rc, 0);
	assert_int_equal(xs_journal_compact(&t->j, &t->d->tree, &t->d->domains), 0);
	xs_daemon_set_journal(t->d, &t->j);
	snprintf(t->path, sizeof(t->path), "%s", t->j.path);
}

static void xs_jt_stop(struct xs_jt *t)
{
	xs_test_daemon_free(t->d);
	xs_journal_close(&t->j);
}

static void xs_jt_cleanup(struct xs_jt *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
	assert_int_equal(system(cmd), 0);
}

static void xs_jt_sync(struct xs_jt *t)
{
	assert_int_equal(xs_journal_commit(&t->j), 0);
}

static void test_restart_same_store(void **state)
{
	struct xs_jt t;
	struct xs_conn *c;
	char out[8192];

	(void)state;
	xs_jt_start(&t, true);
	c = xs_test_conn(t.d, 0);
	xs_test_write_str(t.d, c, 0, "/a/b", "one");
	xs_test_write_str(t.d, c, 0, "/a/c", "two");
	xs_test_expect_ok(t.d, c, XS_SET_PERMS, 0, XS_TEST_ARGS("/a/c\0n3\0r4"));
	xs_test_expect_ok(t.d, c, XS_RM, 0, XS_TEST_ARGS("/a/b"));
	xs_test_expect_ok(t.d, c, XS_INTRODUCE, 0, XS_TEST_ARGS("3\0" "100\0" "5"));
	xs_jt_sync(&t);
	xs_jt_stop(&t);

	xs_jt_start(&t, false);
	c = xs_test_conn(t.d, 0);
	xs_test_expect_err(t.d, c, XS_READ, 0, XS_TEST_ARGS("/a/b"), "ENOENT");
	assert_int_equal(xs_test_read_str(t.d, c, 0, "/a/c", out), XS_READ);
	assert_string_equal(out, "two");
	assert_int_equal(xs_test_req(t.d, c, XS_GET_PERMS, 0, XS_TEST_ARGS("/a/c"), out),
			 XS_GET_PERMS);
	assert_memory_equal(out, "n3\0r4\0", 6);
	assert_int_equal(xs_test_req(t.d, c, XS_IS_DOMAIN_INTRODUCED, 0, XS_TEST_ARGS("3"), out),
			 XS_IS_DOMAIN_INTRODUCED);
	assert_string_equal(out, "T");
	assert_int_equal(xs_quota_used(&t.d->quota, 3, XS_Q_NODES), 1);
	xs_jt_stop(&t);
	xs_jt_cleanup(&t);
}

static off_t xs_jt_size(struct xs_jt *t)
{
	struct stat st;

	assert_int_equal(stat(t->path, &st), 0);
	return st.st_size;
}

static void test_torn_last_record(void **state)
{
	struct xs_jt t;
	struct xs_conn *c;
	char out[8192];
	off_t before, after;

	(void)state;
	xs_jt_start(&t, true);
	c = xs_test_conn(t.d, 0);
	xs_test_write_str(t.d, c, 0, "/kept", "1");
	xs_jt_sync(&t);
	before = xs_jt_size(&t);
	xs_test_write_str(t.d, c, 0, "/torn", "2");
	xs_jt_sync(&t);
	after = xs_jt_size(&t);
	xs_jt_stop(&t);
	/* a crash in the middle of the last write */
	assert_int_equal(truncate(t.path, before + (after - before) / 2), 0);

	xs_jt_start(&t, false);
	c = xs_test_conn(t.d, 0);
	assert_int_equal(xs_test_read_str(t.d, c, 0, "/kept", out), XS_READ);
	xs_test_expect_err(t.d, c, XS_READ, 0, XS_TEST_ARGS("/torn"), "ENOENT");
	/* the tail is gone from the file: appending works again */
	xs_test_write_str(t.d, c, 0, "/after", "3");
	xs_jt_sync(&t);
	xs_jt_stop(&t);
	xs_jt_start(&t, false);
	c = xs_test_conn(t.d, 0);
	assert_int_equal(xs_test_read_str(t.d, c, 0, "/after", out), XS_READ);
	xs_jt_stop(&t);
	xs_jt_cleanup(&t);
}

static void test_corrupt_record_ends_log(void **state)
{
	struct xs_jt t;
	struct xs_conn *c;
	char out[8192];
	off_t before;
	int fd;

	(void)state;
	xs_jt_start(&t, true);
	c = xs_test_conn(t.d, 0);
	xs_test_write_str(t.d, c, 0, "/good", "1");
	xs_jt_sync(&t);
	before = xs_jt_size(&t);
	xs_test_write_str(t.d, c, 0, "/bad", "2");
	xs_jt_sync(&t);
	xs_jt_stop(&t);
	/* flip a payload byte of the last record: its CRC no longer matches */
	fd = open(t.path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "Z", 1, before + 14), 1);
	close(fd);
	xs_jt_start(&t, false);
	c = xs_test_conn(t.d, 0);
	assert_int_equal(xs_test_read_str(t.d, c, 0, "/good", out), XS_READ);
	xs_test_expect_err(t.d, c, XS_READ, 0, XS_TEST_ARGS("/bad"), "ENOENT");
	xs_jt_stop(&t);
	xs_jt_cleanup(&t);
}

static void test_transaction_is_one_record(void **state)
{
	struct xs_jt t;
	struct xs_conn *c;
	off_t before, after;
	char out[8192];
	uint32_t id;
	int i;

	(void)state;
	xs_jt_start(&t, true);
	c = xs_test_conn(t.d, 0);
	id = xs_test_txn(t.d, c);
	for (i = 0; i < 10; i++) {
		char p[32];

		snprintf(p, sizeof(p), "/tx/k%d", i);
		xs_test_write_str(t.d, c, id, p, "v");
	}
	before = xs_jt_size(&t);
	xs_test_expect_ok(t.d, c, XS_TRANSACTION_END, id, XS_TEST_ARGS("T"));
	xs_jt_sync(&t);
	after = xs_jt_size(&t);
	xs_jt_stop(&t);
	/* losing any part of the commit record loses the whole transaction */
	assert_int_equal(truncate(t.path, after - 1), 0);
	xs_jt_start(&t, false);
	c = xs_test_conn(t.d, 0);
	xs_test_expect_err(t.d, c, XS_READ, 0, XS_TEST_ARGS("/tx"), "ENOENT");
	assert_true(after > before);
	xs_test_expect_err(t.d, c, XS_READ, 0, XS_TEST_ARGS("/tx/k0"), "ENOENT");
	(void)out;
	xs_jt_stop(&t);
	xs_jt_cleanup(&t);
}

static void test_compaction_keeps_store(void **state)
{
	struct xs_jt t;
	struct xs_conn *c;
	char out[8192], val[1024];
	int i;

	(void)state;
	xs_jt_start(&t, true);
	c = xs_test_conn(t.d, 0);
	memset(val, 'v', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	/* rewrite one node until the log is several times its compacted size */
	for (i = 0; i < 3000; i++) {
		/* a new value each time: unchanged nodes are not journaled */
		val[0] = (char)('a' + i % 26);
		xs_test_write_str(t.d, c, 0, "/hot", val);
		xs_jt_sync(&t);
		if (xs_journal_wants_compaction(&t.j))
			assert_int_equal(xs_journal_compact(&t.j, &t.d->tree, &t.d->domains), 0);
	}
	assert_true(t.j.compactions >= 2);
	assert_true(xs_jt_size(&t) < 8 << 20);
	xs_test_write_str(t.d, c, 0, "/last", "x");
	xs_jt_sync(&t);
	xs_jt_stop(&t);
	xs_jt_start(&t, false);
	c = xs_test_conn(t.d, 0);
	assert_int_equal(xs_test_read_str(t.d, c, 0, "/hot", out), XS_READ);
	assert_int_equal(strlen(out), sizeof(val) - 1);
	assert_int_equal(xs_test_read_str(t.d, c, 0, "/last", out), XS_READ);
	assert_int_equal(xs_tree_count(&t.d->tree), 7);
	xs_jt_stop(&t);
	xs_jt_cleanup(&t);
}

/* The watches a domain holds when the daemon stops. */
static void xs_jt_expect_restored(struct xs_jt *t, uint32_t domid, const char *path,
				  const char *token)
{
	struct xs_domain *dom = xs_domain_find(&t->d->domains, domid);

	assert_non_null(dom);
	if (!path) {
		assert_null(dom->restored);
		return;
	}
	assert_non_null(dom->restored);
	assert_string_equal(dom->restored->path, path);
	assert_string_equal(dom->restored->token, token);
	assert_null(dom->restored->next);
}

/*
 * A guest registers its watches once; after a restart its ring is attached
 * again, so they must come back with it: added, removed, reset, compacted.
 */
static void test_domain_watches_survive_restart(void **state)
{
	struct xs_jt t;
	struct xs_conn *c0, *c3;

	(void)state;
	xs_jt_start(&t, true);
	c0 = xs_test_conn(t.d, 0);
	xs_test_expect_ok(t.d, c0, XS_INTRODUCE, 0, XS_TEST_ARGS("3\0" "100\0" "5"));
	c3 = xs_test_conn(t.d, 3);
	xs_test_expect_ok(t.d, c3, XS_WATCH, 0, XS_TEST_ARGS("control/shutdown\0tok1"));
	xs_test_expect_ok(t.d, c3, XS_WATCH, 0, XS_TEST_ARGS("@releaseDomain\0tok2"));
	xs_test_expect_ok(t.d, c3, XS_UNWATCH, 0, XS_TEST_ARGS("@releaseDomain\0tok2"));
	/* dom0's own (socket) watches are its clients' business: not kept. */
	xs_test_expect_ok(t.d, c0, XS_WATCH, 0, XS_TEST_ARGS("/local\0mine"));
	xs_jt_sync(&t);
	xs_jt_stop(&t);

	xs_jt_start(&t, false); /* loads, then compacts */
	xs_jt_expect_restored(&t, 3, "/local/domain/3/control/shutdown", "tok1");
	assert_int_equal(t.d->domains.v[0].restored->strip, strlen("/local/domain/3") + 1);
	xs_jt_stop(&t);
	xs_jt_start(&t, false); /* the compacted log holds them too */
	xs_jt_expect_restored(&t, 3, "/local/domain/3/control/shutdown", "tok1");
	/* RESET_WATCHES drops them for good. */
	c3 = xs_test_conn(t.d, 3);
	xs_test_expect_ok(t.d, c3, XS_RESET_WATCHES, 0, XS_TEST_ARGS(""));
	xs_jt_sync(&t);
	xs_jt_stop(&t);
	xs_jt_start(&t, false);
	xs_jt_expect_restored(&t, 3, NULL, NULL);
	xs_jt_stop(&t);
	xs_jt_cleanup(&t);
}

static int xs_jt_count(void *ctx, const struct xs_node *n)
{
	(void)n;
	(*(size_t *)ctx)++;
	return 0;
}

/*
 * Writes a journal of one record with an entry per path, in order: a put of
 * an empty dom0-only node, or a removal for a path starting with "rm ". Loads
 * it into a fresh daemon and returns what the load said. A store the load
 * accepts must have every node reachable from / or a special node.
 */
static int xs_jt_load_entries(const char *const *paths, size_t n)
{
	static const struct xs_perm dom0_only = { 0, XS_PERM_NONE };
	char dir[] = "/tmp/xs-journal-XXXXXX", cmd[64];
	struct xs_daemon *d;
	struct xs_journal j;
	size_t i, dropped, reachable = 0;
	int rc;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(xs_journal_open(&j, dir, false), 0);
	j.fd = open(j.path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(j.fd >= 0);
	assert_int_equal(write(j.fd, "TERNXSJ1", 8), 8);
	for (i = 0; i < n; i++) {
		struct xs_node *node;

		if (!strncmp(paths[i], "rm ", 3)) {
			xs_journal_del(&j, paths[i] + 3);
			continue;
		}
		node = xs_node_new(paths[i], &dom0_only, 1);
		assert_non_null(node);
		xs_journal_put(&j, node);
		xs_node_free(node);
	}
	assert_int_equal(xs_journal_commit(&j), 0);
	xs_journal_close(&j);

	d = calloc(1, sizeof(*d));
	assert_non_null(d);
	assert_int_equal(xs_daemon_init(d), 0);
	assert_int_equal(xs_journal_open(&j, dir, false), 0);
	rc = xs_journal_load(&j, &d->tree, &d->domains, &dropped);
	if (!rc) {
		assert_int_equal(dropped, 0);
		assert_int_equal(xs_tree_walk_all(&d->tree, xs_jt_count, &reachable), 0);
		assert_int_equal(reachable, xs_tree_count(&d->tree));
	}
	xs_journal_close(&j);
	xs_test_daemon_free(d);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return rc;
}

/*
 * A record whose CRC matches but which names a path the daemon could never
 * have stored (found by fuzz_journal: "@releaseDomai:" went in unlinked from
 * anything) is corruption: the load refuses it, as it refuses a node without
 * its parent, instead of holding nodes no walk reaches.
 */
static void test_impossible_path_refused(void **state)
{
	static const char *const good[] = { "/", "/a", "/a/b", XS_SPECIAL_INTRODUCE,
					    XS_SPECIAL_RELEASE };
	static const char *const bad_special[] = { "/", XS_SPECIAL_INTRODUCE, XS_SPECIAL_RELEASE,
						   "@releaseDomai:" };
	static const char *const unknown_special[] = { "/", "@foo" };
	static const char *const relative[] = { "/", "local" };
	static const char *const empty[] = { "/", "" };
	static const char *const bad_char[] = { "/", "/a", "/a/b:c" };
	static const char *const trailing_slash[] = { "/", "/a", "/a/" };
	static const char *const no_parent[] = { "/", "/x/y" };
	static const char *const rm_gone[] = { "/", "/a", "rm /a/b", "rm /a" };
	static const char *const rm_bad[] = { "/", "rm @foo" };

	(void)state;
	assert_int_equal(xs_jt_load_entries(good, 5), 0);
	assert_int_equal(xs_jt_load_entries(bad_special, 4), -EINVAL);
	assert_int_equal(xs_jt_load_entries(unknown_special, 2), -EINVAL);
	assert_int_equal(xs_jt_load_entries(relative, 2), -EINVAL);
	assert_int_equal(xs_jt_load_entries(empty, 2), -EINVAL);
	assert_int_equal(xs_jt_load_entries(bad_char, 3), -EINVAL);
	assert_int_equal(xs_jt_load_entries(trailing_slash, 3), -EINVAL);
	assert_int_equal(xs_jt_load_entries(no_parent, 2), -EINVAL);
	assert_int_equal(xs_jt_load_entries(rm_gone, 4), 0);
	assert_int_equal(xs_jt_load_entries(rm_bad, 2), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restart_same_store),
		cmocka_unit_test(test_torn_last_record),
		cmocka_unit_test(test_corrupt_record_ends_log),
		cmocka_unit_test(test_transaction_is_one_record),
		cmocka_unit_test(test_compaction_keeps_store),
		cmocka_unit_test(test_domain_watches_survive_restart),
		cmocka_unit_test(test_impossible_path_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
