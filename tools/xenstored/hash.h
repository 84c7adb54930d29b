/* String-keyed hash table; keys are copied, values belong to the caller. */
#ifndef XS_HASH_H
#define XS_HASH_H

#include <stddef.h>

struct xs_hash_ent {
	struct xs_hash_ent *next;
	void *val;
	unsigned long hash;
	char key[];
};

struct xs_hash {
	struct xs_hash_ent **buckets;
	size_t nbuckets;
	size_t count;
};

/* Position of an iteration; start from {0}. */
struct xs_hash_iter {
	size_t bucket;
	struct xs_hash_ent *ent;
};

int xs_hash_init(struct xs_hash *h);
void xs_hash_free(struct xs_hash *h);
void *xs_hash_get(const struct xs_hash *h, const char *key);
int xs_hash_has(const struct xs_hash *h, const char *key);
/* Inserts or replaces; *old receives the value replaced (NULL if new). */
int xs_hash_put(struct xs_hash *h, const char *key, void *val, void **old);
/* Removes key; returns its value or NULL. */
void *xs_hash_del(struct xs_hash *h, const char *key);
/* Next entry or NULL; the table must not change during an iteration. */
struct xs_hash_ent *xs_hash_next(const struct xs_hash *h, struct xs_hash_iter *it);

#endif
