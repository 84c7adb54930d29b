/*
 * Shared by the xl.cfg key handlers (xlcfg_domain.c) and the value helpers
 * (xlcfg_value.c): the keys of one file after folding, and typed reads that
 * report their own errors with the file and line. Private to tools/lib.
 */
#ifndef TERN_TOOLS_XLCFG_VALUE_H
#define TERN_TOOLS_XLCFG_VALUE_H

#include "xlcfg.h"

/* One key after folding every assignment to it (last `=` wins, `+=` appends). */
struct resolved {
	const char *key;
	struct xlcfg_value value; /* owned copy */
	const char *file;
	int line;                 /* of the last assignment */
};

struct ctx {
	struct xlcfg_domain *d;
	struct xlcfg_msgs *m;
	struct resolved *r;
	unsigned nr;
	int has_root, has_extra, has_name;
	char *root, *extra;
};

/* Folds every assignment of raw into c->r (last `=` wins, `+=` appends). */
int cfg_resolve(struct ctx *c, const struct xlcfg_raw *raw);
void cfg_value_clear(struct xlcfg_value *v);

/* Typed reads of one key; each reports its own error and returns -EINVAL. */
int cfg_get_string(struct ctx *c, const struct resolved *r, const char **out);
int cfg_get_number(struct ctx *c, const struct resolved *r, unsigned long long *out);
int cfg_get_bounded(struct ctx *c, const struct resolved *r, unsigned long long min,
		    unsigned long long max, unsigned long long *out);
int cfg_set_str(struct ctx *c, const struct resolved *r, char **field);

#endif
