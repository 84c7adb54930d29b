/* Finding the structures a PC BIOS leaves in low memory. */
#ifndef ASM_BIOS_H
#define ASM_BIOS_H

#include <tern/types.h>

/*
 * Looks for a structure of size bytes starting with sig (sig_len bytes) on a
 * 16-byte boundary in the first KiB of the EBDA, the last KiB of base memory
 * and the BIOS ROM (0xe0000-0xfffff), and returns the first one valid()
 * accepts; NULL if none.
 */
const void *bios_find(const char *sig, size_t sig_len, size_t size, bool (*valid)(const void *p));

#endif
