/*
 * The mappings other domains hold of one domain's RAM frames: privcmd's
 * foreign mappings (XENMEM_add_to_physmap_batch, XENMAPSPACE_gmfn_foreign)
 * and grant maps (GNTTABOP_map_grant_ref). Each domain keeps the list of its
 * own frames that others map, so that destroying it can take every such
 * mapping back (revoke) before its frames return to the heap.
 *
 * An entry is (mapper, mapper's guest frame, host frame). Unmapping does not
 * touch the list: an entry is live only while the mapper's frame still shows
 * that host frame, which ops->maps() tells from the mapper's nested page
 * table. Stale entries are dropped when the list would have to grow, and
 * skipped by revoke. Pure state logic (host unit tests); the hypervisor side
 * is arch/x86/mm/p2m.c, which serialises all calls.
 */
#ifndef TERN_FOREIGN_MAP_H
#define TERN_FOREIGN_MAP_H

#include <public/xen.h>
#include <tern/types.h>

#define FOREIGN_MAP_MIN 16 /* entries of a list's first allocation */

struct foreign_map {
	paddr_t hpa;     /* the owner's host frame */
	uint64_t gfn;    /* where the mapper sees it */
	domid_t mapper;
};

/* One owner's list. All zero: empty and open. */
struct foreign_maps {
	struct foreign_map *map;
	uint32_t nr, cap;
	bool closed;     /* revoked: the owner is going away, no new entries */
};

struct foreign_map_ops {
	void *ctx;
	/* Whether mapper (if it still exists) shows host frame hpa at gfn. */
	bool (*maps)(void *ctx, domid_t mapper, uint64_t gfn, paddr_t hpa);
	/* Makes mapper's gfn show none of the owner's memory any more. */
	void (*revoke)(void *ctx, domid_t mapper, uint64_t gfn);
	void *(*alloc)(size_t size);
	void (*free)(void *p);
};

/*
 * Records that mapper maps hpa at gfn; call before the mapping is made (an
 * entry whose mapping then fails is merely stale). 0, -ESRCH once the list
 * is closed, -ENOMEM (nothing recorded: do not make the mapping).
 */
int foreign_map_add(const struct foreign_map_ops *ops, struct foreign_maps *fm, domid_t mapper,
		    uint64_t gfn, paddr_t hpa);

/* Whether some entry still maps host frame hpa (ops->maps). */
bool foreign_map_live(const struct foreign_map_ops *ops, const struct foreign_maps *fm,
		      paddr_t hpa);

/*
 * Revokes every live entry (ops->revoke once per entry still mapped), frees
 * the list and closes it. Returns the number of mappings revoked.
 */
unsigned int foreign_map_revoke_all(const struct foreign_map_ops *ops, struct foreign_maps *fm);

#endif
