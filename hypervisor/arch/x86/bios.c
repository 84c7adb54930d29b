/* Scanning the BIOS areas, as the ACPI and MP specifications tell an OS to. */
#include <asm/bios.h>
#include <tern/string.h>

#define EBDA_SEGMENT_PTR 0x40e
#define BASE_MEMORY_KIB_PTR 0x413
#define BIOS_ROM_START 0xe0000
#define BIOS_ROM_END 0x100000

static const void *scan(uintptr_t start, uintptr_t end, const char *sig, size_t sig_len,
			size_t size, bool (*valid)(const void *p))
{
	for (uintptr_t p = start; p + size <= end; p += 16)
		if (!memcmp((const void *)p, sig, sig_len) && valid((const void *)p))
			return (const void *)p;
	return NULL;
}

const void *bios_find(const char *sig, size_t sig_len, size_t size, bool (*valid)(const void *p))
{
	uintptr_t ebda = (uintptr_t)*(const volatile uint16_t *)EBDA_SEGMENT_PTR << 4;
	uintptr_t base_end = (uintptr_t)*(const volatile uint16_t *)BASE_MEMORY_KIB_PTR << 10;
	const void *found = NULL;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		found = scan(ebda, ebda + 1024, sig, sig_len, size, valid);
	if (!found && base_end >= 0x80000 && base_end <= 0xa0000)
		found = scan(base_end - 1024, base_end, sig, sig_len, size, valid);
	if (!found)
		found = scan(BIOS_ROM_START, BIOS_ROM_END, sig, sig_len, size, valid);
	return found;
}
