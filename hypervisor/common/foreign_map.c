/*
 * Lists of the mappings others hold of a domain's frames (tern/foreign_map.h).
 * A list grows by doubling, but only after its stale entries are dropped:
 * a domain that maps and unmaps the same frames over and over (a daemon
 * reconnecting, the domain builder's windows) keeps a list about the size of
 * what is mapped at once, and the cost per entry added stays constant.
 */
#include <tern/errno.h>
#include <tern/foreign_map.h>
#include <tern/string.h>

/* Keeps the live entries, in order; returns how many there are. */
static uint32_t drop_stale(const struct foreign_map_ops *ops, struct foreign_maps *fm)
{
	uint32_t kept = 0;

	for (uint32_t i = 0; i < fm->nr; i++) {
		const struct foreign_map *e = &fm->map[i];

		if (ops->maps(ops->ctx, e->mapper, e->gfn, e->hpa))
			fm->map[kept++] = *e;
	}
	fm->nr = kept;
	return kept;
}

/* Makes room for one more entry: 0 or -ENOMEM (the list unchanged but for
 * stale entries dropped). */
static int make_room(const struct foreign_map_ops *ops, struct foreign_maps *fm)
{
	struct foreign_map *bigger;
	uint32_t cap;

	if (fm->nr < fm->cap)
		return 0;
	/* Grow only if at least half the entries are live, so dropping pays. */
	if (drop_stale(ops, fm) <= fm->cap / 2 && fm->nr < fm->cap)
		return 0;
	if (fm->cap > UINT32_MAX / 2)
		return -ENOMEM;
	cap = fm->cap ? fm->cap * 2 : FOREIGN_MAP_MIN;
	bigger = ops->alloc((size_t)cap * sizeof(*bigger));
	if (!bigger)
		return fm->nr < fm->cap ? 0 : -ENOMEM;
	if (fm->nr)
		memcpy(bigger, fm->map, fm->nr * sizeof(*bigger));
	if (fm->map)
		ops->free(fm->map);
	fm->map = bigger;
	fm->cap = cap;
	return 0;
}

int foreign_map_add(const struct foreign_map_ops *ops, struct foreign_maps *fm, domid_t mapper,
		    uint64_t gfn, paddr_t hpa)
{
	int rc;

	if (fm->closed)
		return -ESRCH;
	rc = make_room(ops, fm);
	if (rc)
		return rc;
	fm->map[fm->nr++] = (struct foreign_map){ .hpa = hpa, .gfn = gfn, .mapper = mapper };
	return 0;
}

bool foreign_map_live(const struct foreign_map_ops *ops, const struct foreign_maps *fm,
		      paddr_t hpa)
{
	for (uint32_t i = 0; i < fm->nr; i++) {
		const struct foreign_map *e = &fm->map[i];

		if (e->hpa == hpa && ops->maps(ops->ctx, e->mapper, e->gfn, e->hpa))
			return true;
	}
	return false;
}

unsigned int foreign_map_revoke_all(const struct foreign_map_ops *ops, struct foreign_maps *fm)
{
	unsigned int revoked = 0;

	/* Entries recorded twice for one mapping: the first revoke makes the
	 * second stale, so each mapping is revoked once. */
	for (uint32_t i = 0; i < fm->nr; i++) {
		const struct foreign_map *e = &fm->map[i];

		if (ops->maps(ops->ctx, e->mapper, e->gfn, e->hpa)) {
			ops->revoke(ops->ctx, e->mapper, e->gfn);
			revoked++;
		}
	}
	if (fm->map)
		ops->free(fm->map);
	*fm = (struct foreign_maps){ .closed = true };
	return revoked;
}
