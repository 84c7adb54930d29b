/* Chained hash table keyed by strings (FNV-1a), doubling when dense. */
#include "hash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static unsigned long xs_hash_str(const char *s)
{
	unsigned long h = 1469598103934665603UL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211UL;
	return h;
}

int xs_hash_init(struct xs_hash *h)
{
	h->nbuckets = 64;
	h->count = 0;
	h->buckets = calloc(h->nbuckets, sizeof(*h->buckets));
	return h->buckets ? 0 : -ENOMEM;
}

void xs_hash_free(struct xs_hash *h)
{
	size_t i;

	for (i = 0; i < h->nbuckets; i++) {
		struct xs_hash_ent *e = h->buckets[i];

		while (e) {
			struct xs_hash_ent *next = e->next;

			free(e);
			e = next;
		}
	}
	free(h->buckets);
	h->buckets = NULL;
	h->nbuckets = h->count = 0;
}

static struct xs_hash_ent **xs_hash_slot(const struct xs_hash *h, const char *key,
					 unsigned long hash)
{
	struct xs_hash_ent **p = &h->buckets[hash % h->nbuckets];

	while (*p && ((*p)->hash != hash || strcmp((*p)->key, key)))
		p = &(*p)->next;
	return p;
}

void *xs_hash_get(const struct xs_hash *h, const char *key)
{
	struct xs_hash_ent *e = *xs_hash_slot(h, key, xs_hash_str(key));

	return e ? e->val : NULL;
}

int xs_hash_has(const struct xs_hash *h, const char *key)
{
	return *xs_hash_slot(h, key, xs_hash_str(key)) != NULL;
}

/* Growing is best effort: a failed allocation only leaves chains longer. */
static void xs_hash_grow(struct xs_hash *h)
{
	size_t n = h->nbuckets * 2, i;
	struct xs_hash_ent **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (i = 0; i < h->nbuckets; i++) {
		struct xs_hash_ent *e = h->buckets[i];

		while (e) {
			struct xs_hash_ent *next = e->next;

			e->next = b[e->hash % n];
			b[e->hash % n] = e;
			e = next;
		}
	}
	free(h->buckets);
	h->buckets = b;
	h->nbuckets = n;
}

int xs_hash_put(struct xs_hash *h, const char *key, void *val, void **old)
{
	unsigned long hash = xs_hash_str(key);
	struct xs_hash_ent **p = xs_hash_slot(h, key, hash);
	size_t klen;

	if (*p) {
		if (old)
			*old = (*p)->val;
		(*p)->val = val;
		return 0;
	}
	klen = strlen(key) + 1;
	*p = malloc(sizeof(**p) + klen);
	if (!*p)
		return -ENOMEM;
	(*p)->next = NULL;
	(*p)->val = val;
	(*p)->hash = hash;
	memcpy((*p)->key, key, klen);
	if (old)
		*old = NULL;
	if (++h->count > h->nbuckets)
		xs_hash_grow(h);
	return 0;
}

void *xs_hash_del(struct xs_hash *h, const char *key)
{
	struct xs_hash_ent **p = xs_hash_slot(h, key, xs_hash_str(key));
	struct xs_hash_ent *e = *p;
	void *val;

	if (!e)
		return NULL;
	*p = e->next;
	val = e->val;
	free(e);
	h->count--;
	return val;
}

struct xs_hash_ent *xs_hash_next(const struct xs_hash *h, struct xs_hash_iter *it)
{
	if (it->ent && it->ent->next) {
		it->ent = it->ent->next;
		return it->ent;
	}
	if (it->ent)
		it->bucket++;
	for (; it->bucket < h->nbuckets; it->bucket++) {
		if (h->buckets[it->bucket]) {
			it->ent = h->buckets[it->bucket];
			return it->ent;
		}
	}
	it->ent = NULL;
	return NULL;
}
