/*
 * Changes a request made, kept until they may fire watches: at once outside a
 * transaction, at commit inside one.
 */
#ifndef XS_CHANGE_H
#define XS_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "perms.h"

struct xs_change {
	char *path;
	bool exact;		/* only watches on exactly this path */
	int32_t domid;		/* special events: the domain concerned, else -1 */
	/* Who may see the event: readers under either permission list. */
	struct xs_perm *perms[2];
	uint32_t nperms[2];
};

struct xs_changes {
	struct xs_change *v;
	size_t n, cap;
};

int xs_changes_add(struct xs_changes *ch, const char *path, bool exact,
		   const struct xs_perm *perms, uint32_t nperms,
		   const struct xs_perm *old, uint32_t nold);
int xs_changes_add_special(struct xs_changes *ch, const char *path, uint32_t domid,
			   const struct xs_perm *perms, uint32_t nperms);
/* Moves every change of src to the end of dst. */
int xs_changes_move(struct xs_changes *dst, struct xs_changes *src);
void xs_changes_clear(struct xs_changes *ch);

#endif
