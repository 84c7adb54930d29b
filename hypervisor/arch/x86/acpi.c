/* Finding ACPI tables the way the firmware publishes them on a PC. */
#include <asm/acpi.h>
#include <asm/bios.h>
#include <asm/paging.h>
#include <tern/string.h>

static bool rsdp_valid(const void *p)
{
	const struct acpi_rsdp *rsdp = p;

	if (!acpi_checksum_ok(rsdp, 20))
		return false;
	return rsdp->revision < 2 || acpi_checksum_ok(rsdp, sizeof(*rsdp));
}

static const struct acpi_header *table_if_valid(uint64_t addr, const char *signature)
{
	const struct acpi_header *h = (const void *)(uintptr_t)addr;

	/* Only the direct map reaches memory; a table outside it is ignored. */
	if (!addr || addr + sizeof(*h) > direct_map_end)
		return NULL;
	if (signature && memcmp(h->signature, signature, 4))
		return NULL;
	if (h->length < sizeof(*h) || addr + h->length > direct_map_end ||
	    !acpi_checksum_ok(h, h->length))
		return NULL;
	return h;
}

struct acpi_madt *acpi_find_madt(void)
{
	const struct acpi_rsdp *rsdp = bios_find("RSD PTR ", 8, sizeof(*rsdp), rsdp_valid);
	const struct acpi_header *root;
	bool xsdt;

	if (!rsdp)
		return NULL;
	xsdt = rsdp->revision >= 2 && rsdp->xsdt_address;
	root = xsdt ? table_if_valid(rsdp->xsdt_address, "XSDT")
		    : table_if_valid(rsdp->rsdt_address, "RSDT");
	if (!root)
		return NULL;

	size_t entry_size = xsdt ? 8 : 4;
	size_t count = (root->length - sizeof(*root)) / entry_size;
	const uint8_t *entries = (const uint8_t *)(root + 1);

	for (size_t i = 0; i < count; i++) {
		uint64_t addr = 0;

		memcpy(&addr, entries + i * entry_size, entry_size);
		const struct acpi_header *h = table_if_valid(addr, "APIC");
		if (h && h->length >= sizeof(struct acpi_madt))
			return (struct acpi_madt *)h;
	}
	return NULL;
}
