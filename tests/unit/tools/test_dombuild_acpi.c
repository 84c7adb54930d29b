/*
 * A PVH domU's ACPI tables (tools/lib/dombuild_acpi.c), read back the way
 * Linux reads them: from the RSDP through the XSDT, every table checked
 * against its own length and checksum.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <public/domctl.h>
#include <tern/acpi_tables.h>

#include "dombuild.h"

#define GPA DOMBUILD_ACPI_BASE

static uint8_t buf[DOMBUILD_ACPI_SIZE];
static char err[256];

struct tables {
	const struct acpi_rsdp *rsdp;
	const struct acpi_xsdt *xsdt;
	const struct acpi_fadt *fadt;
	const struct acpi_header *dsdt;
	const struct acpi_madt *madt;
};

static uint8_t sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--)
		s += *b++;
	return s;
}

/* The table at guest address gpa: inside the area, signed, checksummed. */
static const void *table_at(uint64_t gpa, const char *signature)
{
	const struct acpi_header *h;

	assert_true(gpa >= GPA && gpa + sizeof(*h) <= GPA + sizeof(buf));
	h = (const void *)(buf + (gpa - GPA));
	assert_memory_equal(h->signature, signature, 4);
	assert_true(h->length >= sizeof(*h) && gpa + h->length <= GPA + sizeof(buf));
	assert_int_equal(sum(h, h->length), 0);
	assert_memory_equal(h->oem_id, "TERN  ", 6);
	return h;
}

static void build_and_read(unsigned nr_vcpus, struct tables *t)
{
	memset(buf, 0xee, sizeof(buf)); /* the builder must clear what it does not use */
	assert_int_equal(dombuild_acpi_build(buf, sizeof(buf), GPA, nr_vcpus, err, sizeof(err)), 0);
	t->rsdp = (const void *)buf;
	assert_memory_equal(t->rsdp->signature, "RSD PTR ", 8);
	assert_int_equal(t->rsdp->revision, 2);
	assert_int_equal(t->rsdp->length, sizeof(*t->rsdp));
	assert_int_equal(sum(t->rsdp, ACPI_RSDP_V1_LENGTH), 0);
	assert_int_equal(sum(t->rsdp, t->rsdp->length), 0);
	t->xsdt = table_at(t->rsdp->xsdt_address, "XSDT");
	assert_int_equal(t->xsdt->header.length, sizeof(*t->xsdt) + 2 * sizeof(uint64_t));
	t->fadt = table_at(t->xsdt->entry[0], "FACP");
	t->madt = table_at(t->xsdt->entry[1], "APIC");
	t->dsdt = table_at(t->fadt->x_dsdt, "DSDT");
}

/* The MADT's entries, walked by their lengths as Linux walks them; each is
 * an enabled processor. */
static unsigned madt_cpus(const struct acpi_madt *madt)
{
	const uint8_t *p = (const uint8_t *)(madt + 1), *end = (const uint8_t *)madt +
							       madt->header.length;
	unsigned n = 0;

	while (p < end) {
		const struct madt_lapic *e = (const void *)p;

		assert_true(p + sizeof(*e) <= end);
		assert_int_equal(e->type, MADT_LAPIC); /* no IOAPIC, no other entry */
		assert_int_equal(e->length, sizeof(*e));
		assert_int_equal(e->acpi_uid, n);
		assert_int_equal(e->apic_id, 2 * n);
		assert_int_equal(e->flags, MADT_CPU_ENABLED);
		n++;
		p += e->length;
	}
	assert_ptr_equal(p, end);
	return n;
}

static void test_tables_for_every_vcpu_count(void **state)
{
	struct tables t;

	(void)state;
	for (unsigned n = 1; n <= TERN_MAX_VCPUS; n++) {
		build_and_read(n, &t);
		/* Hardware-reduced ACPI 5.0 FADT: no PM blocks, no SCI, no FACS. */
		assert_int_equal(t.fadt->header.revision, 5);
		assert_int_equal(t.fadt->header.length, sizeof(*t.fadt));
		assert_true(t.fadt->flags & ACPI_FADT_HW_REDUCED);
		assert_int_equal(t.fadt->iapc_boot_arch,
				 ACPI_FADT_BOOT_NO_VGA | ACPI_FADT_BOOT_NO_CMOS_RTC);
		assert_int_equal(t.fadt->dsdt, t.fadt->x_dsdt);
		assert_int_equal(t.fadt->sci_int, 0);
		assert_int_equal(t.fadt->smi_cmd, 0);
		assert_int_equal(t.fadt->pm1a_evt_blk | t.fadt->pm1a_cnt_blk | t.fadt->pm_tmr_blk, 0);
		assert_int_equal(t.fadt->x_pm1a_evt_blk.address | t.fadt->x_pm_tmr_blk.address, 0);
		assert_int_equal(t.fadt->firmware_ctrl | t.fadt->x_firmware_ctrl, 0);
		/* An empty DSDT with 64-bit integers. */
		assert_int_equal(t.dsdt->length, sizeof(*t.dsdt));
		assert_int_equal(t.dsdt->revision, 2);
		/* One LAPIC per vCPU at the architectural address, no 8259. */
		assert_int_equal(t.madt->lapic_address, 0xFEE00000u);
		assert_int_equal(t.madt->flags, 0);
		assert_int_equal(t.madt->header.length,
				 sizeof(*t.madt) + n * sizeof(struct madt_lapic));
		assert_int_equal(madt_cpus(t.madt), n);
	}
}

/* maxvcpus > vcpus: every vCPU listed and enabled (offline ones too), so
 * Linux knows each one's APIC id and can bring it up when it is made
 * available later. */
static void test_offline_vcpus_are_enabled(void **state)
{
	struct tables t;

	(void)state;
	build_and_read(4, &t);
	assert_int_equal(madt_cpus(t.madt), 4);
}

/*
 * Every byte the builder wrote belongs to exactly one table, by that table's
 * length: a length too short leaves bytes outside, one too long overlaps the
 * next table (or, for the MADT, shows as a bad entry in madt_cpus).
 */
static void test_lengths_cover_exactly_the_tables(void **state)
{
	struct tables t;
	uint8_t owner[sizeof(buf)] = { 0 };
	const void *table[4];

	(void)state;
	build_and_read(TERN_MAX_VCPUS, &t);
	table[0] = t.xsdt;
	table[1] = t.fadt;
	table[2] = t.dsdt;
	table[3] = t.madt;
	memset(owner, 1, sizeof(*t.rsdp));
	for (int i = 0; i < 4; i++) {
		const struct acpi_header *h = table[i];
		size_t at = (size_t)((const uint8_t *)h - buf);

		for (size_t b = at; b < at + h->length; b++) {
			assert_int_equal(owner[b], 0);
			owner[b] = 1;
		}
	}
	for (size_t b = 0; b < sizeof(buf); b++)
		if (!owner[b])
			assert_int_equal(buf[b], 0);
	assert_int_equal(madt_cpus(t.madt), TERN_MAX_VCPUS);
}

static void test_bad_arguments(void **state)
{
	char want[sizeof(err)];

	(void)state;
	assert_int_equal(dombuild_acpi_build(buf, sizeof(buf), GPA, 0, err, sizeof(err)), -EINVAL);
	assert_int_equal(dombuild_acpi_build(buf, sizeof(buf), GPA, TERN_MAX_VCPUS + 1, err,
					     sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "ACPI tables for %d vCPUs: tern supports 1 to %d",
		 TERN_MAX_VCPUS + 1, TERN_MAX_VCPUS);
	assert_string_equal(err, want);
	assert_int_equal(dombuild_acpi_build(buf, 400, GPA, 2, err, sizeof(err)), -ENOSPC);
	assert_string_equal(err, "the ACPI tables for 2 vCPUs do not fit in 400 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_for_every_vcpu_count),
		cmocka_unit_test(test_offline_vcpus_are_enabled),
		cmocka_unit_test(test_lengths_cover_exactly_the_tables),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
