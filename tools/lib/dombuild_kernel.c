/*
 * Kernel images for PVH (docs/pvh-boot.md, "The image"): an ELF (32- or
 * 64-bit) with the note "Xen" / XEN_ELFNOTE_PHYS32_ENTRY giving the 32-bit
 * entry, or a bzImage whose payload decompresses to such an ELF. Both are
 * checked by the hypervisor's own parsers (dom0/elf_pvh.c, dom0/bzimage.c,
 * built into this library), so a domU kernel and dom0's pass the same
 * checks. PT_LOAD segments go at their physical addresses (p_paddr): Linux
 * 6.1's PVH entry is not relocatable.
 */
#include <asm/bzimage.h>
#include <endian.h>
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

/* The hypervisor's parser (asm/elf_pvh.h), which dom0's kernel goes through too. */
static int elf_parse(struct dombuild_kernel *k, char *err, size_t errlen)
{
	int rc = elf_pvh_parse(k->image, k->image_len, &k->elf);

	if (!rc)
		return 0;
	snprintf(err, errlen, "ELF kernel (%zu bytes): %s", k->image_len, elf_pvh_strerror(rc));
	/* This library's codes: no note is "not a PVH kernel", the rest damage. */
	return rc == -ENOENT || rc == -ENOEXEC ? -ENOEXEC : -EINVAL;
}

/* A bzImage: its payload is an ELF, compressed or not. */
static int bzimage_payload(struct dombuild_kernel *k, const uint8_t *file, size_t len, char *err,
			   size_t errlen)
{
	struct bzimage_info bz;
	const uint8_t *payload;
	uint32_t size_le;
	char why[160] = "";
	int rc = bzimage_parse(file, len, &bz);

	if (rc) {
		snprintf(err, errlen, "bzImage (%zu bytes): %s", len, bzimage_strerror(rc));
		return rc == -ENODATA ? -EINVAL : -ENOEXEC;
	}
	if (bz.payload_length < 8) {
		snprintf(err, errlen, "bzImage: its payload is %u bytes", bz.payload_length);
		return -ENOEXEC;
	}
	payload = file + bz.payload_offset;
	k->bzimage = 1;
	k->comp = dombuild_comp_detect(payload, bz.payload_length);
	if (k->comp == DOMBUILD_COMP_UNKNOWN) {
		snprintf(err, errlen, "bzImage payload: unknown compression (magic %02x %02x %02x "
			 "%02x)", payload[0], payload[1], payload[2], payload[3]);
		return -ENOTSUP;
	}
	if (k->comp == DOMBUILD_COMP_NONE) {
		k->image = malloc(bz.payload_length);
		if (!k->image)
			return -ENOMEM;
		memcpy(k->image, payload, bz.payload_length);
		k->image_len = bz.payload_length;
	} else {
		/* Linux appends the decompressed size to every compressed payload. */
		memcpy(&size_le, payload + bz.payload_length - 4, 4);
		rc = dombuild_decompress(k->comp, payload, bz.payload_length, le32toh(size_le), KERNEL_MAX,
					 &k->image, &k->image_len, why, sizeof(why));
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
	} else if (len >= 0x200 && file[0x1fe] == 0x55 && file[0x1ff] == 0xaa) {
		rc = bzimage_payload(k, file, len, err, errlen);
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
