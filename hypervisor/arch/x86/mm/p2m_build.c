/*
 * Nested page tables, in either vendor's format (asm/p2m_build.h): the
 * walk, the identity map, splitting, merging and freeing are the same for
 * AMD's nested tables and Intel's EPT; only the entries' bits differ.
 *
 * Levels are numbered as the walk meets them: 3 = PML4 (512 GiB per entry),
 * 2 = PDPT (1 GiB), 1 = PD (2 MiB), 0 = PT (4 KiB).
 */
#include <asm/p2m_build.h>
#include <tern/errno.h>

/* What one 2 MiB block of the identity map needs. */
enum p2m_block {
	P2M_BLOCK_VISIBLE, /* one 2 MiB page, identity */
	P2M_BLOCK_HIDDEN,  /* one 2 MiB page onto the dummy */
	P2M_BLOCK_MIXED,   /* a page table (also: a block cut by the limit) */
};

struct p2m_builder {
	const struct p2m_format *f;
	struct p2m_mem *mem;
	bool (*hidden)(void *ctx, uint64_t addr, uint64_t len);
	uint64_t limit;
	uint64_t dummy;
	uint64_t shared_pd; /* the directory of dummy pages, 0 until needed */
};

static unsigned int p2m_index(uint64_t gpa, unsigned int level)
{
	return (unsigned int)(gpa >> (12 + 9 * level)) & (P2M_ENTRIES - 1);
}

static uint64_t p2m_level_size(unsigned int level)
{
	return 1ull << (12 + 9 * level);
}

static uint64_t *p2m_table(struct p2m_mem *mem, uint64_t paddr)
{
	return mem->map(mem->ctx, paddr & P2M_ADDR_MASK);
}

static bool p2m_is_hidden(struct p2m_builder *b, uint64_t addr, uint64_t len)
{
	return b->hidden(b->mem->ctx, addr, len);
}

static enum p2m_block p2m_classify(struct p2m_builder *b, uint64_t base)
{
	if (base + P2M_2M > b->limit)
		return P2M_BLOCK_MIXED;
	if (!p2m_is_hidden(b, base, P2M_2M))
		return P2M_BLOCK_VISIBLE;
	for (uint64_t off = 0; off < P2M_2M; off += P2M_4K)
		if (!p2m_is_hidden(b, base + off, P2M_4K))
			return P2M_BLOCK_MIXED;
	return P2M_BLOCK_HIDDEN;
}

/* A page table for the 2 MiB block at base: identity, dummy, or nothing past the limit. */
static int p2m_build_pt(struct p2m_builder *b, uint64_t base, uint64_t *pde)
{
	uint64_t pt = b->mem->alloc_table(b->mem->ctx), *t;

	if (!pt)
		return -ENOMEM;
	t = p2m_table(b->mem, pt);
	for (unsigned int i = 0; i < P2M_ENTRIES; i++) {
		uint64_t gpa = base + i * P2M_4K;

		if (gpa >= b->limit)
			t[i] = 0;
		else if (p2m_is_hidden(b, gpa, P2M_4K))
			t[i] = (b->dummy + i * P2M_4K) | b->f->leaf_rwx;
		else
			t[i] = gpa | b->f->leaf_rwx;
	}
	*pde = pt | b->f->table;
	return 0;
}

/* The directory whose 512 entries all map the dummy: made once, shared. */
static int p2m_shared_pd(struct p2m_builder *b, uint64_t *pdpte)
{
	uint64_t *t;

	if (!b->shared_pd) {
		b->shared_pd = b->mem->alloc_table(b->mem->ctx);
		if (!b->shared_pd)
			return -ENOMEM;
		t = p2m_table(b->mem, b->shared_pd);
		for (unsigned int i = 0; i < P2M_ENTRIES; i++)
			t[i] = b->dummy | b->f->large | b->f->leaf_rwx;
	}
	*pdpte = b->shared_pd | b->f->shared | b->f->table;
	return 0;
}

/* The PDPT entry for the 1 GiB range at base. */
static int p2m_build_1g(struct p2m_builder *b, uint64_t base, uint64_t *pdpte)
{
	uint8_t kind[P2M_ENTRIES];
	unsigned int nr_hidden = 0, nr_blocks;
	uint64_t pd;
	int rc;

	if (b->mem->pages_1g && base + P2M_1G <= b->limit && !p2m_is_hidden(b, base, P2M_1G)) {
		*pdpte = base | b->f->large | b->f->leaf_rwx;
		return 0;
	}
	nr_blocks = (unsigned int)MIN((uint64_t)P2M_ENTRIES, ALIGN_UP(b->limit - base, P2M_2M) / P2M_2M);
	for (unsigned int i = 0; i < nr_blocks; i++) {
		kind[i] = (uint8_t)p2m_classify(b, base + i * P2M_2M);
		nr_hidden += kind[i] == P2M_BLOCK_HIDDEN;
	}
	if (nr_hidden == P2M_ENTRIES)
		return p2m_shared_pd(b, pdpte);

	pd = b->mem->alloc_table(b->mem->ctx);
	if (!pd)
		return -ENOMEM;
	for (unsigned int i = 0; i < nr_blocks; i++) {
		uint64_t gpa = base + i * P2M_2M, e;

		switch (kind[i]) {
		case P2M_BLOCK_VISIBLE:
			e = gpa | b->f->large | b->f->leaf_rwx;
			break;
		case P2M_BLOCK_HIDDEN:
			e = b->dummy | b->f->large | b->f->leaf_rwx;
			break;
		default:
			rc = p2m_build_pt(b, gpa, &e);
			if (rc)
				return rc;
			break;
		}
		/* Mapped anew after each allocation: map() need not keep old pointers valid. */
		p2m_table(b->mem, pd)[i] = e;
	}
	*pdpte = pd | b->f->table;
	return 0;
}

int p2m_build_identity(const struct p2m_format *f, struct p2m_mem *mem, uint64_t *root_out,
		       uint64_t limit, bool (*hidden)(void *ctx, uint64_t addr, uint64_t len),
		       uint64_t dummy_2m)
{
	struct p2m_builder b = {
		.f = f,
		.mem = mem,
		.hidden = hidden,
		.limit = ALIGN_UP(limit, P2M_4K),
		.dummy = dummy_2m,
	};
	uint64_t root, pdpt = 0, e;
	int rc;

	if (dummy_2m & (P2M_2M - 1) || dummy_2m & ~P2M_ADDR_MASK || limit > P2M_LIMIT)
		return -EINVAL;
	root = mem->alloc_table(mem->ctx);
	if (!root)
		return -ENOMEM;
	for (uint64_t base = 0; base < b.limit; base += P2M_1G) {
		if (!(base & (P2M_512G - 1))) {
			pdpt = mem->alloc_table(mem->ctx);
			if (!pdpt)
				return -ENOMEM;
			p2m_table(mem, root)[p2m_index(base, 3)] = pdpt | f->table;
		}
		rc = p2m_build_1g(&b, base, &e);
		if (rc)
			return rc;
		p2m_table(mem, pdpt)[p2m_index(base, 2)] = e;
	}
	*root_out = root;
	return 0;
}

/*
 * The table below entry *slot of a level-`level` table, made private and
 * present: a missing one is allocated, a large page is split into 512 pages
 * of the next size down that map what it mapped, a shared one is copied.
 * Writes the new entry through the (re-mapped) table at table_pa.
 */
static int p2m_descend(const struct p2m_format *f, struct p2m_mem *mem, uint64_t table_pa,
		       unsigned int idx, unsigned int level, uint64_t *next_pa)
{
	uint64_t e = p2m_table(mem, table_pa)[idx], sub, child_size = p2m_level_size(level - 1);

	if ((e & f->present) && !(e & f->large) && !(e & f->shared)) {
		*next_pa = e & P2M_ADDR_MASK;
		return 0;
	}
	sub = mem->alloc_table(mem->ctx);
	if (!sub)
		return -ENOMEM;
	if (e & f->shared) {
		/* One entry at a time: no 4 KiB copy on the stack, one mapping in use at once. */
		for (unsigned int i = 0; i < P2M_ENTRIES; i++) {
			uint64_t v = p2m_table(mem, e)[i];

			p2m_table(mem, sub)[i] = v;
		}
	} else if (e & f->present) {
		/*
		 * A large page: the same flags below (PAT index 0 everywhere, so
		 * bit 12, the large-page PAT bit, is clear and moves nowhere).
		 */
		uint64_t flags = e & ~P2M_ADDR_MASK & ~f->large, base = e & P2M_ADDR_MASK;
		uint64_t *t = p2m_table(mem, sub);

		if (level - 1 > 0)
			flags |= f->large;
		for (unsigned int i = 0; i < P2M_ENTRIES; i++)
			t[i] = (base + i * child_size) | flags;
	}
	p2m_table(mem, table_pa)[idx] = sub | f->table;
	*next_pa = sub;
	return 0;
}

static bool p2m_table_empty(struct p2m_mem *mem, uint64_t table)
{
	for (unsigned int i = 0; i < P2M_ENTRIES; i++)
		if (p2m_table(mem, table)[i])
			return false;
	return true;
}

/*
 * Whether the level-`level` table maps one aligned, contiguous range of
 * 512 pages (4 KiB pages at level 0, 2 MiB pages at level 1) with one set
 * of flags: then *large is the page of the level above that does the same.
 */
static bool p2m_table_merges(const struct p2m_format *f, struct p2m_mem *mem, uint64_t table,
			     unsigned int level, uint64_t *large)
{
	uint64_t first = p2m_table(mem, table)[0], size = p2m_level_size(level);
	uint64_t base = first & P2M_ADDR_MASK, flags = first & ~P2M_ADDR_MASK & ~f->ignored_for_merge;

	if (level > 1 || (level == 1 && !mem->pages_1g) || !(first & f->present) ||
	    (level == 1 && !(first & f->large)) || (level == 1 && first & f->shared) ||
	    base & (size * P2M_ENTRIES - 1))
		return false;
	for (unsigned int i = 1; i < P2M_ENTRIES; i++) {
		uint64_t e = p2m_table(mem, table)[i];

		if ((e & P2M_ADDR_MASK) != base + i * size ||
		    (e & ~P2M_ADDR_MASK & ~f->ignored_for_merge) != flags)
			return false;
	}
	*large = base | flags | f->large;
	return true;
}

/*
 * Bottom up from level `from`: unlinks the tables on a path that are empty
 * and turns into large pages those that map like one, until one stays.
 * tables[l] is the path's table at level l, index[l] its entry followed.
 */
static void p2m_tidy(const struct p2m_format *f, struct p2m_mem *mem, const uint64_t *tables,
		     const unsigned int *index, unsigned int from)
{
	for (unsigned int level = from; level < 3; level++) {
		uint64_t e = 0;

		if (!p2m_table_empty(mem, tables[level]) &&
		    !p2m_table_merges(f, mem, tables[level], level, &e))
			return;
		p2m_table(mem, tables[level + 1])[index[level + 1]] = e;
		mem->free_table(mem->ctx, tables[level]);
	}
}

int p2m_build_map_4k(const struct p2m_format *f, struct p2m_mem *mem, uint64_t root, uint64_t gpa,
		     uint64_t hpa, unsigned int access)
{
	uint64_t flags = access ? f->leaf_flags(access) : 0;
	uint64_t tables[4] = { 0, 0, 0, root };
	unsigned int index[4];
	int rc;

	if (gpa & (P2M_4K - 1) || gpa >= P2M_LIMIT || hpa & ~P2M_ADDR_MASK)
		return -EINVAL;
	for (unsigned int level = 3; level > 0; level--) {
		index[level] = p2m_index(gpa, level);
		rc = p2m_descend(f, mem, tables[level], index[level], level, &tables[level - 1]);
		if (rc) {
			/* What was split or allocated on the way goes back. */
			if (level < 3)
				p2m_tidy(f, mem, tables, index, level);
			return rc;
		}
	}
	index[0] = p2m_index(gpa, 0);
	p2m_table(mem, tables[0])[index[0]] = flags ? hpa | flags : 0;
	p2m_tidy(f, mem, tables, index, 0);
	return 0;
}

int p2m_build_translate(const struct p2m_format *f, struct p2m_mem *mem, uint64_t root,
			uint64_t gpa, uint64_t *hpa, uint64_t *page_size, bool *writable)
{
	uint64_t table = root, all = f->writable;

	if (gpa >= P2M_LIMIT)
		return -ENOENT;
	for (unsigned int level = 3;; level--) {
		uint64_t e = p2m_table(mem, table)[p2m_index(gpa, level)];
		uint64_t size = p2m_level_size(level);

		if (!(e & f->present))
			return -ENOENT;
		all &= e;
		if (level == 0 || (e & f->large)) {
			*hpa = (e & P2M_ADDR_MASK & ~(size - 1)) | (gpa & (size - 1));
			if (page_size)
				*page_size = size;
			if (writable)
				*writable = all == f->writable;
			return 0;
		}
		table = e & P2M_ADDR_MASK;
	}
}

#define P2M_MAX_SHARED 8

struct p2m_counter {
	const struct p2m_format *f;
	struct p2m_mem *mem;
	uint64_t shared[P2M_MAX_SHARED];
	unsigned int nr_shared;
	unsigned long count;
};

static void p2m_count_table(struct p2m_counter *c, uint64_t table, unsigned int level)
{
	c->count++;
	if (level == 0)
		return;
	for (unsigned int i = 0; i < P2M_ENTRIES; i++) {
		uint64_t e = p2m_table(c->mem, table)[i];
		unsigned int j;

		if (!(e & c->f->present) || (e & c->f->large))
			continue;
		if (e & c->f->shared) {
			for (j = 0; j < c->nr_shared && c->shared[j] != (e & P2M_ADDR_MASK); j++)
				;
			if (j < c->nr_shared)
				continue;
			if (c->nr_shared < P2M_MAX_SHARED)
				c->shared[c->nr_shared++] = e & P2M_ADDR_MASK;
		}
		p2m_count_table(c, e & P2M_ADDR_MASK, level - 1);
	}
}

unsigned long p2m_build_count_tables(const struct p2m_format *f, struct p2m_mem *mem, uint64_t root)
{
	struct p2m_counter c = { .f = f, .mem = mem };

	p2m_count_table(&c, root, 3);
	return c.count;
}

static void p2m_free_table(const struct p2m_format *f, struct p2m_mem *mem, uint64_t table,
			   unsigned int level)
{
	for (unsigned int i = 0; level > 0 && i < P2M_ENTRIES; i++) {
		uint64_t e = p2m_table(mem, table)[i];

		if (e & f->present && !(e & f->large) && !(e & f->shared))
			p2m_free_table(f, mem, e & P2M_ADDR_MASK, level - 1);
	}
	mem->free_table(mem->ctx, table);
}

void p2m_build_free_tables(const struct p2m_format *f, struct p2m_mem *mem, uint64_t root)
{
	p2m_free_table(f, mem, root, 3);
}
