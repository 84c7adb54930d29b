/* Parsing PVH kernels (pure: the unit tests feed it bytes). */
#include <asm/elf_pvh.h>
#include <public/start_info.h>
#include <tern/errno.h>
#include <tern/string.h>

#define EI_CLASS 4
#define ELFCLASS32 1
#define ELFCLASS64 2
#define EI_DATA 5
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4

/* The fields of the headers tern needs, whatever the ELF class. */
struct elf_view {
	bool is64;
	uint16_t type, machine, phnum, phentsize;
	uint64_t phoff;
};

struct phdr_view {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

static uint64_t get(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

bool elf_is_elf(const void *image, size_t len)
{
	return len >= 4 && !memcmp(image, "\x7f" "ELF", 4);
}

static int read_header(const uint8_t *img, size_t len, struct elf_view *e)
{
	if (!elf_is_elf(img, len) || len < 52)
		return len < 52 && elf_is_elf(img, len) ? -ENODATA : -ENOEXEC;
	if (img[EI_DATA] != ELFDATA2LSB ||
	    (img[EI_CLASS] != ELFCLASS32 && img[EI_CLASS] != ELFCLASS64))
		return -ENOEXEC;
	e->is64 = img[EI_CLASS] == ELFCLASS64;
	if (e->is64 && len < 64)
		return -ENODATA;
	e->type = (uint16_t)get(img + 16, 2);
	e->machine = (uint16_t)get(img + 18, 2);
	e->phoff = e->is64 ? get(img + 32, 8) : get(img + 28, 4);
	e->phentsize = (uint16_t)get(img + (e->is64 ? 54 : 42), 2);
	e->phnum = (uint16_t)get(img + (e->is64 ? 56 : 44), 2);
	if (e->type != ET_EXEC || (e->machine != EM_386 && e->machine != EM_X86_64) ||
	    e->phentsize < (e->is64 ? 56 : 32))
		return -ENOEXEC;
	if (e->phoff > len || (uint64_t)e->phnum * e->phentsize > len - e->phoff)
		return -ENODATA;
	return 0;
}

static void read_phdr(const uint8_t *p, bool is64, struct phdr_view *ph)
{
	ph->type = (uint32_t)get(p, 4);
	if (is64) {
		ph->offset = get(p + 8, 8);
		ph->paddr = get(p + 24, 8);
		ph->filesz = get(p + 32, 8);
		ph->memsz = get(p + 40, 8);
	} else {
		ph->offset = get(p + 4, 4);
		ph->paddr = get(p + 12, 4);
		ph->filesz = get(p + 16, 4);
		ph->memsz = get(p + 20, 4);
	}
}

/* Looks through one PT_NOTE segment for the PVH entry. */
static bool find_entry_note(const uint8_t *note, uint64_t size, uint32_t *entry)
{
	uint64_t off = 0;

	while (size - off >= 12) {
		uint32_t namesz = (uint32_t)get(note + off, 4), descsz = (uint32_t)get(note + off + 4, 4);
		uint32_t type = (uint32_t)get(note + off + 8, 4);
		uint64_t name_off = off + 12, desc_off = name_off + ALIGN_UP((uint64_t)namesz, 4);
		uint64_t next = desc_off + ALIGN_UP((uint64_t)descsz, 4);

		if (next > size)
			return false;
		if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 &&
		    !memcmp(note + name_off, "Xen", 4) && (descsz == 4 || descsz == 8)) {
			*entry = (uint32_t)get(note + desc_off, 4);
			return true;
		}
		off = next;
	}
	return false;
}

int elf_pvh_parse(const void *image, size_t len, struct elf_pvh_info *info)
{
	const uint8_t *img = image;
	struct elf_view e;
	bool have_entry = false;
	int rc = read_header(img, len, &e);

	if (rc)
		return rc;
	memset(info, 0, sizeof(*info));
	info->lowest = UINT64_MAX;
	for (unsigned int i = 0; i < e.phnum; i++) {
		struct phdr_view ph;

		read_phdr(img + e.phoff + (uint64_t)i * e.phentsize, e.is64, &ph);
		if (ph.type != PT_LOAD && ph.type != PT_NOTE)
			continue;
		if (ph.offset > len || ph.filesz > len - ph.offset)
			return -ENODATA;
		if (ph.type == PT_NOTE) {
			have_entry |= find_entry_note(img + ph.offset, ph.filesz, &info->entry);
			continue;
		}
		if (!ph.memsz)
			continue;
		if (ph.filesz > ph.memsz || ph.paddr >= GiB(4) || ph.memsz > GiB(4) - ph.paddr)
			return -ENOEXEC;
		if (info->nr_segments == ELF_PVH_MAX_SEGMENTS)
			return -E2BIG;
		info->segment[info->nr_segments++] =
			(struct elf_pvh_segment){ ph.paddr, ph.offset, ph.filesz, ph.memsz };
		info->lowest = MIN(info->lowest, ph.paddr);
		info->highest = MAX(info->highest, ph.paddr + ph.memsz);
	}
	if (!info->nr_segments)
		return -ENOEXEC;
	if (!have_entry)
		return -ENOENT;
	if (info->entry < info->lowest || info->entry >= info->highest)
		return -ERANGE;
	return 0;
}

_Static_assert(ELF_PVH_MAX_SEGMENTS == 16, "elf_pvh_strerror says 16");

const char *elf_pvh_strerror(int rc)
{
	switch (rc) {
	case -ENODATA:
		return "truncated: its headers point past the end of the file";
	case -ENOENT:
		return "no PVH entry note: build it with CONFIG_PVH";
	case -E2BIG:
		return "more than 16 loadable segments";
	case -ERANGE:
		return "the PVH entry lies outside its loadable segments";
	default:
		return "not an x86 executable, or headers that contradict themselves";
	}
}
