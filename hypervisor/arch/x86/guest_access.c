/*
 * Copying to and from a guest's virtual address space: the guest's own page
 * tables (walked as the CPU would) and then its nested page table.
 */
#include <asm/guest_walk.h>
#include <asm/npt_build.h>
#include <tern/errno.h>
#include <tern/hypercall.h>
#include <tern/string.h>

extern struct npt_mem hypervisor_npt_mem;

static bool read_gpa(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	return domain_read_gpa(ctx, gpa, buf, len) == 0;
}

/* The hypervisor pointer to guest-virtual gva, valid to the end of its page. */
static void *guest_pointer(struct vcpu *v, uint64_t gva)
{
	struct guest_paging paging;
	uint64_t gpa, hpa;

	hvm->guest_paging(v, &paging);
	if (guest_walk(&paging, gva, read_gpa, v->domain, &gpa) ||
	    npt_translate(&hypervisor_npt_mem, v->domain->npt_root, gpa, &hpa, NULL))
		return NULL;
	return (void *)(uintptr_t)hpa;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	uint8_t *out = dst;

	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gva & ~PAGE_MASK));
		const void *src = guest_pointer(v, gva);

		if (!src)
			return -EFAULT;
		memcpy(out, src, chunk);
		out += chunk;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	const uint8_t *in = src;

	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gva & ~PAGE_MASK));
		void *dst = guest_pointer(v, gva);

		if (!dst)
			return -EFAULT;
		memcpy(dst, in, chunk);
		in += chunk;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}
