/*
 * Copying to and from a guest's virtual address space: the guest's own page
 * tables (walked as the CPU would), then its nested page table, one page at
 * a time through p2m_copy_from/p2m_copy_to, which copy only RAM the
 * hypervisor maps and write only what the guest may write.
 */
#include <asm/guest_walk.h>
#include <asm/insn.h>
#include <tern/errno.h>
#include <tern/hypercall.h>
#include <tern/p2m.h>

static bool read_gpa(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	return domain_read_gpa(ctx, gpa, buf, len) == 0;
}

static bool set_gpa_bits(void *ctx, uint64_t gpa, uint64_t bits, size_t len)
{
	return p2m_set_bits(ctx, gpa, bits, len);
}

int guest_translate(struct vcpu *v, uint64_t gva, const struct guest_access *a, uint64_t *gpa,
		    uint32_t *pf_error)
{
	struct guest_paging paging;

	hvm->guest_paging(v, &paging);
	return guest_walk_access(&paging, gva, a, read_gpa, set_gpa_bits, v->domain, gpa, pf_error);
}

/* The guest-physical address of guest-virtual gva, or false. */
static bool guest_physical(struct vcpu *v, uint64_t gva, uint64_t *gpa)
{
	struct guest_paging paging;

	hvm->guest_paging(v, &paging);
	return guest_walk(&paging, gva, read_gpa, v->domain, gpa) == 0;
}

/*
 * Copies len bytes between the guest's virtual gva and the hypervisor, a
 * page at a time: into `into` when it is set (from the guest), else from
 * `from` (to the guest).
 */
static int copy_guest(struct vcpu *v, uint64_t gva, uint8_t *into, const uint8_t *from,
		      size_t len)
{
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gva & ~PAGE_MASK));
		uint64_t gpa;

		if (!guest_physical(v, gva, &gpa))
			return -EFAULT;
		if (into ? p2m_copy_from(v->domain, gpa, into, chunk)
			 : p2m_copy_to(v->domain, gpa, from, chunk))
			return -EFAULT;
		if (into)
			into += chunk;
		else
			from += chunk;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	return copy_guest(v, gva, dst, NULL, len);
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	return copy_guest(v, gva, NULL, src, len);
}

size_t hvm_fetch_insn_at(struct vcpu *v, uint64_t va, uint8_t *buf)
{
	size_t got = 0;

	/* Page by page: the instruction may end before a hole. */
	while (got < INSN_MAX_LEN) {
		size_t chunk = MIN(INSN_MAX_LEN - got, PAGE_SIZE - ((va + got) & ~PAGE_MASK));

		if (copy_from_guest(v, buf + got, va + got, chunk))
			break;
		got += chunk;
	}
	return got;
}
