/*
 * MADT parsing and editing, kept apart from the search for the table so the
 * host unit tests can feed it any bytes.
 */
#include <asm/acpi.h>
#include <tern/errno.h>
#include <tern/string.h>

#define MADT_CPU_USABLE (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)

bool acpi_checksum_ok(const void *table, size_t len)
{
	const uint8_t *p = table;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

/* Header, checksum, and every entry inside the table with a length >= 2. */
static bool madt_valid(const struct acpi_madt *madt, size_t len)
{
	const uint8_t *base = (const uint8_t *)madt;
	size_t off;

	if (len < sizeof(*madt) || madt->header.length > len ||
	    madt->header.length < sizeof(*madt) || !acpi_checksum_ok(madt, madt->header.length))
		return false;
	len = madt->header.length;
	for (off = sizeof(*madt); off + 2 <= len; off += base[off + 1])
		if (base[off + 1] < 2 || off + base[off + 1] > len)
			return false;
	return true;
}

/*
 * If the entry describes a processor: its APIC ID, and the low byte of its
 * flags (the enabled and online-capable bits live there; entries are not
 * aligned, so no wider pointer is taken). Else NULL.
 */
static const uint8_t *madt_cpu_entry(const uint8_t *entry, uint32_t *apic_id)
{
	if (entry[0] == MADT_LAPIC && entry[1] >= sizeof(struct madt_lapic)) {
		const struct madt_lapic *e = (const void *)entry;

		*apic_id = e->apic_id;
		return entry + __builtin_offsetof(struct madt_lapic, flags);
	}
	if (entry[0] == MADT_X2APIC && entry[1] >= sizeof(struct madt_x2apic)) {
		const struct madt_x2apic *e = (const void *)entry;

		*apic_id = e->x2apic_id;
		return entry + __builtin_offsetof(struct madt_x2apic, flags);
	}
	return NULL;
}

int madt_for_each_cpu(const struct acpi_madt *madt, size_t len,
		      void (*found)(uint32_t apic_id, void *ctx), void *ctx)
{
	uint8_t *base = (uint8_t *)madt;
	int count = 0;

	if (!madt_valid(madt, len))
		return -EINVAL;
	for (size_t off = sizeof(*madt); off + 2 <= madt->header.length; off += base[off + 1]) {
		uint32_t id;
		const uint8_t *flags = madt_cpu_entry(base + off, &id);

		if (flags && *flags & MADT_CPU_USABLE) {
			found(id, ctx);
			count++;
		}
	}
	return count;
}

/* Where in apic_ids the ID is (n if nowhere). */
static unsigned int index_of(uint32_t id, const uint32_t *apic_ids, unsigned int n)
{
	unsigned int i = 0;

	while (i < n && apic_ids[i] != id)
		i++;
	return i;
}

/* The entry's ACPI processor UID becomes uid (entries are not aligned). */
static void set_uid(uint8_t *entry, uint32_t uid)
{
	if (entry[0] == MADT_LAPIC)
		entry[__builtin_offsetof(struct madt_lapic, acpi_uid)] = (uint8_t)uid;
	else
		memcpy(entry + __builtin_offsetof(struct madt_x2apic, acpi_uid), &uid, sizeof(uid));
}

int madt_keep_cpus(struct acpi_madt *madt, size_t len, const uint32_t *apic_ids, unsigned int n)
{
	uint8_t *base = (uint8_t *)madt;
	size_t off = sizeof(*madt);
	uint8_t sum = 0;
	int hidden = 0;

	if (!madt_valid(madt, len))
		return -EINVAL;
	/*
	 * Entries are removed, not marked disabled: an OS counts disabled
	 * entries as hot-pluggable CPUs (Linux: "Allowing 2 CPUs, 1 hotplug").
	 */
	while (off + 2 <= madt->header.length) {
		uint8_t elen = base[off + 1];
		uint32_t id;
		unsigned int i;

		if (!madt_cpu_entry(base + off, &id)) {
			off += elen;
			continue;
		}
		i = index_of(id, apic_ids, n);
		if (i < n) {
			set_uid(base + off, i);
			off += elen;
			continue;
		}
		memmove(base + off, base + off + elen, madt->header.length - off - elen);
		madt->header.length -= elen;
		memset(base + madt->header.length, 0, elen);
		hidden++;
	}
	madt->header.checksum = 0;
	for (size_t i = 0; i < madt->header.length; i++)
		sum += base[i];
	madt->header.checksum = (uint8_t)-sum;
	return hidden;
}
