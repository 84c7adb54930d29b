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

int guest_span_init(struct vcpu *v, struct guest_span *s, uint64_t gva, size_t len)
{
	uint64_t first = gva >> PAGE_SHIFT, pages;

	if (len == 0 || gva + len - 1 < gva)
		return -EINVAL;
	pages = ((gva + len - 1) >> PAGE_SHIFT) - first + 1;
	if (pages > GUEST_SPAN_PAGES)
		return -EINVAL;
	for (uint64_t i = 0; i < pages; i++)
		if (!guest_physical(v, (first + i) << PAGE_SHIFT, &s->gpa[i]))
			return -EFAULT;
	s->d = v->domain;
	s->gva = gva;
	s->len = len;
	return 0;
}

/* A read (out set) or a write (in set) of len bytes at offset off, page by page. */
static int span_copy(const struct guest_span *s, size_t off, void *out, const void *in, size_t len)
{
	if (off > s->len || len > s->len - off)
		return -EFAULT;
	while (len) {
		uint64_t gva = s->gva + off;
		size_t chunk = MIN(len, PAGE_SIZE - (gva & ~PAGE_MASK));
		uint64_t gpa = s->gpa[(gva >> PAGE_SHIFT) - (s->gva >> PAGE_SHIFT)] | (gva & ~PAGE_MASK);
		int rc = out ? p2m_copy_from(s->d, gpa, (uint8_t *)out, chunk)
			     : p2m_copy_to(s->d, gpa, in, chunk);

		if (rc)
			return -EFAULT;
		out = out ? (uint8_t *)out + chunk : NULL;
		in = in ? (const uint8_t *)in + chunk : NULL;
		off += chunk;
		len -= chunk;
	}
	return 0;
}

int guest_span_read(const struct guest_span *s, size_t off, void *dst, size_t len)
{
	return span_copy(s, off, dst, NULL, len);
}

int guest_span_write(const struct guest_span *s, size_t off, const void *src, size_t len)
{
	return span_copy(s, off, NULL, src, len);
}

/* copy_from_guest and copy_to_guest: a span per page of the range. */
static int copy_pages(struct vcpu *v, uint64_t gva, void *out, const void *in, size_t len)
{
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gva & ~PAGE_MASK));
		struct guest_span s;

		if (guest_span_init(v, &s, gva, chunk) || span_copy(&s, 0, out, in, chunk))
			return -EFAULT;
		out = out ? (uint8_t *)out + chunk : NULL;
		in = in ? (const uint8_t *)in + chunk : NULL;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	return copy_pages(v, gva, dst, NULL, len);
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	return copy_pages(v, gva, NULL, src, len);
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
