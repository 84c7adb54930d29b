/*
 * The console ring: reads in order across the wrap, a reader that fell behind
 * is moved to the oldest text still held, writes larger than the ring keep
 * their tail, and clear forgets what was written. The ring buffer sits between
 * guard bytes so a write outside it shows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <tern/conring.h>

#define RING 16
#define GUARD 0xa5

static char mem[RING + 32];
static char *const buf = mem + 16;
static struct conring ring;

static int setup(void **state)
{
	(void)state;
	memset(mem, GUARD, sizeof(mem));
	conring_init(&ring, buf, RING);
	return 0;
}

static void check_guards(void)
{
	size_t i;

	for (i = 0; i < 16; i++) {
		assert_int_equal((unsigned char)mem[i], GUARD);
		assert_int_equal((unsigned char)mem[16 + RING + i], GUARD);
	}
}

/* Reads everything from *pos into a string. */
static size_t read_all(uint64_t *pos, char *out, size_t len)
{
	size_t n = 0, got;

	while ((got = conring_read(&ring, pos, out + n, MIN((size_t)3, len - 1 - n))) > 0)
		n += got;
	out[n] = '\0';
	return n;
}

static void test_empty(void **state)
{
	uint64_t pos = 0;
	char out[8];

	(void)state;
	assert_int_equal(conring_read(&ring, &pos, out, sizeof(out)), 0);
	assert_int_equal(pos, 0);
	conring_write(&ring, "", 0);
	assert_int_equal(conring_read(&ring, &pos, out, sizeof(out)), 0);
}

static void test_simple(void **state)
{
	uint64_t pos = 0;
	char out[32];

	(void)state;
	conring_write(&ring, "hello ", 6);
	conring_write(&ring, "world", 5);
	assert_int_equal(read_all(&pos, out, sizeof(out)), 11);
	assert_string_equal(out, "hello world");
	assert_int_equal(pos, 11);
	/* At the end: nothing more, until something is written. */
	assert_int_equal(conring_read(&ring, &pos, out, sizeof(out)), 0);
	conring_write(&ring, "!", 1);
	assert_int_equal(read_all(&pos, out, sizeof(out)), 1);
	assert_string_equal(out, "!");
	check_guards();
}

static void test_wrap(void **state)
{
	uint64_t pos = 0;
	char out[32];
	int i;

	(void)state;
	/* 0123456789 abcdefghij: 21 bytes into 16; the first 5 are gone. */
	conring_write(&ring, "0123456789 ", 11);
	conring_write(&ring, "abcdefghij", 10);
	assert_int_equal(ring.prod, 21);
	assert_int_equal(ring.start, 5);
	assert_int_equal(read_all(&pos, out, sizeof(out)), 16);
	assert_string_equal(out, "56789 abcdefghij");
	assert_int_equal(pos, 21);

	/* Many small writes around the ring several times. */
	for (i = 0; i < 100; i++) {
		char c = (char)('a' + i % 26);

		conring_write(&ring, &c, 1);
	}
	pos = 0;
	assert_int_equal(read_all(&pos, out, sizeof(out)), 16);
	for (i = 0; i < 16; i++)
		assert_int_equal(out[i], 'a' + (84 + i) % 26);
	check_guards();
}

static void test_stale_position(void **state)
{
	uint64_t pos = 2;
	char out[32];

	(void)state;
	conring_write(&ring, "abcdefghijklmnopqrstuvwxyz", 26);
	/* Position 2 was overwritten: the reader resumes at the oldest byte. */
	assert_int_equal(conring_read(&ring, &pos, out, 4), 4);
	assert_memory_equal(out, "klmn", 4);
	assert_int_equal(pos, 14);
	/* A position beyond what was written reads nothing and is pulled back. */
	pos = 1000;
	assert_int_equal(conring_read(&ring, &pos, out, sizeof(out)), 0);
	assert_int_equal(pos, 26);
}

static void test_large_write(void **state)
{
	char text[100], out[32];
	uint64_t pos = 0;
	int i;

	(void)state;
	for (i = 0; i < 100; i++)
		text[i] = (char)('0' + i % 10);
	conring_write(&ring, "xy", 2);
	conring_write(&ring, text, sizeof(text));
	assert_int_equal(ring.prod, 102);
	assert_int_equal(read_all(&pos, out, sizeof(out)), RING);
	assert_memory_equal(out, text + 100 - RING, RING);
	/* Exactly the ring size, not aligned to the ring. */
	conring_write(&ring, text + 3, RING);
	pos = 0;
	assert_int_equal(read_all(&pos, out, sizeof(out)), RING);
	assert_memory_equal(out, text + 3, RING);
	check_guards();
}

static void test_clear(void **state)
{
	uint64_t pos = 0, old = 0;
	char out[32];

	(void)state;
	conring_write(&ring, "before", 6);
	conring_clear(&ring);
	assert_int_equal(conring_read(&ring, &pos, out, sizeof(out)), 0);
	assert_int_equal(pos, 6);
	conring_write(&ring, "after", 5);
	/* A reader from before the clear sees only what came after it. */
	assert_int_equal(read_all(&old, out, sizeof(out)), 5);
	assert_string_equal(out, "after");
}

static void test_odd_size(void **state)
{
	char small[12];
	char out[16];
	uint64_t pos = 0;

	(void)state;
	/* Not a power of two: the ring uses the largest one that fits (8). */
	conring_init(&ring, small, sizeof(small));
	assert_int_equal(ring.size, 8);
	conring_write(&ring, "0123456789", 10);
	assert_int_equal(read_all(&pos, out, sizeof(out)), 8);
	assert_string_equal(out, "23456789");
	/* A zero-size ring holds nothing and never touches its buffer. */
	conring_init(&ring, NULL, 0);
	conring_write(&ring, "x", 1);
	pos = 0;
	assert_int_equal(conring_read(&ring, &pos, out, sizeof(out)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty, setup),
		cmocka_unit_test_setup(test_simple, setup),
		cmocka_unit_test_setup(test_wrap, setup),
		cmocka_unit_test_setup(test_stale_position, setup),
		cmocka_unit_test_setup(test_large_write, setup),
		cmocka_unit_test_setup(test_clear, setup),
		cmocka_unit_test_setup(test_odd_size, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
