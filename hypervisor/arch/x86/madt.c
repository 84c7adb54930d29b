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

/* A processor entry's ACPI processor UID (entries are not aligned). */
static uint32_t cpu_uid(const uint8_t *entry)
{
	uint32_t uid;

	if (entry[0] == MADT_LAPIC)
		return entry[__builtin_offsetof(struct madt_lapic, acpi_uid)];
	memcpy(&uid, entry + __builtin_offsetof(struct madt_x2apic, acpi_uid), sizeof(uid));
	return uid;
}

/*
 * If the entry is an NMI entry naming one processor: that processor's UID.
 * False for other entries and for those naming every processor.
 */
static bool nmi_uid(const uint8_t *entry, uint32_t *uid)
{
	if (entry[0] == MADT_LAPIC_NMI && entry[1] >= sizeof(struct madt_lapic_nmi)) {
		*uid = entry[__builtin_offsetof(struct madt_lapic_nmi, acpi_uid)];
		return *uid != MADT_NMI_ALL_UIDS8;
	}
	if (entry[0] == MADT_X2APIC_NMI && entry[1] >= sizeof(struct madt_x2apic_nmi)) {
		memcpy(uid, entry + __builtin_offsetof(struct madt_x2apic_nmi, acpi_uid), sizeof(*uid));
		return *uid != MADT_NMI_ALL_UIDS32;
	}
	return false;
}

/* The entry's ACPI processor UID becomes uid (a processor or an NMI entry). */
static void set_uid(uint8_t *entry, uint32_t uid)
{
	switch (entry[0]) {
	case MADT_LAPIC:
		entry[__builtin_offsetof(struct madt_lapic, acpi_uid)] = (uint8_t)uid;
		break;
	case MADT_X2APIC:
		memcpy(entry + __builtin_offsetof(struct madt_x2apic, acpi_uid), &uid, sizeof(uid));
		break;
	case MADT_LAPIC_NMI:
		entry[__builtin_offsetof(struct madt_lapic_nmi, acpi_uid)] = (uint8_t)uid;
		break;
	default: /* MADT_X2APIC_NMI */
		memcpy(entry + __builtin_offsetof(struct madt_x2apic_nmi, acpi_uid), &uid, sizeof(uid));
	}
}

/*
 * The index in apic_ids of the processor the firmware gave ACPI UID uid, as
 * the table's processor entries still say before they are renumbered; n if
 * no kept processor has it.
 */
static unsigned int kept_cpu_with_uid(const struct acpi_madt *madt, uint32_t uid,
				      const uint32_t *apic_ids, unsigned int n)
{
	const uint8_t *base = (const uint8_t *)madt;

	for (size_t off = sizeof(*madt); off + 2 <= madt->header.length; off += base[off + 1]) {
		uint32_t id;

		if (madt_cpu_entry(base + off, &id) && cpu_uid(base + off) == uid)
			return index_of(id, apic_ids, n);
	}
	return n;
}

/* Takes the entry at off out of the table; the freed tail is zeroed. */
static void remove_entry(struct acpi_madt *madt, size_t off)
{
	uint8_t *base = (uint8_t *)madt;
	uint8_t elen = base[off + 1];

	memmove(base + off, base + off + elen, madt->header.length - off - elen);
	madt->header.length -= elen;
	memset(base + madt->header.length, 0, elen);
}

/*
 * One pass over the table: each entry that names a processor (its UID for
 * NMI entries, its APIC ID for processor entries) whose APIC ID is kept gets
 * that CPU's new UID; one naming any other goes. nmi picks the kind of entry
 * this pass looks at. Returns how many entries went.
 */
static int keep_pass(struct acpi_madt *madt, const uint32_t *apic_ids, unsigned int n, bool nmi)
{
	uint8_t *base = (uint8_t *)madt;
	size_t off = sizeof(*madt);
	int removed = 0;

	while (off + 2 <= madt->header.length) {
		uint32_t key;
		unsigned int i;

		if (nmi && nmi_uid(base + off, &key))
			i = kept_cpu_with_uid(madt, key, apic_ids, n);
		else if (!nmi && madt_cpu_entry(base + off, &key))
			i = index_of(key, apic_ids, n);
		else {
			off += base[off + 1];
			continue;
		}
		if (i < n) {
			set_uid(base + off, i);
			off += base[off + 1];
		} else {
			remove_entry(madt, off);
			removed++;
		}
	}
	return removed;
}

int madt_keep_cpus(struct acpi_madt *madt, size_t len, const uint32_t *apic_ids, unsigned int n)
{
	uint8_t *base = (uint8_t *)madt;
	uint8_t sum = 0;
	int removed;

	if (!madt_valid(madt, len))
		return -EINVAL;
	/*
	 * NMI entries first, while the processor entries still carry the UIDs
	 * the NMI entries name. Entries are removed, not marked disabled: an OS
	 * counts disabled entries as hot-pluggable CPUs (Linux: "Allowing 2
	 * CPUs, 1 hotplug").
	 */
	removed = keep_pass(madt, apic_ids, n, true);
	removed += keep_pass(madt, apic_ids, n, false);
	madt->header.checksum = 0;
	for (size_t i = 0; i < madt->header.length; i++)
		sum += base[i];
	madt->header.checksum = (uint8_t)-sum;
	return removed;
}
