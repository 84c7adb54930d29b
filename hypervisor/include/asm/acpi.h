/* Reading and editing the firmware's ACPI tables (layouts in tern/acpi_tables.h). */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <tern/acpi_tables.h>
#include <tern/types.h>

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
 * Keeps the processor entries of the n APIC IDs listed and removes every
 * other, in place (the table shrinks; the freed tail is zeroed); the one of
 * apic_ids[i] gets ACPI processor UID i, which Linux takes as the Xen vCPU
 * ID of that CPU. The LAPIC NMI entries that name one processor follow:
 * renumbered with it if it is kept, removed if not (or if no processor has
 * the UID they name); those for every processor stay. Fixes the checksum:
 * the operating system reading the table afterwards (dom0) sees its n CPUs.
 * Returns how many entries were removed, or -EINVAL for a malformed table
 * (then nothing is changed).
 */
int madt_keep_cpus(struct acpi_madt *madt, size_t len, const uint32_t *apic_ids, unsigned int n);

/* Finds the firmware's MADT through the RSDP in the BIOS areas; NULL if none. */
struct acpi_madt *acpi_find_madt(void);

#endif
