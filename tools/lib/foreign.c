/* Mapping another domain's frames through privcmd's mmap batch (v2). */
#include <errno.h>
#include <sys/mman.h>

#include "privcmd_dev.h"
#include "ternctl.h"

void *tc_map_foreign(struct tc_handle *h, uint16_t domid, int prot,
		     const uint64_t *gfns, int *errs, unsigned num)
{
	struct privcmd_mmapbatch_v2 batch;
	void *addr;
	int saved;

	if (num == 0) {
		errno = EINVAL;
		return NULL;
	}
	/* The kernel fills a VMA of the privcmd file with the foreign frames. */
	addr = mmap(NULL, (size_t)num * 4096, prot, MAP_SHARED, h->fd, 0);
	if (addr == MAP_FAILED)
		return NULL;
	batch.num = num;
	batch.dom = domid;
	batch.pad0 = 0;
	batch.addr = (uint64_t)(uintptr_t)addr;
	batch.arr = gfns;
	batch.err = errs;
	if (ioctl(h->fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &batch) < 0) {
		/* ENOENT: some frames failed (see errs), the others are mapped. */
		if (errno == ENOENT)
			return addr;
		saved = errno;
		munmap(addr, (size_t)num * 4096);
		errno = saved;
		return NULL;
	}
	return addr;
}

int tc_unmap_foreign(void *addr, unsigned num)
{
	return munmap(addr, (size_t)num * 4096) < 0 ? -errno : 0;
}
