/*
 * The hypervisor's reads and writes of guest memory (tern/p2m.h): through
 * the domain's nested table, under its p2m lock, and only where the frame
 * behind is RAM the hypervisor maps and, for a write, one the domain itself
 * may write. So a guest (or a dom0 process through privcmd) that points a
 * hypercall at MMIO, at dom0's LAPIC page, above the direct map or at a
 * read-only grant mapping gets -EFAULT, and the hypervisor touches nothing.
 */
#include <asm/p2m_build.h>
#include <asm/paging.h>
#include <tern/errno.h>
#include <tern/p2m.h>
#include <tern/p2m_bounds.h>
#include <tern/setup.h>
#include <tern/string.h>

/* Lookups only: nothing is allocated or freed through it. */
static struct p2m_mem lookup_mem = { .map = p2m_direct_map };

/* Host frames the hypervisor may dereference: RAM of the heap (domUs'
 * memory, hypervisor pages given to guests) or dom0's, below the end of
 * the direct map. Never a device's registers, never an unmapped address. */
static bool host_ram(paddr_t hpa)
{
	paddr_t page = hpa & PAGE_MASK;

	return page < direct_map_end &&
	       (e820_contains(&boot_info.map, page, PAGE_SIZE, E820_RAM) ||
		e820_contains(&boot_info.map, page, PAGE_SIZE, E820_DOM0));
}

/* What d's table shows at gpa; d's p2m_lock held. */
enum gpa_kind { GPA_NOTHING, GPA_RAM, GPA_OTHER };

/*
 * What d's table shows at gfn (GPA_RAM: RAM the hypervisor maps), walked
 * once and kept while d's p2m_gen holds: every write of the table bumps it
 * (p2m.c) and the host map never changes, so the kept view is the table's
 * now. d's table exists and its p2m_lock is held.
 */
static const struct p2m_seen *seen_locked(struct domain *d, uint64_t gfn)
{
	struct p2m_seen *c = &d->p2m_seen_cache[gfn % P2M_SEEN_CACHE];
	paddr_t hpa;
	bool writable;

	if (c->gen == d->p2m_gen && c->gfn == gfn)
		return c;
	*c = (struct p2m_seen){ .gfn = gfn, .gen = d->p2m_gen, .kind = GPA_NOTHING };
	if (!p2m_build_translate(hvm->p2m_format, &lookup_mem, d->npt_root, gfn << PAGE_SHIFT, &hpa, NULL,
				 &writable)) {
		c->hpa = hpa;
		c->writable = writable;
		c->kind = host_ram(hpa) ? GPA_RAM : GPA_OTHER;
	}
	return c;
}

/* The hypervisor pointer to gpa in d if d may read (write: and write) it
 * and it is RAM, with what is there; d's p2m_lock held. */
static void *guest_pointer_locked(struct domain *d, uint64_t gpa, bool write, enum gpa_kind *kind)
{
	const struct p2m_seen *seen;

	*kind = GPA_OTHER;
	if (!d->npt_root)
		return NULL;
	seen = seen_locked(d, gpa >> PAGE_SHIFT);
	if (seen->kind == GPA_NOTHING) {
		*kind = GPA_NOTHING;
		return NULL;
	}
	if (seen->kind != GPA_RAM || (write && !seen->writable))
		return NULL;
	*kind = GPA_RAM;
	return (void *)(uintptr_t)(seen->hpa | (gpa & ~PAGE_MASK));
}

/* Copies len bytes at gpa to out (a read) or from in (a write: in set):
 * 0, or -EFAULT with *kind saying what was there instead. */
static int copy(struct domain *d, uint64_t gpa, void *out, const void *in, size_t len,
		enum gpa_kind *kind)
{
	uint8_t *p;
	int rc = -EFAULT;

	*kind = GPA_OTHER;
	if (len > PAGE_SIZE - (gpa & ~PAGE_MASK))
		return -EFAULT;
	spin_lock(&d->p2m_lock);
	p = guest_pointer_locked(d, gpa, in != NULL, kind);
	if (p) {
		if (in)
			memcpy(p, in, len);
		else
			memcpy(out, p, len);
		rc = 0;
	}
	spin_unlock(&d->p2m_lock);
	return rc;
}

int p2m_copy_from(struct domain *d, uint64_t gpa, void *buf, size_t len)
{
	enum gpa_kind kind;

	return copy(d, gpa, buf, NULL, len, &kind);
}

int p2m_copy_to(struct domain *d, uint64_t gpa, const void *buf, size_t len)
{
	enum gpa_kind kind;

	return copy(d, gpa, NULL, buf, len, &kind);
}

/* A copy as the guest's own access would go: where nothing is mapped, all-ones or nowhere. */
static int bus_access(struct domain *d, uint64_t gpa, void *out, const void *in, size_t len)
{
	enum gpa_kind kind;

	if (!copy(d, gpa, out, in, len, &kind))
		return P2M_BUS_RAM;
	if (kind != GPA_NOTHING)
		return -EFAULT;
	if (out)
		memset(out, 0xff, len);
	return P2M_BUS_NOTHING;
}

int p2m_bus_read(struct domain *d, uint64_t gpa, void *buf, size_t len)
{
	return bus_access(d, gpa, buf, NULL, len);
}

int p2m_bus_write(struct domain *d, uint64_t gpa, const void *buf, size_t len)
{
	return bus_access(d, gpa, NULL, buf, len);
}

bool p2m_set_bits(struct domain *d, uint64_t gpa, uint64_t bits, size_t len)
{
	enum gpa_kind kind;
	void *p;

	if ((len != 4 && len != 8) || gpa & (len - 1))
		return false;
	spin_lock(&d->p2m_lock);
	p = guest_pointer_locked(d, gpa, true, &kind);
	if (p && len == 8)
		__atomic_fetch_or((uint64_t *)p, bits, __ATOMIC_SEQ_CST);
	else if (p)
		__atomic_fetch_or((uint32_t *)p, (uint32_t)bits, __ATOMIC_SEQ_CST);
	spin_unlock(&d->p2m_lock);
	return p != NULL;
}

int domain_read_gpa(struct domain *d, uint64_t gpa, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gpa & ~PAGE_MASK));

		if (p2m_copy_from(d, gpa, out, chunk))
			return -EFAULT;
		out += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

/* The whole check of gfn; d's p2m_lock held. */
static bool ram_gfn_locked(struct domain *d, uint64_t gfn, paddr_t *hpa)
{
	uint64_t gpa = gfn << PAGE_SHIFT;
	const struct p2m_seen *seen;
	paddr_t base;

	if (!d->npt_root || !d->is_ram(d, gpa) || !d->base_frame(d, gpa, &base))
		return false;
	seen = seen_locked(d, gfn);
	*hpa = seen->hpa;
	return seen->kind == GPA_RAM && seen->hpa == base && seen->writable;
}

/*
 * A yes is kept per gfn until d's nested table next changes (p2m_gen): the
 * check's other inputs change only with it (a domU's RAM record is cleared
 * together with its mapping, p2m_take_ram) or never (dom0's layout, the host
 * map). So a kept answer is the one the check would give now, and a grant
 * copy's repeated frames skip the walk and the memory-map scans.
 */
int p2m_ram_gfn(struct domain *d, uint64_t gfn, paddr_t *hpa)
{
	struct p2m_ram_cached *c = &d->p2m_ram_cache[gfn % P2M_RAM_CACHE];
	paddr_t now;
	bool ram;

	if (!p2m_gfn_below(gfn, d->p2m_limit))
		return -EINVAL;
	spin_lock(&d->p2m_lock);
	ram = c->gen == d->p2m_gen && c->gfn == gfn;
	if (ram) {
		now = c->hpa;
	} else {
		ram = ram_gfn_locked(d, gfn, &now);
		if (ram)
			*c = (struct p2m_ram_cached){ .gfn = gfn, .gen = d->p2m_gen, .hpa = now };
	}
	spin_unlock(&d->p2m_lock);
	if (!ram)
		return -EINVAL;
	*hpa = now;
	return 0;
}
