/* See hcgen.h: the random source, the safe pickers, and the choice of family. */
#include <string.h>

#include "hcgen_gen.h"

void hcgen_seed(struct hcgen_rng *r, uint64_t seed)
{
	r->state = seed ? seed : 1;
}

uint64_t hcgen_rand(struct hcgen_rng *r)
{
	r->state ^= r->state >> 12;
	r->state ^= r->state << 25;
	r->state ^= r->state >> 27;
	return r->state * 0x2545f4914f6cdd1dull;
}

uint64_t hcgen_below(struct hcgen_rng *r, uint64_t n)
{
	return n ? hcgen_rand(r) % n : 0;
}

uint64_t g_below(struct gen *g, uint64_t n)
{
	return hcgen_below(g->r, n);
}

bool g_chance(struct gen *g, unsigned int one_in)
{
	return g_below(g, one_in) == 0;
}

uint32_t g_edge32(struct gen *g)
{
	static const uint32_t edges[] = {
		0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 511, 512, 1023,
		1024, 4095, 4096, 4097, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000u,
		0xfffffffeu, 0xffffffffu,
	};

	return g_chance(g, 4) ? (uint32_t)hcgen_rand(g->r) : edges[g_below(g, ARRAY_LEN(edges))];
}

uint64_t g_edge64(struct gen *g)
{
	static const uint64_t edges[] = {
		0x100000000ull, 0xffffffffffffull, 0x1000000000000ull, 0x7fffffffffffffffull,
		0x8000000000000000ull, ~0ull - 1, ~0ull, 1ull << 36, (1ull << 52) - 1,
	};

	return g_chance(g, 2) ? g_edge32(g) : edges[g_below(g, ARRAY_LEN(edges))];
}

uint64_t g_or_edge(struct gen *g, uint64_t v)
{
	return g_chance(g, 8) ? g_edge64(g) : v;
}

void *g_alloc(struct gen *g, size_t len, uint64_t *va, bool bytes)
{
	const struct hcgen_world *w = g->w;
	size_t at = bytes && g_chance(g, 8) ? g->next + 1 + g_below(g, 7) : g->next;

	if (len > w->arena_len || at > w->arena_len - len)
		return NULL;
	g->next = (at + len + 7) & ~(size_t)7;
	*va = w->arena_va + at;
	return w->arena + at;
}

uint64_t g_bad_handle(struct gen *g)
{
	const struct hcgen_world *w = g->w;

	/* Never NULL: a domU's page 0 is RAM like any other. */
	switch (g_below(g, 4)) {
	case 1: /* non-canonical */
		return 0x8000000000000000ull | (hcgen_rand(g->r) & 0x00007ffffffff000ull);
	case 2:
		return ~0ull - g_below(g, 64);
	default:
		return w->fault_va + g_below(g, w->fault_len);
	}
}

uint64_t g_handle(struct gen *g, size_t len, void **p)
{
	uint64_t va;
	void *where;

	if (p)
		*p = NULL;
	if (g_chance(g, 8))
		return g_bad_handle(g);
	where = g_alloc(g, len, &va, !p);
	if (!where)
		return g_bad_handle(g);
	memset(where, 0, len);
	if (p)
		*p = where;
	return va;
}

uint64_t g_spare_gfn(struct gen *g)
{
	const struct hcgen_world *w = g->w;
	size_t pages = w->arena_len / HCGEN_PAGE;

	if (w->arena_is_spare && w->arena_gfns && g_chance(g, 3))
		return w->arena_gfns[g_below(g, pages)];
	if (g_chance(g, 8)) /* far beyond anything: tern must refuse or cope */
		return (1ull << 36) + g_below(g, 1ull << 30) + (g_chance(g, 2) ? 1ull << 50 : 0);
	return w->spare_gfn + g_below(g, w->nr_spare);
}

uint64_t g_own_gfn(struct gen *g)
{
	const struct hcgen_world *w = g->w;

	if (w->arena_gfns && !g_chance(g, 4))
		return w->arena_gfns[g_below(g, w->arena_len / HCGEN_PAGE)];
	return g_spare_gfn(g);
}

uint64_t g_other_gfn(struct gen *g)
{
	return g_chance(g, 8) ? g_edge64(g) : g_below(g, 0x10000);
}

bool g_is_self(const struct gen *g, domid_t d)
{
	return d == DOMID_SELF || d == g->w->self;
}

domid_t g_victim(struct gen *g)
{
	const struct hcgen_world *w = g->w;

	return w->nr_victims ? w->victims[g_below(g, w->nr_victims)] : DOMID_INVALID;
}

/* An id that names no domain: never 0 or the caller or a victim. */
static domid_t nobody(struct gen *g)
{
	static const domid_t ids[] = { DOMID_INVALID, DOMID_IO, DOMID_XEN, 0x7fef, 0xffff };

	return ids[g_below(g, ARRAY_LEN(ids))];
}

domid_t g_target(struct gen *g)
{
	const struct hcgen_world *w = g->w;

	if (g_chance(g, 8))
		return nobody(g);
	if (w->privileged)
		return g_victim(g);
	if (g_chance(g, 8))
		return g_chance(g, 2) ? 0 : g_victim(g); /* not its own: refused */
	return g_chance(g, 2) ? DOMID_SELF : w->self;
}

domid_t g_owner(struct gen *g)
{
	if (g->w->privileged)
		return g_chance(g, 2) ? DOMID_SELF : g_target(g);
	return g_any_domid(g);
}

domid_t g_any_domid(struct gen *g)
{
	switch (g_below(g, 6)) {
	case 0:
		return DOMID_SELF;
	case 1:
		return g->w->self;
	case 2:
		return 0;
	case 3:
		return nobody(g);
	case 4:
		return (domid_t)g_below(g, 64);
	default:
		return g_victim(g);
	}
}

uint32_t g_port(struct gen *g)
{
	return g_chance(g, 8) ? g_edge32(g) : (uint32_t)g_below(g, 64);
}

uint32_t g_gref(struct gen *g)
{
	return g_chance(g, 8) ? g_edge32(g) : (uint32_t)g_below(g, 64);
}

uint32_t g_vcpu(struct gen *g)
{
	/* vCPU 0 exists in every domain: half of the time it is named. */
	if (g_chance(g, 2))
		return 0;
	return g_chance(g, 4) ? g_edge32(g) : (uint32_t)g_below(g, 4);
}

/* A number tern does not implement (or no number at all): its arguments may
 * be anything, tern must not look at them. */
static void gen_unknown(struct gen *g)
{
	static const unsigned int unused[] = { 0, 1, 2, 3, 6, 7, 13, 15, 16, 19, 21, 23, 27, 28,
					       30, 31, 33, 37, 39, 40, 41, 48, 49, 63 };

	g->c->nr = g_chance(g, 4) ? 64 + (unsigned int)(g_edge32(g) % (UINT32_MAX - 64))
				  : unused[g_below(g, ARRAY_LEN(unused))];
	g->c->name = "unknown";
	for (int i = 0; i < 5; i++)
		g->c->arg[i] = g_chance(g, 2) ? g_bad_handle(g) : g_edge64(g);
}

void hcgen_next(struct hcgen_rng *r, const struct hcgen_world *w, struct hcgen_call *c)
{
	static void (*const families[])(struct gen *) = {
		gen_xen_version, gen_console_io, gen_memory_op, gen_memory_op,
		gen_grant_table_op, gen_grant_table_op, gen_event_channel_op, gen_event_channel_op,
		gen_vcpu_op, gen_vcpu_op, gen_hvm_op, gen_sched_op, gen_sysctl, gen_domctl,
		gen_domctl, gen_unknown,
	};
	struct gen g = { r, w, c, 0 };

	memset(c, 0, sizeof(*c));
	/* Structures land somewhere else in the arena each time. */
	g.next = (size_t)hcgen_below(r, w->arena_len / 2) & ~(size_t)7;
	families[hcgen_below(r, ARRAY_LEN(families))](&g);
}
