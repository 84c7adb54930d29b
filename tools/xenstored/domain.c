/* The list of introduced domains. */
#include "domain.h"

#include <errno.h>
#include <stdlib.h>

#include "perms.h"
#include "watch.h"

struct xs_domain *xs_domain_find(struct xs_domains *ds, uint32_t domid)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		if (ds->v[i].domid == domid)
			return &ds->v[i];
	return NULL;
}

struct xs_domain *xs_domain_add(struct xs_domains *ds, uint32_t domid, uint64_t gfn,
				uint32_t port)
{
	struct xs_domain *d = xs_domain_find(ds, domid);

	if (!d) {
		d = realloc(ds->v, (ds->n + 1) * sizeof(*d));
		if (!d)
			return NULL;
		ds->v = d;
		d = &ds->v[ds->n++];
		*d = (struct xs_domain){ .domid = domid, .target = XS_NO_TARGET };
	}
	d->gfn = gfn;
	d->port = port;
	return d;
}

void xs_domain_remove(struct xs_domains *ds, uint32_t domid)
{
	struct xs_domain *d = xs_domain_find(ds, domid);

	if (d) {
		xs_watch_free_all(&d->restored);
		*d = ds->v[--ds->n];
	}
}

void xs_domain_fini(struct xs_domains *ds)
{
	for (size_t i = 0; i < ds->n; i++)
		xs_watch_free_all(&ds->v[i].restored);
	free(ds->v);
	ds->v = NULL;
	ds->n = 0;
}

int xs_domain_parse_id(const char *s, uint32_t *domid)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 0xffff)
		return -EINVAL;
	*domid = (uint32_t)v;
	return 0;
}
