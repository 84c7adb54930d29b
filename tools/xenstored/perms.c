/* Permission checks and the textual form used on the wire. */
#include "perms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static bool xs_perms_matches(const struct xs_who *who, uint32_t domid)
{
	return domid == who->domid || (who->target != XS_NO_TARGET && domid == who->target);
}

unsigned int xs_perms_access(const struct xs_who *who, const struct xs_perm *p, size_t n)
{
	size_t i;

	if (who->priv || (n > 0 && xs_perms_matches(who, p[0].domid)))
		return XS_ACCESS_ALL;
	for (i = 1; i < n; i++)
		if (xs_perms_matches(who, p[i].domid))
			return p[i].mode;
	return n > 0 ? p[0].mode : 0;
}

int xs_perms_parse(const char *s, struct xs_perm *out)
{
	char *end;
	long id;

	switch (s[0]) {
	case 'n':
		out->mode = XS_PERM_NONE;
		break;
	case 'r':
		out->mode = XS_PERM_READ;
		break;
	case 'w':
		out->mode = XS_PERM_WRITE;
		break;
	case 'b':
		out->mode = XS_PERM_READ | XS_PERM_WRITE;
		break;
	default:
		return -EINVAL;
	}
	if (s[1] < '0' || s[1] > '9')
		return -EINVAL;
	errno = 0;
	id = strtol(s + 1, &end, 10);
	if (errno || *end || id < 0 || id > 0xffff)
		return -EINVAL;
	out->domid = (uint32_t)id;
	return 0;
}

size_t xs_perms_format(const struct xs_perm *p, char *out)
{
	static const char letter[] = { 'n', 'r', 'w', 'b' };

	return (size_t)sprintf(out, "%c%u", letter[p->mode & 3], p->domid);
}
