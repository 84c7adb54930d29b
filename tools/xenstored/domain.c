/* The list of introduced domains. */
#include "domain.h"

#include <errno.h>
#include <stdlib.h>

#include "perms.h"

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
		d->domid = domid;
		d->target = XS_NO_TARGET;
		d->conn = NULL;
		d->shutdown_seen = false;
	}
	d->gfn = gfn;
	d->port = port;
	return d;
}

void xs_domain_remove(struct xs_domains *ds, uint32_t domid)
{
	struct xs_domain *d = xs_domain_find(ds, domid);

	if (d)
		*d = ds->v[--ds->n];
}

void xs_domain_fini(struct xs_domains *ds)
{
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
