/*
 * MADT parsing: the CPUs the firmware lists (xAPIC and x2APIC entries,
 * enabled or online-capable), and tables that lie about their length or
 * checksum, or whose entries run past the end, are refused whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <asm/acpi.h>
#include <tern/errno.h>

struct table {
	union {
		struct acpi_madt madt;
		uint8_t bytes[512];
	};
	size_t len;
};

struct found {
	uint32_t id[16];
	int nr;
};

static void record(uint32_t apic_id, void *ctx)
{
	struct found *f = ctx;

	if (f->nr < 16)
		f->id[f->nr++] = apic_id;
}

static void table_init(struct table *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->madt.header.signature, "APIC", 4);
	t->len = sizeof(struct acpi_madt);
}

static void add_lapic(struct table *t, uint8_t apic_id, uint32_t flags)
{
	struct madt_lapic e = { MADT_LAPIC, sizeof(e), apic_id, apic_id, flags };

	memcpy(t->bytes + t->len, &e, sizeof(e));
	t->len += sizeof(e);
}

static void add_x2apic(struct table *t, uint32_t id, uint32_t flags)
{
	struct madt_x2apic e = { MADT_X2APIC, sizeof(e), 0, id, flags, id };

	memcpy(t->bytes + t->len, &e, sizeof(e));
	t->len += sizeof(e);
}

/* Other entry types the parser must step over (an I/O APIC here). */
static void add_ioapic(struct table *t)
{
	uint8_t e[12] = { 1, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0 };

	memcpy(t->bytes + t->len, e, sizeof(e));
	t->len += sizeof(e);
}

static void add_lapic_nmi(struct table *t, uint8_t uid)
{
	struct madt_lapic_nmi e = { MADT_LAPIC_NMI, sizeof(e), uid, 5, 1 };

	memcpy(t->bytes + t->len, &e, sizeof(e));
	t->len += sizeof(e);
}

static void add_x2apic_nmi(struct table *t, uint32_t uid)
{
	struct madt_x2apic_nmi e = { MADT_X2APIC_NMI, sizeof(e), 5, uid, 1, { 0 } };

	memcpy(t->bytes + t->len, &e, sizeof(e));
	t->len += sizeof(e);
}

static void table_seal(struct table *t)
{
	uint8_t sum = 0;

	t->madt.header.length = t->len;
	t->madt.header.checksum = 0;
	for (size_t i = 0; i < t->len; i++)
		sum += t->bytes[i];
	t->madt.header.checksum = (uint8_t)-sum;
}

static void test_lists_enabled_and_online_capable_cpus(void **state)
{
	struct table t;
	struct found f = { 0 };

	(void)state;
	table_init(&t);
	add_lapic(&t, 0, MADT_CPU_ENABLED);
	add_ioapic(&t);
	add_lapic(&t, 1, MADT_CPU_ONLINE_CAPABLE);
	add_lapic(&t, 2, 0); /* neither: not usable */
	add_x2apic(&t, 300, MADT_CPU_ENABLED);
	table_seal(&t);
	assert_int_equal(madt_for_each_cpu(&t.madt, t.len, record, &f), 3);
	assert_int_equal(f.nr, 3);
	assert_int_equal(f.id[0], 0);
	assert_int_equal(f.id[1], 1);
	assert_int_equal(f.id[2], 300);
}

static void test_bad_checksum_is_refused(void **state)
{
	struct table t;
	struct found f = { 0 };

	(void)state;
	table_init(&t);
	add_lapic(&t, 0, MADT_CPU_ENABLED);
	table_seal(&t);
	t.bytes[sizeof(struct acpi_madt) + 3]++; /* the APIC ID, after sealing */
	assert_int_equal(madt_for_each_cpu(&t.madt, t.len, record, &f), -EINVAL);
	assert_int_equal(f.nr, 0);
}

static void test_lengths_that_lie_are_refused(void **state)
{
	struct table t;
	struct found f = { 0 };

	(void)state;
	table_init(&t);
	add_lapic(&t, 0, MADT_CPU_ENABLED);
	table_seal(&t);
	/* The caller's buffer is shorter than the table says. */
	assert_int_equal(madt_for_each_cpu(&t.madt, t.len - 1, record, &f), -EINVAL);
	/* Shorter than the fixed part. */
	assert_int_equal(madt_for_each_cpu(&t.madt, 10, record, &f), -EINVAL);

	/* An entry whose length runs past the table's end. */
	table_init(&t);
	add_lapic(&t, 0, MADT_CPU_ENABLED);
	t.bytes[sizeof(struct acpi_madt) + 1] = 200;
	table_seal(&t);
	assert_int_equal(madt_for_each_cpu(&t.madt, t.len, record, &f), -EINVAL);

	/* A zero-length entry would loop forever. */
	table_init(&t);
	add_lapic(&t, 0, MADT_CPU_ENABLED);
	t.bytes[sizeof(struct acpi_madt) + 1] = 0;
	table_seal(&t);
	assert_int_equal(madt_for_each_cpu(&t.madt, t.len, record, &f), -EINVAL);
	assert_int_equal(f.nr, 0);
}

static void test_short_entries_are_skipped(void **state)
{
	struct table t;
	struct found f = { 0 };
	uint8_t stub[4] = { MADT_LAPIC, 4, 7, 7 }; /* too short to be a LAPIC entry */

	(void)state;
	table_init(&t);
	memcpy(t.bytes + t.len, stub, sizeof(stub));
	t.len += sizeof(stub);
	add_lapic(&t, 5, MADT_CPU_ENABLED);
	table_seal(&t);
	assert_int_equal(madt_for_each_cpu(&t.madt, t.len, record, &f), 1);
	assert_int_equal(f.id[0], 5);
}

static void test_hiding_keeps_one_cpu_and_a_valid_table(void **state)
{
	const uint32_t one = 1;
	struct table t;
	struct found f = { 0 };

	(void)state;
	table_init(&t);
	add_lapic(&t, 0, MADT_CPU_ENABLED);
	add_ioapic(&t);
	add_lapic(&t, 1, MADT_CPU_ENABLED);
	add_lapic(&t, 2, MADT_CPU_ONLINE_CAPABLE);
	add_x2apic(&t, 300, MADT_CPU_ENABLED);
	add_lapic(&t, 3, 0); /* disabled: an OS would count it as hot-pluggable */
	table_seal(&t);
	assert_int_equal(madt_keep_cpus(&t.madt, t.len, &one, 1), 4);
	/* The checksum still holds, only APIC ID 1 is left, the I/O APIC stays. */
	assert_int_equal(madt_for_each_cpu(&t.madt, t.len, record, &f), 1);
	assert_int_equal(f.id[0], 1);
	assert_int_equal(t.madt.header.length, sizeof(struct acpi_madt) + 12 + 8);
	assert_int_equal(t.bytes[sizeof(struct acpi_madt)], 1); /* the I/O APIC entry moved first */
	/* Hiding again changes nothing. */
	assert_int_equal(madt_keep_cpus(&t.madt, t.len, &one, 1), 0);
}

static void test_hiding_refuses_a_malformed_table_untouched(void **state)
{
	const uint32_t zero = 0;
	struct table t, before;

	(void)state;
	table_init(&t);
	add_lapic(&t, 0, MADT_CPU_ENABLED);
	add_lapic(&t, 1, MADT_CPU_ENABLED);
	t.bytes[t.len - 7] = 100; /* the second entry's length runs past the end */
	table_seal(&t);
	before = t;
	assert_int_equal(madt_keep_cpus(&t.madt, t.len, &zero, 1), -EINVAL);
	assert_memory_equal(&before, &t, sizeof(t));
}

/* dom0's CPUs, in the order of its vCPUs: their entries stay (xAPIC and
 * x2APIC alike), numbered as its vCPUs are; the rest go. */
static void test_keeping_several_cpus_numbers_them_as_vcpus(void **state)
{
	const uint32_t keep[] = { 2, 300, 0 };
	struct table t;
	struct found f = { 0 };
	const struct madt_lapic *l;
	const struct madt_x2apic *x;
	uint8_t *e;

	(void)state;
	table_init(&t);
	add_lapic(&t, 0, MADT_CPU_ENABLED);
	add_lapic(&t, 1, MADT_CPU_ENABLED);
	add_ioapic(&t);
	add_lapic(&t, 2, MADT_CPU_ENABLED);
	add_x2apic(&t, 300, MADT_CPU_ENABLED);
	add_x2apic(&t, 301, MADT_CPU_ENABLED);
	table_seal(&t);
	assert_int_equal(madt_keep_cpus(&t.madt, t.len, keep, 3), 2);
	assert_int_equal(madt_for_each_cpu(&t.madt, t.len, record, &f), 3);
	assert_int_equal(f.id[0], 0);
	assert_int_equal(f.id[1], 2);
	assert_int_equal(f.id[2], 300);
	e = t.bytes + sizeof(struct acpi_madt);
	l = (const void *)e;
	assert_int_equal(l->acpi_uid, 2); /* APIC ID 0 is keep[2] */
	l = (const void *)(e + 8 + 12);
	assert_int_equal(l->acpi_uid, 0);
	x = (const void *)(e + 8 + 12 + 8);
	assert_int_equal(x->acpi_uid, 1);
	assert_int_equal(t.madt.header.length, sizeof(struct acpi_madt) + 8 + 12 + 8 + 16);
}

/* The UIDs of the NMI entries left, in table order (every entry type read). */
static int nmi_uids(const struct table *t, uint32_t *uids)
{
	int nr = 0;

	for (size_t off = sizeof(struct acpi_madt); off < t->madt.header.length;
	     off += t->bytes[off + 1]) {
		const uint8_t *e = t->bytes + off;

		if (e[0] == MADT_LAPIC_NMI)
			uids[nr++] = ((const struct madt_lapic_nmi *)e)->acpi_uid;
		else if (e[0] == MADT_X2APIC_NMI)
			uids[nr++] = ((const struct madt_x2apic_nmi *)e)->acpi_uid;
	}
	return nr;
}

/* An NMI entry for one processor follows it: renumbered with it when it is
 * kept, gone when it is not or when no processor has its UID; the entries
 * for every processor stay as they are. */
static void test_nmi_entries_follow_their_cpus(void **state)
{
	const uint32_t keep[] = { 2, 300, 0 };
	struct table t;
	struct found f = { 0 };
	uint32_t uids[16];

	(void)state;
	table_init(&t);
	add_lapic(&t, 0, MADT_CPU_ENABLED); /* UID 0, becomes 2 */
	add_lapic(&t, 1, MADT_CPU_ENABLED); /* UID 1, goes */
	add_lapic(&t, 2, MADT_CPU_ENABLED); /* UID 2, becomes 0 */
	add_x2apic(&t, 300, MADT_CPU_ENABLED); /* UID 300, becomes 1 */
	add_lapic_nmi(&t, MADT_NMI_ALL_UIDS8);
	add_lapic_nmi(&t, 2);
	add_lapic_nmi(&t, 1);
	add_lapic_nmi(&t, 0);
	add_x2apic_nmi(&t, 300);
	add_lapic_nmi(&t, 7); /* no processor has UID 7 */
	add_x2apic_nmi(&t, MADT_NMI_ALL_UIDS32);
	table_seal(&t);
	assert_int_equal(madt_keep_cpus(&t.madt, t.len, keep, 3), 3);
	assert_int_equal(madt_for_each_cpu(&t.madt, t.len, record, &f), 3);
	assert_int_equal(nmi_uids(&t, uids), 5);
	assert_int_equal(uids[0], MADT_NMI_ALL_UIDS8);
	assert_int_equal(uids[1], 0);
	assert_int_equal(uids[2], 2);
	assert_int_equal(uids[3], 1);
	assert_int_equal(uids[4], MADT_NMI_ALL_UIDS32);
	assert_int_equal(t.madt.header.length, sizeof(struct acpi_madt) + 2 * 8 + 16 + 3 * 6 + 2 * 12);
	/* Doing it again (UIDs now 0..2) changes nothing. */
	assert_int_equal(madt_keep_cpus(&t.madt, t.len, (const uint32_t[]){ 2, 300, 0 }, 3), 0);
	assert_int_equal(nmi_uids(&t, uids), 5);
	assert_int_equal(uids[1], 0);
	assert_int_equal(uids[2], 2);
	assert_int_equal(uids[3], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists_enabled_and_online_capable_cpus),
		cmocka_unit_test(test_bad_checksum_is_refused),
		cmocka_unit_test(test_lengths_that_lie_are_refused),
		cmocka_unit_test(test_short_entries_are_skipped),
		cmocka_unit_test(test_hiding_keeps_one_cpu_and_a_valid_table),
		cmocka_unit_test(test_hiding_refuses_a_malformed_table_untouched),
		cmocka_unit_test(test_keeping_several_cpus_numbers_them_as_vcpus),
		cmocka_unit_test(test_nmi_entries_follow_their_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
