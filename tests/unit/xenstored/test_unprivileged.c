/*
 * An unprivileged domain, over its own ring, tries everything outside its
 * subtree: writes, creations, removals, directory listings, reads and
 * permission changes on dom0's nodes, the root, another domain's home and a
 * node that domain lets it read; the same again inside a transaction; and
 * the privileged requests. Each gets the error Xen's xenstored gives (a node
 * the domain may not see is EACCES whether or not it exists, so nothing leaks
 * about what is there), and nothing in the tree changes.
 */
#include "ring_guest.h"

/* Domain 3 is the caller; domain 4 and dom0 own what it must not touch. */
static int setup(void **state)
{
	struct xs_world *w;
	char out[8192];

	xs_world_setup(state);
	w = *state;
	xs_test_write_str(w->d, w->c0, 0, "/local/domain/0/secret", "s");
	xs_test_write_str(w->d, w->c0, 0, "/tool/x", "t");
	assert_int_equal(xs_guest_call(w->d, w->g[1], XS_WRITE, 0, XS_TEST_ARGS("data\0" "4"), out,
				       NULL),
			 XS_WRITE);
	/* A node of domain 4's that domain 3 may read, and only read. */
	assert_int_equal(xs_guest_call(w->d, w->g[1], XS_WRITE, 0, XS_TEST_ARGS("shared\0" "r"),
				       out, NULL),
			 XS_WRITE);
	assert_int_equal(xs_guest_call(w->d, w->g[1], XS_SET_PERMS, 0,
				       XS_TEST_ARGS("shared\0n4\0r3"), out, NULL),
			 XS_SET_PERMS);
	return 0;
}

/* Domain 3's request, in transaction tx, gets the error err. */
static void refused(struct xs_world *w, uint32_t tx, uint32_t type, const void *args, size_t len,
		    const char *err)
{
	char out[8192];

	assert_int_equal(xs_guest_call(w->d, w->g[0], type, tx, args, len, out, NULL), XS_ERROR);
	if (strcmp(out, err) != 0)
		fail_msg("request %u '%s' (tx %u): %s, expected %s", type, (const char *)args, tx, out,
			 err);
}

#define REFUSED(w, tx, type, s, err) refused((w), (tx), (type), XS_TEST_ARGS(s), (err))

/* dom0 sees the tree as setup() left it. */
static void unchanged(struct xs_world *w)
{
	static const struct {
		const char *path, *value, *perms;
		size_t perms_len;
	} nodes[] = {
		{ "/local/domain/0/secret", "s", "n0\0", 3 },
		{ "/tool/x", "t", "n0\0", 3 },
		{ "/local/domain/4/data", "4", "n4\0", 3 },
		{ "/local/domain/4/shared", "r", "n4\0r3\0", 6 },
	};
	static const struct {
		const char *path, *children;
		size_t len;
	} dirs[] = {
		{ "/", "tool\0local\0", 11 },
		{ "/local/domain", "3\0" "4\0" "0\0", 6 },
		{ "/local/domain/4", "data\0shared\0", 12 },
		{ "/local/domain/3", "", 0 },
	};
	char out[8192];

	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		assert_int_equal(xs_test_read_str(w->d, w->c0, 0, nodes[i].path, out), XS_READ);
		assert_string_equal(out, nodes[i].value);
		assert_int_equal(xs_test_req(w->d, w->c0, XS_GET_PERMS, 0, nodes[i].path,
					     strlen(nodes[i].path) + 1, out),
				 XS_GET_PERMS);
		assert_memory_equal(out, nodes[i].perms, nodes[i].perms_len);
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		assert_int_equal(xs_test_req(w->d, w->c0, XS_DIRECTORY, 0, dirs[i].path,
					     strlen(dirs[i].path) + 1, out),
				 XS_DIRECTORY);
		assert_memory_equal(out, dirs[i].children, dirs[i].len);
	}
}

/* Everything outside its home, in transaction tx (0: none). */
static void try_everything(struct xs_world *w, uint32_t tx)
{
	char out[8192];

	/* Writes and creations: EACCES for a node it may not write, existing or
	 * not, at any depth, and for MKDIR alike. */
	REFUSED(w, tx, XS_WRITE, "/local/domain/0/secret\0x", "EACCES");
	REFUSED(w, tx, XS_WRITE, "/local/domain/0/new\0x", "EACCES");
	REFUSED(w, tx, XS_WRITE, "/tool/x\0x", "EACCES");
	REFUSED(w, tx, XS_WRITE, "/newtop\0x", "EACCES");
	REFUSED(w, tx, XS_WRITE, "/local/domain/4/data\0x", "EACCES");
	REFUSED(w, tx, XS_WRITE, "/local/domain/4/new/deeper\0x", "EACCES");
	REFUSED(w, tx, XS_WRITE, "/local/domain/4/shared\0x", "EACCES");
	REFUSED(w, tx, XS_WRITE, "/local/domain/4/shared/child\0x", "EACCES");
	REFUSED(w, tx, XS_MKDIR, "/local/domain/4/dir", "EACCES");
	REFUSED(w, tx, XS_MKDIR, "/local/domain/5", "EACCES");
	/* Removals: the same, and a missing node below a hidden parent is
	 * EACCES too, not the "already gone" success. */
	REFUSED(w, tx, XS_RM, "/local/domain/4/data", "EACCES");
	REFUSED(w, tx, XS_RM, "/local/domain/4/shared", "EACCES");
	REFUSED(w, tx, XS_RM, "/local/domain/4", "EACCES");
	REFUSED(w, tx, XS_RM, "/local/domain/4/nothing", "EACCES");
	REFUSED(w, tx, XS_RM, "/local/domain/0/secret", "EACCES");
	REFUSED(w, tx, XS_RM, "/tool", "EACCES");
	REFUSED(w, tx, XS_RM, "/local", "EACCES");
	/* Listings and reads. */
	REFUSED(w, tx, XS_DIRECTORY, "/", "EACCES");
	REFUSED(w, tx, XS_DIRECTORY, "/local/domain", "EACCES");
	REFUSED(w, tx, XS_DIRECTORY, "/local/domain/0", "EACCES");
	REFUSED(w, tx, XS_DIRECTORY, "/local/domain/4", "EACCES");
	REFUSED(w, tx, XS_DIRECTORY, "/local/domain/4/nothing", "EACCES");
	REFUSED(w, tx, XS_DIRECTORY_PART, "/local/domain/4\0" "0", "EACCES");
	REFUSED(w, tx, XS_READ, "/local/domain/4/data", "EACCES");
	REFUSED(w, tx, XS_READ, "/local/domain/0/secret", "EACCES");
	REFUSED(w, tx, XS_GET_PERMS, "/local/domain/4/data", "EACCES");
	/* What it was given to read, it can read and list. */
	assert_int_equal(xs_guest_call(w->d, w->g[0], XS_READ, tx,
				       XS_TEST_ARGS("/local/domain/4/shared"), out, NULL),
			 XS_READ);
	assert_string_equal(out, "r");
	assert_int_equal(xs_guest_call(w->d, w->g[0], XS_DIRECTORY, tx,
				       XS_TEST_ARGS("/local/domain/4/shared"), out, NULL),
			 XS_DIRECTORY);
	/* Permission changes: only the owner may, and it may not give a node away. */
	REFUSED(w, tx, XS_SET_PERMS, "/local/domain/4/data\0n3", "EACCES");
	REFUSED(w, tx, XS_SET_PERMS, "/local/domain/4/shared\0n4\0b3", "EACCES");
	REFUSED(w, tx, XS_SET_PERMS, "/local/domain/4/nothing\0n3", "EACCES");
	REFUSED(w, tx, XS_SET_PERMS, "/local/domain/0/secret\0n3", "EACCES");
	REFUSED(w, tx, XS_SET_PERMS, "/\0b3", "EACCES");
	REFUSED(w, tx, XS_SET_PERMS, "/local/domain/3\0n4", "EPERM");
	REFUSED(w, tx, XS_SET_PERMS, "@releaseDomain\0n3", "EACCES");
	REFUSED(w, tx, XS_SET_PERMS, "@introduceDomain\0n0\0r3", "EACCES");
}

static void test_outside_its_subtree(void **state)
{
	struct xs_world *w = *state;

	try_everything(w, 0);
	unchanged(w);
}

static void test_inside_a_transaction(void **state)
{
	struct xs_world *w = *state;
	char out[64];
	uint32_t tx;

	assert_int_equal(xs_guest_call(w->d, w->g[0], XS_TRANSACTION_START, 0, "", 1, out, NULL),
			 XS_TRANSACTION_START);
	tx = (uint32_t)strtoul(out, NULL, 10);
	assert_true(tx != 0);
	try_everything(w, tx);
	/* Refused requests do not fail the transaction; it commits nothing. */
	assert_int_equal(xs_guest_call(w->d, w->g[0], XS_TRANSACTION_END, tx, XS_TEST_ARGS("T"),
				       out, NULL),
			 XS_TRANSACTION_END);
	unchanged(w);
}

/* The requests only dom0 may make: EACCES whatever the arguments. */
static void test_privileged_requests(void **state)
{
	struct xs_world *w = *state;

	REFUSED(w, 0, XS_INTRODUCE, "9\0" "1\0" "2", "EACCES");
	REFUSED(w, 0, XS_RELEASE, "4", "EACCES");
	REFUSED(w, 0, XS_IS_DOMAIN_INTRODUCED, "4", "EACCES");
	REFUSED(w, 0, XS_RESUME, "4", "EACCES");
	REFUSED(w, 0, XS_SET_TARGET, "3\0" "4", "EACCES");
	REFUSED(w, 0, XS_CONTROL, "check", "EACCES");
	/* Domain 4 is still introduced and its ring still answers. */
	assert_non_null(xs_guest_conn(w->d, w->g[1]));
	unchanged(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outside_its_subtree, setup, xs_world_teardown),
		cmocka_unit_test_setup_teardown(test_inside_a_transaction, setup, xs_world_teardown),
		cmocka_unit_test_setup_teardown(test_privileged_requests, setup, xs_world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
