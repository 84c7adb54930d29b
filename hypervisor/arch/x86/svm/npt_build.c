/*
 * Nested page tables for an identity-mapped domain (see asm/npt_build.h).
 *
 * Levels are numbered as the walk meets them: 3 = PML4 (512 GiB per entry),
 * 2 = PDPT (1 GiB), 1 = PD (2 MiB), 0 = PT (4 KiB).
 */
#include <asm/npt_build.h>
#include <tern/errno.h>

/* What one 2 MiB block of the identity map needs. */
enum npt_block {
	NPT_BLOCK_VISIBLE, /* one 2 MiB page, identity */
	NPT_BLOCK_HIDDEN,  /* one 2 MiB page onto the dummy */
	NPT_BLOCK_MIXED,   /* a page table (also: a block cut by the limit) */
};

struct npt_builder {
	struct p2m_mem *mem;
	bool (*hidden)(void *ctx, uint64_t addr, uint64_t len);
	uint64_t limit;
	uint64_t dummy;
	uint64_t shared_pd; /* the directory of dummy pages, 0 until needed */
};

static unsigned int npt_index(uint64_t gpa, unsigned int level)
{
	return (unsigned int)(gpa >> (12 + 9 * level)) & (NPT_ENTRIES - 1);
}

static uint64_t npt_level_size(unsigned int level)
{
	return 1ull << (12 + 9 * level);
}

static uint64_t *npt_table(struct p2m_mem *mem, uint64_t paddr)
{
	return mem->map(mem->ctx, paddr & NPT_ADDR_MASK);
}

static bool npt_is_hidden(struct npt_builder *b, uint64_t addr, uint64_t len)
{
	return b->hidden(b->mem->ctx, addr, len);
}

static enum npt_block npt_classify(struct npt_builder *b, uint64_t base)
{
	if (base + NPT_2M > b->limit)
		return NPT_BLOCK_MIXED;
	if (!npt_is_hidden(b, base, NPT_2M))
		return NPT_BLOCK_VISIBLE;
	for (uint64_t off = 0; off < NPT_2M; off += NPT_4K)
		if (!npt_is_hidden(b, base + off, NPT_4K))
			return NPT_BLOCK_MIXED;
	return NPT_BLOCK_HIDDEN;
}

/* A page table for the 2 MiB block at base: identity, dummy, or nothing past the limit. */
static int npt_build_pt(struct npt_builder *b, uint64_t base, uint64_t *pde)
{
	uint64_t pt = b->mem->alloc_table(b->mem->ctx), *t;

	if (!pt)
		return -ENOMEM;
	t = npt_table(b->mem, pt);
	for (unsigned int i = 0; i < NPT_ENTRIES; i++) {
		uint64_t gpa = base + i * NPT_4K;

		if (gpa >= b->limit)
			t[i] = 0;
		else if (npt_is_hidden(b, gpa, NPT_4K))
			t[i] = (b->dummy + i * NPT_4K) | NPT_RWX;
		else
			t[i] = gpa | NPT_RWX;
	}
	*pde = pt | NPT_RWX;
	return 0;
}

/* The directory whose 512 entries all map the dummy: made once, shared. */
static int npt_shared_pd(struct npt_builder *b, uint64_t *pdpte)
{
	uint64_t *t;

	if (!b->shared_pd) {
		b->shared_pd = b->mem->alloc_table(b->mem->ctx);
		if (!b->shared_pd)
			return -ENOMEM;
		t = npt_table(b->mem, b->shared_pd);
		for (unsigned int i = 0; i < NPT_ENTRIES; i++)
			t[i] = b->dummy | NPT_PS | NPT_RWX;
	}
	*pdpte = b->shared_pd | NPT_SHARED | NPT_RWX;
	return 0;
}

/* The PDPT entry for the 1 GiB range at base. */
static int npt_build_1g(struct npt_builder *b, uint64_t base, uint64_t *pdpte)
{
	uint8_t kind[NPT_ENTRIES];
	unsigned int nr_hidden = 0, nr_blocks;
	uint64_t pd;
	int rc;

	if (b->mem->pages_1g && base + NPT_1G <= b->limit && !npt_is_hidden(b, base, NPT_1G)) {
		*pdpte = base | NPT_PS | NPT_RWX;
		return 0;
	}
	nr_blocks = (unsigned int)MIN((uint64_t)NPT_ENTRIES, ALIGN_UP(b->limit - base, NPT_2M) / NPT_2M);
	for (unsigned int i = 0; i < nr_blocks; i++) {
		kind[i] = (uint8_t)npt_classify(b, base + i * NPT_2M);
		nr_hidden += kind[i] == NPT_BLOCK_HIDDEN;
	}
	if (nr_hidden == NPT_ENTRIES)
		return npt_shared_pd(b, pdpte);

	pd = b->mem->alloc_table(b->mem->ctx);
	if (!pd)
		return -ENOMEM;
	for (unsigned int i = 0; i < nr_blocks; i++) {
		uint64_t gpa = base + i * NPT_2M, e;

		switch (kind[i]) {
		case NPT_BLOCK_VISIBLE:
			e = gpa | NPT_PS | NPT_RWX;
			break;
		case NPT_BLOCK_HIDDEN:
			e = b->dummy | NPT_PS | NPT_RWX;
			break;
		default:
			rc = npt_build_pt(b, gpa, &e);
			if (rc)
				return rc;
			break;
		}
		/* Mapped anew after each allocation: map() need not keep old pointers valid. */
		npt_table(b->mem, pd)[i] = e;
	}
	*pdpte = pd | NPT_RWX;
	return 0;
}

int npt_build_identity(struct p2m_mem *mem, uint64_t *root_out, uint64_t limit,
		       bool (*hidden)(void *ctx, uint64_t addr, uint64_t len), uint64_t dummy_2m)
{
	struct npt_builder b = {
		.mem = mem,
		.hidden = hidden,
		.limit = ALIGN_UP(limit, NPT_4K),
		.dummy = dummy_2m,
	};
	uint64_t root, pdpt = 0, e;
	int rc;

	if (dummy_2m & (NPT_2M - 1) || dummy_2m & ~NPT_ADDR_MASK || limit > NPT_LIMIT)
		return -EINVAL;
	root = mem->alloc_table(mem->ctx);
	if (!root)
		return -ENOMEM;
	for (uint64_t base = 0; base < b.limit; base += NPT_1G) {
		if (!(base & (NPT_512G - 1))) {
			pdpt = mem->alloc_table(mem->ctx);
			if (!pdpt)
				return -ENOMEM;
			npt_table(mem, root)[npt_index(base, 3)] = pdpt | NPT_RWX;
		}
		rc = npt_build_1g(&b, base, &e);
		if (rc)
			return rc;
		npt_table(mem, pdpt)[npt_index(base, 2)] = e;
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
static int npt_descend(struct p2m_mem *mem, uint64_t table_pa, unsigned int idx, unsigned int level,
		       uint64_t *next_pa)
{
	uint64_t e = npt_table(mem, table_pa)[idx], sub, child_size = npt_level_size(level - 1);

	if ((e & NPT_P) && !(e & NPT_PS) && !(e & NPT_SHARED)) {
		*next_pa = e & NPT_ADDR_MASK;
		return 0;
	}
	sub = mem->alloc_table(mem->ctx);
	if (!sub)
		return -ENOMEM;
	if (e & NPT_SHARED) {
		/* One entry at a time: no 4 KiB copy on the stack, one mapping in use at once. */
		for (unsigned int i = 0; i < NPT_ENTRIES; i++) {
			uint64_t v = npt_table(mem, e)[i];

			npt_table(mem, sub)[i] = v;
		}
	} else if (e & NPT_P) {
		/*
		 * A large page: the same flags below (PAT index 0 everywhere, so
		 * bit 12, the large-page PAT bit, is clear and moves nowhere).
		 */
		uint64_t flags = e & ~NPT_ADDR_MASK & ~NPT_PS, base = e & NPT_ADDR_MASK;
		uint64_t *t = npt_table(mem, sub);

		if (level - 1 > 0)
			flags |= NPT_PS;
		for (unsigned int i = 0; i < NPT_ENTRIES; i++)
			t[i] = (base + i * child_size) | flags;
	}
	npt_table(mem, table_pa)[idx] = sub | NPT_RWX;
	*next_pa = sub;
	return 0;
}

#define NPT_IGNORED_FOR_MERGE (NPT_A | NPT_D)

static bool npt_table_empty(struct p2m_mem *mem, uint64_t table)
{
	for (unsigned int i = 0; i < NPT_ENTRIES; i++)
		if (npt_table(mem, table)[i])
			return false;
	return true;
}

/*
 * Whether the level-`level` table maps one aligned, contiguous range of
 * 512 pages (4 KiB pages at level 0, 2 MiB pages at level 1) with one set
 * of flags: then *large is the page of the level above that does the same.
 */
static bool npt_table_merges(struct p2m_mem *mem, uint64_t table, unsigned int level,
			     uint64_t *large)
{
	uint64_t first = npt_table(mem, table)[0], size = npt_level_size(level);
	uint64_t base = first & NPT_ADDR_MASK, flags = first & ~NPT_ADDR_MASK & ~NPT_IGNORED_FOR_MERGE;

	if (level > 1 || (level == 1 && !mem->pages_1g) || !(first & NPT_P) ||
	    (level == 1 && !(first & NPT_PS)) || (level == 1 && first & NPT_SHARED) ||
	    base & (size * NPT_ENTRIES - 1))
		return false;
	for (unsigned int i = 1; i < NPT_ENTRIES; i++) {
		uint64_t e = npt_table(mem, table)[i];

		if ((e & NPT_ADDR_MASK) != base + i * size ||
		    (e & ~NPT_ADDR_MASK & ~NPT_IGNORED_FOR_MERGE) != flags)
			return false;
	}
	*large = base | flags | NPT_PS;
	return true;
}

/*
 * Bottom up from level `from`: unlinks the tables on a path that are empty
 * and turns into large pages those that map like one, until one stays.
 * tables[l] is the path's table at level l, index[l] its entry followed.
 */
static void npt_tidy(struct p2m_mem *mem, const uint64_t *tables, const unsigned int *index,
		     unsigned int from)
{
	for (unsigned int level = from; level < 3; level++) {
		uint64_t e = 0;

		if (!npt_table_empty(mem, tables[level]) &&
		    !npt_table_merges(mem, tables[level], level, &e))
			return;
		npt_table(mem, tables[level + 1])[index[level + 1]] = e;
		mem->free_table(mem->ctx, tables[level]);
	}
}

/* The entry bits for what a guest may do (P2M_*): reads come with present. */
static uint64_t npt_flags(unsigned int access)
{
	if (!access)
		return 0;
	return NPT_P | NPT_US | (access & P2M_W ? NPT_RW : 0) | (access & P2M_X ? 0 : NPT_NX);
}

int npt_map_4k(struct p2m_mem *mem, uint64_t root, uint64_t gpa, uint64_t hpa, unsigned int access)
{
	uint64_t flags = npt_flags(access);
	uint64_t tables[4] = { 0, 0, 0, root };
	unsigned int index[4];
	int rc;

	if (gpa & (NPT_4K - 1) || gpa >= NPT_LIMIT || hpa & ~NPT_ADDR_MASK)
		return -EINVAL;
	for (unsigned int level = 3; level > 0; level--) {
		index[level] = npt_index(gpa, level);
		rc = npt_descend(mem, tables[level], index[level], level, &tables[level - 1]);
		if (rc) {
			/* What was split or allocated on the way goes back. */
			if (level < 3)
				npt_tidy(mem, tables, index, level);
			return rc;
		}
	}
	index[0] = npt_index(gpa, 0);
	npt_table(mem, tables[0])[index[0]] = flags ? hpa | flags : 0;
	npt_tidy(mem, tables, index, 0);
	return 0;
}

int npt_translate(struct p2m_mem *mem, uint64_t root, uint64_t gpa, uint64_t *hpa,
		  uint64_t *page_size, bool *writable)
{
	uint64_t table = root, all = NPT_RW | NPT_US;

	if (gpa >= NPT_LIMIT)
		return -ENOENT;
	for (unsigned int level = 3;; level--) {
		uint64_t e = npt_table(mem, table)[npt_index(gpa, level)];
		uint64_t size = npt_level_size(level);

		if (!(e & NPT_P))
			return -ENOENT;
		all &= e;
		if (level == 0 || (e & NPT_PS)) {
			*hpa = (e & NPT_ADDR_MASK & ~(size - 1)) | (gpa & (size - 1));
			if (page_size)
				*page_size = size;
			if (writable)
				*writable = all == (NPT_RW | NPT_US);
			return 0;
		}
		table = e & NPT_ADDR_MASK;
	}
}

#define NPT_MAX_SHARED 8

struct npt_counter {
	struct p2m_mem *mem;
	uint64_t shared[NPT_MAX_SHARED];
	unsigned int nr_shared;
	unsigned long count;
};

static void npt_count_table(struct npt_counter *c, uint64_t table, unsigned int level)
{
	c->count++;
	if (level == 0)
		return;
	for (unsigned int i = 0; i < NPT_ENTRIES; i++) {
		uint64_t e = npt_table(c->mem, table)[i];
		unsigned int j;

		if (!(e & NPT_P) || (e & NPT_PS))
			continue;
		if (e & NPT_SHARED) {
			for (j = 0; j < c->nr_shared && c->shared[j] != (e & NPT_ADDR_MASK); j++)
				;
			if (j < c->nr_shared)
				continue;
			if (c->nr_shared < NPT_MAX_SHARED)
				c->shared[c->nr_shared++] = e & NPT_ADDR_MASK;
		}
		npt_count_table(c, e & NPT_ADDR_MASK, level - 1);
	}
}

unsigned long npt_count_tables(struct p2m_mem *mem, uint64_t root)
{
	struct npt_counter c = { .mem = mem };

	npt_count_table(&c, root, 3);
	return c.count;
}

static void npt_free_table(struct p2m_mem *mem, uint64_t table, unsigned int level)
{
	for (unsigned int i = 0; level > 0 && i < NPT_ENTRIES; i++) {
		uint64_t e = npt_table(mem, table)[i];

		if (e & NPT_P && !(e & NPT_PS) && !(e & NPT_SHARED))
			npt_free_table(mem, e & NPT_ADDR_MASK, level - 1);
	}
	mem->free_table(mem->ctx, table);
}

void npt_free_tables(struct p2m_mem *mem, uint64_t root)
{
	npt_free_table(mem, root, 3);
}

const struct p2m_table_ops npt_table_ops = {
	.limit = NPT_LIMIT,
	.build_identity = npt_build_identity,
	.map_4k = npt_map_4k,
	.translate = npt_translate,
	.count_tables = npt_count_tables,
	.free_tables = npt_free_tables,
};
