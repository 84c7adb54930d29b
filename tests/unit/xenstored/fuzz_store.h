/* What every xenstored fuzzer checks after an input: a consistent store. */
#ifndef XS_FUZZ_STORE_H
#define XS_FUZZ_STORE_H

#include <stdlib.h>

#include "tree.h"

static int fuzz_count(void *ctx, const struct xs_node *n)
{
	(void)n;
	(*(size_t *)ctx)++;
	return 0;
}

/* Every node reachable from the root or a special node, and nothing else stored. */
static inline void fuzz_check_store(struct xs_tree *t)
{
	size_t reachable = 0;

	xs_tree_walk_all(t, fuzz_count, &reachable);
	if (reachable != xs_tree_count(t))
		abort();
}

#endif
