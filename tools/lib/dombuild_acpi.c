/*
 * A PVH domU's ACPI tables, as Xen's toolstack gives one (libacpi): RSDP ->
 * XSDT -> FADT (-> DSDT) and MADT. Linux finds its CPUs only in the MADT; with
 * none it stays uniprocessor in PIC mode and never sets up its per-CPU
 * clockevents, so a domU without these tables has no timer tick.
 *
 * The FADT is hardware-reduced (ACPI 5.0): no PM or GPE blocks, no SCI, no
 * FACS, so Linux touches no ACPI I/O port, replaces the 8259 with its null PIC
 * and skips the PIT/HPET (arch/x86/kernel/acpi/boot.c:
 * acpi_generic_reduced_hw_init). Its boot flags say "no VGA, no CMOS RTC", as
 * Xen's do for PVH: Linux then registers no RTC device and does not probe
 * VGA; a domain that entered through the PVH entry is already known to be PVH,
 * so xen_hvm_guest_late_init changes nothing else because of them. No 8042
 * flag: Linux does not probe a keyboard controller. The MADT has no IOAPIC
 * and no PCAT_COMPAT flag (no 8259 either).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <public/domctl.h>
#include <tern/acpi_tables.h>

#include "dombuild.h"

#define ALIGN16(x) (((x) + 15) & ~(size_t)15)
#define LAPIC_ADDRESS 0xFEE00000u
#define OEM_ID "TERN  "
#define OEM_TABLE_ID "TERNPVH "
#define CREATOR_ID 0x4e524554u /* "TERN" */
#define FADT_REVISION 5 /* the first with HW_REDUCED_ACPI; Xen's PVH FADT is 5 too */
#define DSDT_REVISION 2 /* 64-bit AML integers */
#define MADT_REVISION 3 /* ACPI 5.0 */
#define XSDT_ENTRIES 2  /* FADT, MADT */

/* Type 0 entries carry 8-bit APIC IDs, and 0xFF means "none". */
_Static_assert(2 * (TERN_MAX_VCPUS - 1) < 0xFF, "APIC IDs fit the MADT's LAPIC entries");
_Static_assert(ALIGN16(sizeof(struct acpi_rsdp)) +
	       ALIGN16(sizeof(struct acpi_xsdt) + XSDT_ENTRIES * sizeof(uint64_t)) +
	       ALIGN16(sizeof(struct acpi_fadt)) + ALIGN16(sizeof(struct acpi_header)) +
	       sizeof(struct acpi_madt) + TERN_MAX_VCPUS * sizeof(struct madt_lapic)
	       <= DOMBUILD_ACPI_SIZE, "the tables for the most vCPUs fit the ACPI area");

/* Hands out 16-byte aligned pieces of the caller's buffer. */
struct arena {
	uint8_t *buf;
	size_t len, used;
	uint64_t gpa;
};

static void *take(struct arena *a, size_t size)
{
	size_t at = ALIGN16(a->used);

	if (at > a->len || size > a->len - at)
		return NULL;
	a->used = at + size;
	return a->buf + at;
}

static uint64_t gpa_of(const struct arena *a, const void *p)
{
	return a->gpa + (uint64_t)((const uint8_t *)p - a->buf);
}

static uint8_t checksum_byte(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return (uint8_t)-sum;
}

static void header(struct acpi_header *h, const char *signature, uint32_t length,
		   uint8_t revision)
{
	memcpy(h->signature, signature, 4);
	h->length = length;
	h->revision = revision;
	memcpy(h->oem_id, OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, OEM_TABLE_ID, sizeof(h->oem_table_id));
	h->oem_revision = 1;
	h->creator_id = CREATOR_ID;
	h->creator_revision = 1;
}

/* Last, once the table's contents are final. */
static void seal(struct acpi_header *h)
{
	h->checksum = 0;
	h->checksum = checksum_byte(h, h->length);
}

static void fill_fadt(struct acpi_fadt *fadt, uint64_t dsdt)
{
	header(&fadt->header, "FACP", sizeof(*fadt), FADT_REVISION);
	fadt->dsdt = (uint32_t)dsdt;
	fadt->x_dsdt = dsdt;
	fadt->iapc_boot_arch = ACPI_FADT_BOOT_NO_VGA | ACPI_FADT_BOOT_NO_CMOS_RTC;
	/* No fixed buttons: else Linux adds fixed power/sleep button devices. */
	fadt->flags = ACPI_FADT_HW_REDUCED | ACPI_FADT_PWR_BUTTON | ACPI_FADT_SLP_BUTTON;
	seal(&fadt->header);
}

/*
 * vCPU v: ACPI UID v (Linux takes an AP's Xen vcpu id from it), APIC ID 2v as
 * Xen. Every vCPU is enabled, also those the config leaves offline (Xen
 * disables those): Linux 6.1 brings up later only a CPU whose APIC id it
 * learnt at boot ("native_cpu_up: bad cpu 1" otherwise). So it starts them
 * all, and its xenbus handler at once takes offline again those whose
 * cpu/N/availability says "offline", as a PV guest does.
 */
static void fill_madt(struct acpi_madt *madt, unsigned nr_vcpus)
{
	struct madt_lapic *lapic = (struct madt_lapic *)(madt + 1);

	header(&madt->header, "APIC", sizeof(*madt) + nr_vcpus * sizeof(*lapic), MADT_REVISION);
	madt->lapic_address = LAPIC_ADDRESS;
	madt->flags = 0;
	for (unsigned v = 0; v < nr_vcpus; v++) {
		lapic[v].type = MADT_LAPIC;
		lapic[v].length = sizeof(*lapic);
		lapic[v].acpi_uid = (uint8_t)v;
		lapic[v].apic_id = (uint8_t)(2 * v);
		lapic[v].flags = MADT_CPU_ENABLED;
	}
	seal(&madt->header);
}

int dombuild_acpi_build(uint8_t *buf, size_t len, uint64_t gpa, unsigned nr_vcpus,
			char *err, size_t errlen)
{
	struct arena a = { buf, len, 0, gpa };
	struct acpi_rsdp *rsdp;
	struct acpi_xsdt *xsdt;
	struct acpi_fadt *fadt;
	struct acpi_header *dsdt;
	struct acpi_madt *madt;

	if (nr_vcpus < 1 || nr_vcpus > TERN_MAX_VCPUS) {
		snprintf(err, errlen, "ACPI tables for %u vCPUs: tern supports 1 to %d", nr_vcpus,
			 TERN_MAX_VCPUS);
		return -EINVAL;
	}
	memset(buf, 0, len);
	rsdp = take(&a, sizeof(*rsdp));
	xsdt = take(&a, sizeof(*xsdt) + XSDT_ENTRIES * sizeof(xsdt->entry[0]));
	fadt = take(&a, sizeof(*fadt));
	dsdt = take(&a, sizeof(*dsdt));
	madt = take(&a, sizeof(*madt) + nr_vcpus * sizeof(struct madt_lapic));
	if (!rsdp || !xsdt || !fadt || !dsdt || !madt) {
		snprintf(err, errlen, "the ACPI tables for %u vCPUs do not fit in %zu bytes",
			 nr_vcpus, len);
		return -ENOSPC;
	}
	/* An empty DSDT is valid AML: the domain has no devices to describe. */
	header(dsdt, "DSDT", sizeof(*dsdt), DSDT_REVISION);
	seal(dsdt);
	fill_fadt(fadt, gpa_of(&a, dsdt));
	fill_madt(madt, nr_vcpus);
	header(&xsdt->header, "XSDT", sizeof(*xsdt) + XSDT_ENTRIES * sizeof(xsdt->entry[0]), 1);
	xsdt->entry[0] = gpa_of(&a, fadt);
	xsdt->entry[1] = gpa_of(&a, madt);
	seal(&xsdt->header);
	memcpy(rsdp->signature, "RSD PTR ", sizeof(rsdp->signature));
	memcpy(rsdp->oem_id, OEM_ID, sizeof(rsdp->oem_id));
	rsdp->revision = 2;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt_address = gpa_of(&a, xsdt);
	rsdp->checksum = checksum_byte(rsdp, ACPI_RSDP_V1_LENGTH);
	rsdp->extended_checksum = checksum_byte(rsdp, sizeof(*rsdp));
	return 0;
}
