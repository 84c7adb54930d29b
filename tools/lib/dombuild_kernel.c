/*
 * Kernel images for PVH (docs/pvh-boot.md, "The image"): an ELF (32- or 64-bit) with the
 * note "Xen" / XEN_ELFNOTE_PHYS32_ENTRY giving the 32-bit entry, or a
 * bzImage whose payload (setup header payload_offset @0x248, payload_length
 * @0x24c, counted from the protected-mode part at (setup_sects + 1) * 512)
 * decompresses to such an ELF. PT_LOAD segments go at their physical
 * addresses (p_paddr): Linux 6.1's PVH entry is not relocatable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dombuild.h"

/* A decompressed kernel bigger than this is refused (Debian's is ~60 MiB). */
#define KERNEL_MAX (512u << 20)

#define PT_LOAD 1
#define PT_NOTE 4
#define SHT_NOTE 7

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Fields of ELF32/ELF64 headers by class: (offset32, offset64, size32, size64). */
struct elf {
	const uint8_t *p;
	size_t len;
	int is64;
};

static uint64_t elf_word(const struct elf *e, const uint8_t *at, int wide)
{
	return wide && e->is64 ? le64(at) : le32(at);
}

/* Scans a note area for "Xen" type 18; returns 1 and *entry if found. */
static int scan_notes(const uint8_t *p, uint64_t len, uint64_t *entry)
{
	uint64_t pos = 0;

	while (len - pos >= 12) {
		uint32_t namesz = le32(p + pos), descsz = le32(p + pos + 4), type = le32(p + pos + 8);
		uint64_t name = pos + 12, desc = name + ((namesz + 3ull) & ~3ull);
		uint64_t next = desc + ((descsz + 3ull) & ~3ull);

		if (desc > len || next > len || desc + descsz > len)
			return 0;
		if (namesz == 4 && memcmp(p + name, "Xen", 4) == 0 &&
		    type == XEN_ELFNOTE_PHYS32_ENTRY) {
			if (descsz == 4)
				*entry = le32(p + desc);
			else if (descsz == 8)
				*entry = le64(p + desc);
			else
				return 0;
			return 1;
		}
		pos = next;
	}
	return 0;
}

static int elf_parse(struct dombuild_kernel *k, char *err, size_t errlen)
{
	struct elf e = { k->image, k->image_len, 0 };
	uint64_t phoff, shoff;
	unsigned phentsize, phnum, shentsize, shnum;
	int found = 0;

	if (e.len < 52 || memcmp(e.p, "\x7f" "ELF", 4) != 0) {
		snprintf(err, errlen, "not an ELF file");
		return -ENOEXEC;
	}
	if (e.p[4] != 1 && e.p[4] != 2) {
		snprintf(err, errlen, "ELF: unknown class %u", e.p[4]);
		return -EINVAL;
	}
	e.is64 = e.p[4] == 2;
	if (e.p[5] != 1 || (e.is64 && e.len < 64)) {
		snprintf(err, errlen, "ELF: not a little-endian x86 ELF, or truncated header");
		return -EINVAL;
	}
	phoff = elf_word(&e, e.p + (e.is64 ? 32 : 28), 1);
	shoff = elf_word(&e, e.p + (e.is64 ? 40 : 32), 1);
	phentsize = le16(e.p + (e.is64 ? 54 : 42));
	phnum = le16(e.p + (e.is64 ? 56 : 44));
	shentsize = le16(e.p + (e.is64 ? 58 : 46));
	shnum = le16(e.p + (e.is64 ? 60 : 48));
	if (phentsize < (e.is64 ? 56u : 32u) || phoff > e.len ||
	    (uint64_t)phnum * phentsize > e.len - phoff) {
		snprintf(err, errlen, "ELF: program headers are damaged or truncated "
			 "(%u at offset %llu, file is %zu bytes)", phnum,
			 (unsigned long long)phoff, e.len);
		return -EINVAL;
	}
	k->lo = UINT64_MAX;
	k->hi = 0;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = e.p + phoff + (uint64_t)i * phentsize;
		uint32_t type = le32(ph);
		uint64_t off = elf_word(&e, ph + (e.is64 ? 8 : 4), 1);
		uint64_t paddr = elf_word(&e, ph + (e.is64 ? 24 : 12), 1);
		uint64_t filesz = elf_word(&e, ph + (e.is64 ? 32 : 16), 1);
		uint64_t memsz = elf_word(&e, ph + (e.is64 ? 40 : 20), 1);

		if (type != PT_LOAD && type != PT_NOTE)
			continue;
		if (off > e.len || filesz > e.len - off) {
			snprintf(err, errlen, "ELF: segment %u (offset %llu, %llu bytes) lies beyond "
				 "the end of the file (%zu bytes): truncated image", i,
				 (unsigned long long)off, (unsigned long long)filesz, e.len);
			return -EINVAL;
		}
		if (type == PT_NOTE) {
			found |= scan_notes(e.p + off, filesz, &k->entry);
			continue;
		}
		if (memsz == 0)
			continue;
		if (filesz > memsz || paddr + memsz < paddr || paddr + memsz > (1ull << 40)) {
			snprintf(err, errlen, "ELF: segment %u has bad sizes or addresses", i);
			return -EINVAL;
		}
		if (k->nsegs == DOMBUILD_MAX_SEGS) {
			snprintf(err, errlen, "ELF: more than %d loadable segments", DOMBUILD_MAX_SEGS);
			return -EINVAL;
		}
		k->segs[k->nsegs].paddr = paddr;
		k->segs[k->nsegs].filesz = filesz;
		k->segs[k->nsegs].memsz = memsz;
		k->segs[k->nsegs].data = e.p + off;
		k->nsegs++;
		if (paddr < k->lo)
			k->lo = paddr;
		if (paddr + memsz > k->hi)
			k->hi = paddr + memsz;
	}
	/* Without PT_NOTE the note may still be in a SHT_NOTE section. */
	if (!found && shoff && shentsize >= (e.is64 ? 64u : 40u) && shoff <= e.len &&
	    (uint64_t)shnum * shentsize <= e.len - shoff) {
		for (unsigned i = 0; i < shnum && !found; i++) {
			const uint8_t *sh = e.p + shoff + (uint64_t)i * shentsize;
			uint64_t off = elf_word(&e, sh + (e.is64 ? 24 : 16), 1);
			uint64_t size = elf_word(&e, sh + (e.is64 ? 32 : 20), 1);

			if (le32(sh + 4) == SHT_NOTE && off <= e.len && size <= e.len - off)
				found = scan_notes(e.p + off, size, &k->entry);
		}
	}
	if (k->nsegs == 0) {
		snprintf(err, errlen, "ELF: no loadable segment");
		return -EINVAL;
	}
	if (!found) {
		snprintf(err, errlen, "kernel has no PVH entry note (build it with CONFIG_PVH)");
		return -ENOEXEC;
	}
	if (k->entry < k->lo || k->entry >= k->hi) {
		snprintf(err, errlen, "PVH entry 0x%llx is outside the kernel's segments "
			 "[0x%llx, 0x%llx)", (unsigned long long)k->entry,
			 (unsigned long long)k->lo, (unsigned long long)k->hi);
		return -EINVAL;
	}
	return 0;
}

/* A bzImage: "HdrS" at 0x202; the payload is an ELF, compressed or not. */
static int bzimage_parse(struct dombuild_kernel *k, const uint8_t *file, size_t len, char *err,
			 size_t errlen)
{
	unsigned setup_sects = file[0x1f1] ? file[0x1f1] : 4;
	uint16_t version = le16(file + 0x206);
	uint64_t pm = (setup_sects + 1ull) * 512, off, plen;
	const uint8_t *payload;
	size_t hint = 0;
	char why[160] = "";
	int rc;

	if (version < 0x208 || len < 0x250) {
		snprintf(err, errlen, "bzImage boot protocol %u.%02u has no payload fields (2.08 "
			 "needed)", version >> 8, version & 0xff);
		return -ENOEXEC;
	}
	off = pm + le32(file + 0x248);
	plen = le32(file + 0x24c);
	if (off > len || plen > len - off || plen < 8) {
		snprintf(err, errlen, "bzImage payload (%llu bytes at %llu) lies beyond the end of "
			 "the file (%zu bytes): truncated image", (unsigned long long)plen,
			 (unsigned long long)off, len);
		return -EINVAL;
	}
	payload = file + off;
	k->bzimage = 1;
	k->comp = dombuild_comp_detect(payload, plen);
	if (k->comp == DOMBUILD_COMP_UNKNOWN) {
		snprintf(err, errlen, "bzImage payload: unknown compression (magic %02x %02x %02x "
			 "%02x)", payload[0], payload[1], payload[2], payload[3]);
		return -ENOTSUP;
	}
	if (k->comp == DOMBUILD_COMP_NONE) {
		k->image = malloc(plen);
		if (!k->image)
			return -ENOMEM;
		memcpy(k->image, payload, plen);
		k->image_len = plen;
	} else {
		/* Linux appends the decompressed size to every compressed payload. */
		hint = le32(payload + plen - 4);
		rc = dombuild_decompress(k->comp, payload, plen, hint, KERNEL_MAX, &k->image,
					 &k->image_len, why, sizeof(why));
		if (rc) {
			snprintf(err, errlen, "bzImage: %s", why);
			return rc;
		}
	}
	rc = elf_parse(k, why, sizeof(why));
	if (rc)
		snprintf(err, errlen, "bzImage payload (%s): %s", dombuild_comp_name(k->comp), why);
	return rc;
}

int dombuild_kernel_parse(struct dombuild_kernel *k, const uint8_t *file, size_t len,
			  char *err, size_t errlen)
{
	int rc;

	memset(k, 0, sizeof(*k));
	if (len >= 4 && memcmp(file, "\x7f" "ELF", 4) == 0) {
		k->image = malloc(len);
		if (!k->image)
			return -ENOMEM;
		memcpy(k->image, file, len);
		k->image_len = len;
		rc = elf_parse(k, err, errlen);
	} else if (len >= 0x206 && memcmp(file + 0x202, "HdrS", 4) == 0) {
		rc = bzimage_parse(k, file, len, err, errlen);
	} else if (len >= 0x1f2 && len < 0x250 && file[0x1fe] == 0x55 && file[0x1ff] == 0xaa) {
		snprintf(err, errlen, "truncated bzImage (%zu bytes)", len);
		rc = -EINVAL;
	} else {
		enum dombuild_comp c = dombuild_comp_detect(file, len);

		if (c != DOMBUILD_COMP_UNKNOWN && c != DOMBUILD_COMP_NONE)
			snprintf(err, errlen, "a %s-compressed file, not a kernel: decompress it "
				 "first, or give the bzImage or vmlinux", dombuild_comp_name(c));
		else
			snprintf(err, errlen, "not a kernel: neither an ELF nor a bzImage");
		rc = -ENOEXEC;
	}
	if (rc)
		dombuild_kernel_free(k);
	return rc;
}

void dombuild_kernel_free(struct dombuild_kernel *k)
{
	free(k->image);
	memset(k, 0, sizeof(*k));
}

int dombuild_read_file(const char *path, const char *what, uint8_t **data, size_t *len,
		       char *err, size_t errlen)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd, rc;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open %s %s: %s", what, path, strerror(-rc));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		snprintf(err, errlen, "%s %s is not a regular file", what, path);
		goto out;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		rc = -ENOMEM;
		snprintf(err, errlen, "%s %s: out of memory", what, path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			snprintf(err, errlen, "cannot read %s %s: %s", what, path, strerror(-rc));
			goto out;
		}
		got += (size_t)n;
	}
	*data = buf;
	*len = got;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}
