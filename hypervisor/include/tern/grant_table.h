/*
 * Grant tables (version 1). Two layers:
 *  - common/grant_table.c, the state logic: a domain's table frames, which
 *    of its grants are in use by whom (pin counts per entry, GTF_reading and
 *    GTF_writing in the shared entry), and the maptrack table of mappings a
 *    domain holds. It reaches memory and nested page tables only through
 *    struct gnttab_ops, so host unit tests run it over plain memory. Callers
 *    serialise all calls (grant_table_op.c holds one lock).
 *  - common/grant_table_op.c, the glue: do_grant_table_op, the domain hooks,
 *    and grant_table_frame for memory_op.
 */
#ifndef TERN_GRANT_TABLE_H
#define TERN_GRANT_TABLE_H

#include <public/grant_table.h>
#include <tern/types.h>

#define GNTTAB_MAX_FRAMES 64 /* Xen's default max_grant_frames */
#define GNTTAB_ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define GNTTAB_MAX_COUNT 512 /* entries per map/unmap/copy call */

/* Mappings a domain may hold at once: 256 pages of 256 handles. */
#define GNTTAB_MAPTRACK_PER_PAGE (PAGE_SIZE / sizeof(struct grant_mapping))
#define GNTTAB_MAPTRACK_MAX_PAGES 256

/* How many times an entry is mapped (pins), and the frame it had then. */
struct grant_active {
	uint16_t readers;      /* read-only pins */
	uint16_t writers;      /* writable pins */
	uint32_t frame;        /* the granter's GFN, latched at the first pin */
};

/* One mapping this domain holds (a maptrack entry; its index is the handle). */
struct grant_mapping {
	grant_ref_t ref;       /* in use: the grant; free: the next free handle */
	domid_t dom;           /* the granter */
	uint16_t flags;        /* GNTTAB_MAPPING_* */
	uint64_t host_addr;    /* guest-physical page it is mapped at */
};
#define GNTTAB_MAPPING_INUSE (1 << 0)
#define GNTTAB_MAPPING_READONLY (1 << 1)
#define GNTTAB_MAPPING_ORPHAN (1 << 2) /* the granter is gone (its id may be reused) */

struct grant_table {
	void *ctx;             /* the owner, for the ops (the hypervisor: struct domain) */
	domid_t id;
	unsigned int nr_frames;
	struct grant_entry_v1 *shared[GNTTAB_MAX_FRAMES]; /* the pages the guest maps */
	paddr_t shared_pa[GNTTAB_MAX_FRAMES];
	struct grant_active *active[GNTTAB_MAX_FRAMES];   /* one page per shared page */
	unsigned int maptrack_pages;
	unsigned int maptrack_used;
	uint32_t maptrack_free; /* first free handle, GNTTAB_NO_HANDLE if none */
	struct grant_mapping *maptrack[GNTTAB_MAPTRACK_MAX_PAGES];
};
#define GNTTAB_NO_HANDLE 0xffffffffu

/* What the state logic needs from its environment. */
struct gnttab_ops {
	/* The table of domain id (never DOMID_SELF), or NULL. */
	struct grant_table *(*find_domain)(domid_t id);
	bool (*is_privileged)(const struct grant_table *gt);
	/* A zeroed 4 KiB page and its physical address, or NULL. */
	void *(*alloc_page)(paddr_t *pa);
	void (*free_page)(void *page);
	/*
	 * Puts the granter's page gfn at guest-physical page gpa of the mapper
	 * (read-only if asked); 0 or a negative errno. unmap_frame undoes it
	 * (granter is NULL if that domain is gone).
	 */
	int (*map_frame)(struct grant_table *mapper, uint64_t gpa, struct grant_table *granter,
			 uint64_t gfn, bool readonly);
	int (*unmap_frame)(struct grant_table *mapper, uint64_t gpa, struct grant_table *granter,
			   uint64_t gfn);
	/* A hypervisor pointer to page gfn of owner, or NULL if it has none
	 * there (or it cannot be written and writable is asked). */
	void *(*frame_ptr)(struct grant_table *owner, uint64_t gfn, bool writable);
};

/* Sets up an empty table (no frames) / frees everything, after releasing the
 * mappings gt holds of other domains' grants. */
void gnttab_setup(struct grant_table *gt, void *ctx, domid_t id);
void gnttab_teardown(const struct gnttab_ops *ops, struct grant_table *gt);

/* The granter domain id is gone: gt's mappings of its grants no longer
 * name any table, so unmapping them later touches only gt (and a domain
 * that reuses the id never sees their pins dropped). */
void gnttab_forget_granter(struct grant_table *gt, domid_t granter);

/* Grows the table to at least nr_frames: 0, -EINVAL beyond
 * GNTTAB_MAX_FRAMES, -ENOMEM. */
int gnttab_grow(const struct gnttab_ops *ops, struct grant_table *gt, unsigned int nr_frames);

/* Frame idx of the table (grown to idx + 1 frames if needed), for
 * XENMAPSPACE_grant_table: 0 with *pa set, -EINVAL, -ENOMEM. */
int gnttab_frame(const struct gnttab_ops *ops, struct grant_table *gt, unsigned int idx,
		 paddr_t *pa);

/* Fills entry ref as a granting guest would (for the hypervisor's domain
 * builder: console and xenstore rings): 0 or -EINVAL if ref is beyond the
 * table. */
int gnttab_grant(struct grant_table *gt, grant_ref_t ref, domid_t grantee, uint32_t gfn,
		 bool readonly);

/*
 * One entry of map / unmap / copy by domain gt: writes op->status (and the
 * other OUT fields) and returns it. A failed entry changes nothing.
 */
int16_t gnttab_map_one(const struct gnttab_ops *ops, struct grant_table *gt,
		       struct gnttab_map_grant_ref *op);
int16_t gnttab_unmap_one(const struct gnttab_ops *ops, struct grant_table *gt,
			 struct gnttab_unmap_grant_ref *op);
int16_t gnttab_copy_one(const struct gnttab_ops *ops, struct grant_table *gt,
			struct gnttab_copy *op);

/* The single-struct ops; status in op->status, or a negative errno returned
 * (set_version, get_version). */
void gnttab_query_size(const struct gnttab_ops *ops, struct grant_table *gt,
		       struct gnttab_query_size *op);
void gnttab_setup_table(const struct gnttab_ops *ops, struct grant_table *gt,
			struct gnttab_setup_table *op);
int gnttab_set_version(struct grant_table *gt, struct gnttab_set_version *op);
int gnttab_get_version(const struct gnttab_ops *ops, struct grant_table *gt,
		       struct gnttab_get_version *op);

/*
 * Checks a grant_table_op call's cmd and count before anything is read:
 * returns the size of one argument struct, -ENOSYS for an unsupported cmd,
 * -EINVAL for a count the cmd does not accept (map, unmap and copy: at most
 * GNTTAB_MAX_COUNT; the others: exactly 1). *batch tells which kind it is.
 */
long gnttab_op_check(uint64_t cmd, uint64_t count, bool *batch);

/* ---- grant_table_op.c: the hypervisor side ---- */
struct domain;

/* Gives d a grant table of one frame / releases it; 0 or -ENOMEM. */
int grant_table_init(struct domain *d);
void grant_table_destroy(struct domain *d);

/* For XENMEM_add_to_physmap(XENMAPSPACE_grant_table, idx): the host page of
 * frame idx, growing the table; -EINVAL for idx >= GNTTAB_MAX_FRAMES (or
 * with XENMAPIDX_grant_table_status: v2 only), -ENOMEM. */
int grant_table_frame(struct domain *d, unsigned int idx, paddr_t *frame);

/* Holds off every grant map, unmap and copy, of any domain, until
 * grant_ops_resume(): a frame leaving its domain (XENMEM_decrease_reservation)
 * is then reached by none. Taken before foreign and p2m locks. */
void grant_ops_hold(void);
void grant_ops_resume(void);

#endif
