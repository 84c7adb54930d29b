/*
 * MADT parsing, kept apart from the search for the table so the host unit
 * tests can feed it any bytes.
 */
#include <asm/acpi.h>
#include <tern/errno.h>

bool acpi_checksum_ok(const void *table, size_t len)
{
	const uint8_t *p = table;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

int madt_for_each_cpu(const struct acpi_madt *madt, size_t len,
		      void (*found)(uint32_t apic_id, void *ctx), void *ctx)
{
	const uint8_t *base = (const uint8_t *)madt;
	size_t off = sizeof(*madt);
	int count = 0;

	if (len < sizeof(*madt) || madt->header.length > len ||
	    madt->header.length < sizeof(*madt) || !acpi_checksum_ok(madt, madt->header.length))
		return -EINVAL;
	len = madt->header.length;
	while (off + 2 <= len) {
		uint8_t type = base[off], elen = base[off + 1];

		if (elen < 2 || off + elen > len)
			return -EINVAL;
		if (type == MADT_LAPIC && elen >= sizeof(struct madt_lapic)) {
			const struct madt_lapic *e = (const void *)(base + off);

			if (e->flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)) {
				found(e->apic_id, ctx);
				count++;
			}
		} else if (type == MADT_X2APIC && elen >= sizeof(struct madt_x2apic)) {
			const struct madt_x2apic *e = (const void *)(base + off);

			if (e->flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)) {
				found(e->x2apic_id, ctx);
				count++;
			}
		}
		off += elen;
	}
	return count;
}
