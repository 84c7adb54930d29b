/* Path syntax: what clients may send, how relative paths resolve, matching. */
#include "xs_test.h"

#include "path.h"

static void test_valid(void **state)
{
	(void)state;
	assert_true(xs_path_valid("/", XS_PATH_PLAIN));
	assert_true(xs_path_valid("/local/domain/0", XS_PATH_PLAIN));
	assert_true(xs_path_valid("/a-b_c@d", XS_PATH_PLAIN));
	assert_false(xs_path_valid("", XS_PATH_PLAIN));
	assert_false(xs_path_valid("//", XS_PATH_PLAIN));
	assert_false(xs_path_valid("/a//b", XS_PATH_PLAIN));
	assert_false(xs_path_valid("/a/", XS_PATH_PLAIN));
	assert_false(xs_path_valid("/a b", XS_PATH_PLAIN));
	assert_false(xs_path_valid("/a\x01", XS_PATH_PLAIN));
	assert_false(xs_path_valid("/a.b", XS_PATH_PLAIN));
	assert_false(xs_path_valid("@releaseDomain", XS_PATH_PLAIN));
	assert_true(xs_path_valid("@releaseDomain", XS_PATH_NODE));
	assert_false(xs_path_valid("@other", XS_PATH_NODE));
	assert_true(xs_path_valid("@other", XS_PATH_WATCH));
}

static void test_canon(void **state)
{
	char out[XS_PATH_BUF], longp[XS_PATH_BUF + 8];
	bool rel;

	(void)state;
	assert_int_equal(xs_path_canon("device/vbd", 7, XS_PATH_PLAIN, out, &rel), 0);
	assert_string_equal(out, "/local/domain/7/device/vbd");
	assert_true(rel);
	assert_int_equal(xs_path_canon("/x", 7, XS_PATH_PLAIN, out, &rel), 0);
	assert_false(rel);
	assert_int_equal(xs_path_canon("", 7, XS_PATH_PLAIN, out, &rel), -EINVAL);
	assert_int_equal(xs_path_canon("a/", 7, XS_PATH_PLAIN, out, &rel), -EINVAL);
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	longp[XENSTORE_ABS_PATH_MAX] = '\0';
	assert_int_equal(xs_path_canon(longp, 0, XS_PATH_PLAIN, out, &rel), 0);
	longp[XENSTORE_ABS_PATH_MAX] = 'a';
	longp[XENSTORE_ABS_PATH_MAX + 1] = '\0';
	assert_int_equal(xs_path_canon(longp, 0, XS_PATH_PLAIN, out, &rel), -EINVAL);
}

static void test_parent_base(void **state)
{
	char out[XS_PATH_BUF];

	(void)state;
	xs_path_parent("/a/b/c", out);
	assert_string_equal(out, "/a/b");
	xs_path_parent("/a", out);
	assert_string_equal(out, "/");
	assert_string_equal(xs_path_base("/a/b/c"), "c");
}

static void test_is_child(void **state)
{
	(void)state;
	assert_true(xs_path_is_child("/a", "/a", -1));
	assert_true(xs_path_is_child("/a/b", "/a", -1));
	assert_false(xs_path_is_child("/ab", "/a", -1));
	assert_true(xs_path_is_child("/a", "/", -1));
	assert_true(xs_path_is_child("/a/b", "/a", 1));
	assert_false(xs_path_is_child("/a/b/c", "/a", 1));
	assert_true(xs_path_is_child("/a/b/c", "/a", 2));
	assert_false(xs_path_is_child("/a/b", "/a", 0));
	assert_true(xs_path_is_child("/a", "/a", 0));
	assert_false(xs_path_is_child("/a/b", "/", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_parent_base),
		cmocka_unit_test(test_is_child),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
