/* Hypercalls from dom0 user space through /dev/xen/privcmd. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "privcmd_dev.h"
#include "ternctl.h"

int tc_open(struct tc_handle *h, const char *path)
{
	h->fd = open(path ? path : TC_PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
	return h->fd < 0 ? -errno : 0;
}

void tc_close(struct tc_handle *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

long tc_hypercall(struct tc_handle *h, uint64_t op, uint64_t a0, uint64_t a1,
		  uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct privcmd_hypercall call = { op, { a0, a1, a2, a3, a4 } };
	long rc;

	/* privcmd returns the hypervisor's result: negative ones become errno. */
	rc = ioctl(h->fd, IOCTL_PRIVCMD_HYPERCALL, &call);
	return rc < 0 ? -errno : rc;
}

static size_t page_round(size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (len + page - 1) / page * page;
}

void *tc_buf_alloc(size_t len)
{
	void *p;

	if (len == 0)
		len = 1;
	p = mmap(NULL, page_round(len), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Touch every page so it is present; mlock keeps it so (best effort). */
	memset(p, 0, page_round(len));
	(void)mlock(p, page_round(len));
	return p;
}

void tc_buf_free(void *p, size_t len)
{
	if (!p)
		return;
	if (len == 0)
		len = 1;
	munlock(p, page_round(len));
	munmap(p, page_round(len));
}
