/* Store semantics: implicit parents, values, removal, permissions. */
#include "xs_test.h"

#include "store.h"

static void test_write_creates_parents(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	char out[8192];

	(void)state;
	xs_test_write_str(d, c, 0, "/a/b/c", "hello");
	assert_int_equal(xs_test_read_str(d, c, 0, "/a/b/c", out), XS_READ);
	assert_string_equal(out, "hello");
	assert_int_equal(xs_test_read_str(d, c, 0, "/a/b", out), XS_READ);
	assert_string_equal(out, "");
	assert_int_equal(xs_test_req(d, c, XS_DIRECTORY, 0, XS_TEST_ARGS("/a"), out),
			 XS_DIRECTORY);
	assert_string_equal(out, "b");
	xs_test_expect_err(d, c, XS_READ, 0, XS_TEST_ARGS("/a/x"), "ENOENT");
	xs_test_daemon_free(d);
}

static void test_binary_value(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	static const char msg[] = "/v\0a\0b";
	struct xsd_sockmsg h;
	char out[64];

	(void)state;
	xs_test_expect_ok(d, c, XS_WRITE, 0, msg, sizeof(msg) - 1);
	xs_test_send(d, c, XS_READ, 0, XS_TEST_ARGS("/v"));
	assert_int_equal(xs_test_recv(c, &h, out, sizeof(out)), 1);
	assert_int_equal(h.len, 3);
	assert_memory_equal(out, "a\0b", 3);
	xs_test_daemon_free(d);
}

static void test_mkdir_rm(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	char out[8192];

	(void)state;
	xs_test_write_str(d, c, 0, "/m/k", "v");
	/* mkdir of an existing node keeps its value */
	xs_test_expect_ok(d, c, XS_MKDIR, 0, XS_TEST_ARGS("/m/k"));
	assert_int_equal(xs_test_read_str(d, c, 0, "/m/k", out), XS_READ);
	assert_string_equal(out, "v");
	xs_test_expect_ok(d, c, XS_MKDIR, 0, XS_TEST_ARGS("/m/n/o"));
	xs_test_expect_ok(d, c, XS_RM, 0, XS_TEST_ARGS("/m"));
	xs_test_expect_err(d, c, XS_READ, 0, XS_TEST_ARGS("/m/n/o"), "ENOENT");
	xs_test_expect_err(d, c, XS_READ, 0, XS_TEST_ARGS("/m"), "ENOENT");
	/* absent node, parent present: fine; parent absent: ENOENT */
	xs_test_expect_ok(d, c, XS_RM, 0, XS_TEST_ARGS("/m"));
	xs_test_expect_err(d, c, XS_RM, 0, XS_TEST_ARGS("/m/n"), "ENOENT");
	xs_test_expect_err(d, c, XS_RM, 0, XS_TEST_ARGS("/"), "EINVAL");
	assert_int_equal(xs_test_req(d, c, XS_DIRECTORY, 0, XS_TEST_ARGS("/"), out),
			 XS_DIRECTORY);
	assert_string_equal(out, "tool");
	xs_test_daemon_free(d);
}

static void test_perms_inherit_and_check(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c0 = xs_test_conn(d, 0);
	struct xs_conn *c5 = xs_test_conn(d, 5);
	struct xs_conn *c6 = xs_test_conn(d, 6);
	char out[8192];

	(void)state;
	xs_test_expect_ok(d, c0, XS_MKDIR, 0, XS_TEST_ARGS("/local/domain/5"));
	xs_test_expect_ok(d, c0, XS_SET_PERMS, 0, XS_TEST_ARGS("/local/domain/5\0n5\0r6"));
	/* dom5 owns its home, creates below it: it owns what it creates */
	xs_test_write_str(d, c5, 0, "/local/domain/5/data/x", "1");
	assert_int_equal(xs_test_req(d, c0, XS_GET_PERMS, 0,
				     XS_TEST_ARGS("/local/domain/5/data/x"), out),
			 XS_GET_PERMS);
	assert_memory_equal(out, "n5\0r6\0", 6);
	/* relative paths resolve under the caller's home */
	assert_int_equal(xs_test_read_str(d, c5, 0, "data/x", out), XS_READ);
	assert_string_equal(out, "1");
	/* dom6 may read, not write; dom7-like others see nothing */
	assert_int_equal(xs_test_read_str(d, c6, 0, "/local/domain/5/data/x", out), XS_READ);
	xs_test_expect_err(d, c6, XS_WRITE, 0, XS_TEST_ARGS("/local/domain/5/data/x\0v"),
			   "EACCES");
	xs_test_expect_err(d, c6, XS_WRITE, 0, XS_TEST_ARGS("/local/domain/5/new\0v"),
			   "EACCES");
	/* root is n0: a domain cannot read it, nor learn what is missing below */
	xs_test_expect_err(d, c5, XS_READ, 0, XS_TEST_ARGS("/tool"), "EACCES");
	xs_test_expect_err(d, c5, XS_READ, 0, XS_TEST_ARGS("/nothing/here"), "EACCES");
	xs_test_expect_err(d, c5, XS_READ, 0, XS_TEST_ARGS("/local/domain/5/none"), "ENOENT");
	/* an unprivileged owner may change grants, not the owner */
	xs_test_expect_ok(d, c5, XS_SET_PERMS, 0, XS_TEST_ARGS("/local/domain/5/data\0n5"));
	xs_test_expect_err(d, c5, XS_SET_PERMS, 0, XS_TEST_ARGS("/local/domain/5/data\0n6"),
			   "EPERM");
	xs_test_expect_err(d, c6, XS_SET_PERMS, 0, XS_TEST_ARGS("/local/domain/5\0n6"),
			   "EACCES");
	xs_test_expect_err(d, c0, XS_SET_PERMS, 0, XS_TEST_ARGS("/local/domain/5\0x5"),
			   "EINVAL");
	xs_test_expect_err(d, c0, XS_SET_PERMS, 0, XS_TEST_ARGS("/local/domain/5"), "EINVAL");
	/* the special nodes carry permissions too */
	xs_test_expect_ok(d, c0, XS_SET_PERMS, 0, XS_TEST_ARGS("@releaseDomain\0n0\0r5"));
	assert_int_equal(xs_test_req(d, c0, XS_GET_PERMS, 0, XS_TEST_ARGS("@releaseDomain"),
				     out),
			 XS_GET_PERMS);
	assert_memory_equal(out, "n0\0r5\0", 6);
	xs_test_daemon_free(d);
}

static void test_tree_hooks_count_owners(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c0 = xs_test_conn(d, 0);

	(void)state;
	assert_int_equal(xs_quota_used(&d->quota, 0, XS_Q_NODES), 5);
	xs_test_expect_ok(d, c0, XS_MKDIR, 0, XS_TEST_ARGS("/o/p"));
	xs_test_expect_ok(d, c0, XS_SET_PERMS, 0, XS_TEST_ARGS("/o/p\0n9"));
	assert_int_equal(xs_quota_used(&d->quota, 9, XS_Q_NODES), 1);
	assert_int_equal(xs_quota_used(&d->quota, 0, XS_Q_NODES), 6);
	xs_test_expect_ok(d, c0, XS_RM, 0, XS_TEST_ARGS("/o"));
	assert_int_equal(xs_quota_used(&d->quota, 9, XS_Q_NODES), 0);
	assert_int_equal(xs_quota_used(&d->quota, 0, XS_Q_NODES), 5);
	xs_test_daemon_free(d);
}

static void test_directory_part(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	char path[64], out[8192], all[16384];
	size_t got = 0, off = 0;
	int i;

	(void)state;
	/* 300 children of 20 bytes: too many for one DIRECTORY reply */
	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "/big/child-%013d", i);
		xs_test_expect_ok(d, c, XS_MKDIR, 0, path, strlen(path) + 1);
	}
	xs_test_expect_err(d, c, XS_DIRECTORY, 0, XS_TEST_ARGS("/big"), "E2BIG");
	for (;;) {
		char req[64];
		struct xsd_sockmsg h;
		size_t glen;
		int n = snprintf(req, sizeof(req), "/big%c%zu", 0, off);

		xs_test_send(d, c, XS_DIRECTORY_PART, 0, req, (size_t)n + 1);
		assert_int_equal(xs_test_recv(c, &h, out, sizeof(out)), 1);
		assert_int_equal(h.type, XS_DIRECTORY_PART);
		glen = strlen(out) + 1;
		memcpy(all + got, out + glen, h.len - glen);
		got += h.len - glen;
		off += h.len - glen;
		if (h.len >= glen + 1 && out[h.len - 1] == '\0' && out[h.len - 2] == '\0')
			break;
	}
	/* 300 names of 19 chars + NUL, plus the final empty string */
	assert_int_equal(got, 300 * 20 + 1);
	xs_test_daemon_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_creates_parents),
		cmocka_unit_test(test_binary_value),
		cmocka_unit_test(test_mkdir_rm),
		cmocka_unit_test(test_perms_inherit_and_check),
		cmocka_unit_test(test_tree_hooks_count_owners),
		cmocka_unit_test(test_directory_part),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
