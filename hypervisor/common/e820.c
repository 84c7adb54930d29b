/*
 * e820 map handling. Sanitising is a sweep over change points: walk the
 * address space from one entry boundary to the next, decide the type of each
 * piece from every entry covering it, and emit pieces merged by type. O(n^2)
 * for n <= E820_MAX, and correct for any overlap pattern by construction.
 *
 * Boot-time code, run on one CPU: the output is built in a static scratch map
 * rather than on the (small) hypervisor stack.
 */
#include <tern/e820.h>
#include <tern/errno.h>
#include <tern/string.h>

static struct e820_map e820_scratch;

/* An entry's exclusive end; an entry running past 2^64 is clipped at the top. */
static uint64_t e820_entry_end(const struct e820_entry *e)
{
	return e->addr + e->size < e->addr ? UINT64_MAX : e->addr + e->size;
}

/* Who wins an overlap: any other type beats RAM, else the higher number. */
static uint64_t e820_rank(uint32_t type)
{
	return type == E820_RAM ? 1 : (uint64_t)type + 2;
}

/* An optional range that overrides whatever the map says (e820_set_type). */
struct e820_override {
	uint64_t start, end;
	uint32_t type;
	bool active;
};

/* Builds the output map piece by piece, merging and page-trimming RAM. */
struct e820_builder {
	struct e820_map *out;
	struct e820_entry cur; /* pending piece, size 0 if none */
	bool overflow;
};

static void e820_builder_flush(struct e820_builder *b)
{
	struct e820_entry e = b->cur;
	uint64_t start, end;

	b->cur.size = 0;
	if (e.type == E820_RAM) {
		/* RAM is only usable in whole pages. */
		end = ALIGN_DOWN(e.addr + e.size, PAGE_SIZE);
		if (e.addr > ALIGN_DOWN(UINT64_MAX, PAGE_SIZE))
			return;
		start = ALIGN_UP(e.addr, PAGE_SIZE);
		if (end <= start)
			return;
		e.addr = start;
		e.size = end - start;
	}
	if (!e.size)
		return;
	if (b->out->nr == E820_MAX) {
		b->overflow = true;
		return;
	}
	b->out->entry[b->out->nr++] = e;
}

static void e820_builder_add(struct e820_builder *b, uint64_t start, uint64_t end, uint32_t type)
{
	if (b->cur.size && b->cur.type == type && b->cur.addr + b->cur.size == start) {
		b->cur.size += end - start;
		return;
	}
	e820_builder_flush(b);
	b->cur.addr = start;
	b->cur.size = end - start;
	b->cur.type = type;
}

/*
 * The type in force at pos, and the next boundary above pos (UINT64_MAX if
 * none). Returns false if nothing covers pos.
 */
static bool e820_piece_at(const struct e820_map *map, const struct e820_override *ov,
			  uint64_t pos, uint32_t *type, uint64_t *next)
{
	uint64_t best = 0;
	unsigned int i;

	*next = UINT64_MAX;
	for (i = 0; i < map->nr; i++) {
		const struct e820_entry *e = &map->entry[i];
		uint64_t end = e820_entry_end(e);

		if (!e->size || end <= e->addr)
			continue;
		if (e->addr > pos)
			*next = MIN(*next, e->addr);
		else if (end > pos) {
			*next = MIN(*next, end);
			if (e820_rank(e->type) > best) {
				best = e820_rank(e->type);
				*type = e->type;
			}
		}
	}
	if (ov->active) {
		if (ov->start > pos) {
			*next = MIN(*next, ov->start);
		} else if (ov->end > pos) {
			*next = MIN(*next, ov->end);
			*type = ov->type;
			return true;
		}
	}
	return best != 0;
}

/* The lowest address any entry (or the override) starts at; false if none. */
static bool e820_first(const struct e820_map *map, const struct e820_override *ov, uint64_t *pos)
{
	bool found = false;
	unsigned int i;

	for (i = 0; i < map->nr; i++) {
		const struct e820_entry *e = &map->entry[i];

		if (e->size && e820_entry_end(e) > e->addr && (!found || e->addr < *pos)) {
			*pos = e->addr;
			found = true;
		}
	}
	if (ov->active && (!found || ov->start < *pos)) {
		*pos = ov->start;
		found = true;
	}
	return found;
}

/* Sweeps map (plus the override) into out. Returns -ENOSPC if out overflowed. */
static int e820_sweep(const struct e820_map *map, const struct e820_override *ov,
		      struct e820_map *out)
{
	struct e820_builder b = { .out = out };
	uint64_t pos = 0, next;
	uint32_t type = 0;

	out->nr = 0;
	if (!e820_first(map, ov, &pos))
		return 0;
	for (;;) {
		bool covered = e820_piece_at(map, ov, pos, &type, &next);

		if (covered)
			e820_builder_add(&b, pos, next, type);
		if (next == UINT64_MAX)
			break;
		pos = next;
	}
	e820_builder_flush(&b);
	return b.overflow ? -ENOSPC : 0;
}

static bool e820_same(const struct e820_entry *a, const struct e820_entry *b)
{
	return a->addr == b->addr && a->size == b->size && a->type == b->type;
}

/* Input entries with no identical partner in the output (each partner used once). */
static int e820_count_changed(const struct e820_map *in, const struct e820_map *out)
{
	bool used[E820_MAX] = { false };
	unsigned int i, j;
	int changed = 0;

	for (i = 0; i < in->nr; i++) {
		for (j = 0; j < out->nr; j++) {
			if (!used[j] && e820_same(&in->entry[i], &out->entry[j])) {
				used[j] = true;
				break;
			}
		}
		if (j == out->nr)
			changed++;
	}
	return changed;
}

/* Insertion sort by address: what the caller gets back when we run out of room. */
static void e820_sort(struct e820_map *map)
{
	unsigned int i, j;

	for (i = 1; i < map->nr; i++) {
		struct e820_entry e = map->entry[i];

		for (j = i; j > 0 && map->entry[j - 1].addr > e.addr; j--)
			map->entry[j] = map->entry[j - 1];
		map->entry[j] = e;
	}
}

int e820_add(struct e820_map *map, uint64_t addr, uint64_t size, uint32_t type)
{
	if (map->nr >= E820_MAX)
		return -ENOSPC;
	map->entry[map->nr].addr = addr;
	map->entry[map->nr].size = size;
	map->entry[map->nr].type = type;
	map->nr++;
	return 0;
}

int e820_sanitize(struct e820_map *map)
{
	struct e820_override none = { .active = false };
	int changed;

	if (map->nr > E820_MAX)
		map->nr = E820_MAX;
	if (e820_sweep(map, &none, &e820_scratch)) {
		e820_sort(map);
		return -ENOSPC;
	}
	changed = e820_count_changed(map, &e820_scratch);
	memcpy(map, &e820_scratch, sizeof(*map));
	return changed;
}

int e820_set_type(struct e820_map *map, uint64_t addr, uint64_t size, uint32_t type)
{
	struct e820_override ov = {
		.start = addr,
		.end = addr + size < addr ? UINT64_MAX : addr + size,
		.type = type,
		.active = size != 0,
	};

	if (!ov.active)
		return 0;
	if (e820_sweep(map, &ov, &e820_scratch))
		return -ENOSPC;
	memcpy(map, &e820_scratch, sizeof(*map));
	return 0;
}

uint64_t e820_total(const struct e820_map *map, uint32_t type)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < map->nr; i++)
		if (map->entry[i].type == type)
			total += map->entry[i].size;
	return total;
}

bool e820_contains(const struct e820_map *map, uint64_t addr, uint64_t size, uint32_t type)
{
	if (!size || addr + size < addr)
		return false;
	for (unsigned int i = 0; i < map->nr; i++) {
		const struct e820_entry *e = &map->entry[i];

		if (e->type == type && addr >= e->addr && addr + size <= e820_entry_end(e))
			return true;
	}
	return false;
}

uint64_t e820_end(const struct e820_map *map, uint32_t type)
{
	uint64_t end = 0;
	unsigned int i;

	for (i = 0; i < map->nr; i++)
		if (map->entry[i].type == type)
			end = MAX(end, e820_entry_end(&map->entry[i]));
	return end;
}

const char *e820_type_name(uint32_t type)
{
	switch (type) {
	case E820_RAM: return "RAM";
	case E820_RESERVED: return "reserved";
	case E820_ACPI: return "ACPI data";
	case E820_NVS: return "ACPI NVS";
	case E820_UNUSABLE: return "unusable";
	case E820_HYPERVISOR: return "hypervisor";
	case E820_MODULE: return "boot module";
	case E820_DOM0: return "dom0";
	default: return "unknown";
	}
}
