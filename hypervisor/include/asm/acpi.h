/* The ACPI tables tern reads: RSDP, RSDT/XSDT and the MADT (ACPI 6.x layouts). */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <tern/types.h>

struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;  /* 0: ACPI 1.0 (RSDT only); 2+: XSDT fields valid */
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum; /* over all 'length' bytes */
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP");
_Static_assert(__builtin_offsetof(struct acpi_rsdp, xsdt_address) == 24, "RSDP xsdt");

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI header");

struct acpi_madt {
	struct acpi_header header;
	uint32_t lapic_address;
	uint32_t flags;
	/* followed by variable-length entries: type, length, ... */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT");

#define MADT_LAPIC 0
#define MADT_X2APIC 9

struct madt_lapic {
	uint8_t type, length;
	uint8_t acpi_uid;
	uint8_t apic_id;
	uint32_t flags;
#define MADT_CPU_ENABLED (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)
} __attribute__((packed));
_Static_assert(sizeof(struct madt_lapic) == 8, "MADT LAPIC");

struct madt_x2apic {
	uint8_t type, length;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t acpi_uid;
} __attribute__((packed));
_Static_assert(sizeof(struct madt_x2apic) == 16, "MADT x2APIC");

/* True if the bytes sum to zero, as every ACPI checksum demands. */
bool acpi_checksum_ok(const void *table, size_t len);

/*
 * Calls found(apic_id, ctx) for each usable processor in the MADT (enabled
 * or online-capable). Returns the number found, or -EINVAL for a table that
 * is too short, has a bad checksum or an entry running past its end.
 */
int madt_for_each_cpu(const struct acpi_madt *madt, size_t len,
		      void (*found)(uint32_t apic_id, void *ctx), void *ctx);

/*
 * Removes every processor entry but keep_apic_id's, in place (the table
 * shrinks; the freed tail is zeroed), and fixes the checksum: the operating
 * system reading the table afterwards (dom0) sees one CPU. Returns how many
 * were removed, or -EINVAL for a malformed table (then nothing is changed).
 */
int madt_hide_cpus_except(struct acpi_madt *madt, size_t len, uint32_t keep_apic_id);

/* Finds the firmware's MADT through the RSDP in the BIOS areas; NULL if none. */
struct acpi_madt *acpi_find_madt(void);

#endif
