/* The hypervisor's memcpy and memmove (common/string.c): every length and
 * alignment of a page-sized copy, and overlaps in both directions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);

static uint8_t src[4096 + 64], dst[4096 + 64];

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static void test_memcpy_lengths_and_alignments(void **state)
{
	(void)state;
	for (size_t so = 0; so < 9; so++) {
		for (size_t dof = 0; dof < 9; dof++) {
			for (size_t n = 0; n <= 4096; n += n < 200 ? 1 : 509) {
				fill(src, sizeof(src), (uint8_t)n);
				fill(dst, sizeof(dst), 0xa5);
				assert_ptr_equal(memcpy(dst + dof, src + so, n), dst + dof);
				for (size_t i = 0; i < n; i++)
					assert_int_equal(dst[dof + i], src[so + i]);
				/* Nothing around it touched. */
				for (size_t i = 0; i < dof; i++)
					assert_int_equal(dst[i], (uint8_t)(0xa5 + i * 7));
				assert_int_equal(dst[dof + n], (uint8_t)(0xa5 + (dof + n) * 7));
			}
		}
	}
}

static void test_memmove_overlaps(void **state)
{
	uint8_t want[64];

	(void)state;
	for (size_t shift = 1; shift < 20; shift++) {
		fill(src, 64, 3);
		fill(want, 64, 3);
		memmove(src + shift, src, 40);   /* backwards copy */
		for (size_t i = 0; i < 40; i++)
			assert_int_equal(src[shift + i], want[i]);
		fill(src, 64, 3);
		memmove(src, src + shift, 40);   /* forwards copy */
		for (size_t i = 0; i < 40; i++)
			assert_int_equal(src[i], want[shift + i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_lengths_and_alignments),
		cmocka_unit_test(test_memmove_overlaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
