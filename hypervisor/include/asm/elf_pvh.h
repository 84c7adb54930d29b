/*
 * Kernels that carry Xen's PVH entry note: an ELF file (32- or 64-bit
 * container; an ELF32 may hold x86-64 code) whose PT_NOTE segment has a note
 * named "Xen" of type XEN_ELFNOTE_PHYS32_ENTRY giving the 32-bit entry point.
 */
#ifndef ASM_ELF_PVH_H
#define ASM_ELF_PVH_H

#include <tern/types.h>

#define ELF_PVH_MAX_SEGMENTS 16

struct elf_pvh_segment {
	uint64_t paddr;   /* where it goes */
	uint64_t offset;  /* where it is in the file */
	uint64_t filesz;  /* bytes from the file; the rest of memsz is zeroed */
	uint64_t memsz;
};

struct elf_pvh_info {
	uint32_t entry;   /* physical, 32-bit protected mode */
	unsigned int nr_segments;
	struct elf_pvh_segment segment[ELF_PVH_MAX_SEGMENTS];
	uint64_t lowest;  /* [lowest, highest): all that the segments occupy */
	uint64_t highest;
};

/* True if the image starts with the ELF magic (it is an ELF, maybe not a PVH one). */
bool elf_is_elf(const void *image, size_t len);

/*
 * Checks that image[0, len) is an x86 ELF executable with the PVH entry note
 * and loadable segments inside the file and below 4 GiB. Reads nothing outside
 * image[0, len). Returns 0 and fills info, or:
 *   -ENOEXEC   not an x86 ELF executable, or a header that contradicts itself;
 *   -ENODATA   the file is shorter than its headers say (truncated);
 *   -ENOENT    no PVH entry note (a kernel built without CONFIG_PVH);
 *   -E2BIG     more than ELF_PVH_MAX_SEGMENTS loadable segments;
 *   -ERANGE    the entry point is outside the loadable segments.
 */
int elf_pvh_parse(const void *image, size_t len, struct elf_pvh_info *info);

/* What an error of elf_pvh_parse() means, for a message to the user. */
const char *elf_pvh_strerror(int rc);

#endif
