/* Path syntax as the xenstore protocol defines it. */
#include "path.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool xs_path_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '/' || c == '_' || c == '@';
}

bool xs_path_is_special(const char *path)
{
	return !strcmp(path, XS_SPECIAL_INTRODUCE) || !strcmp(path, XS_SPECIAL_RELEASE);
}

bool xs_path_valid(const char *abs, enum xs_path_kind kind)
{
	size_t len = strlen(abs), i;

	if (len == 0 || len > XENSTORE_ABS_PATH_MAX)
		return false;
	if (abs[0] == '@') {
		if (kind == XS_PATH_PLAIN)
			return false;
		if (kind == XS_PATH_NODE)
			return xs_path_is_special(abs);
	} else if (abs[0] != '/') {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (!xs_path_char_ok(abs[i]))
			return false;
		if (abs[i] == '/' && abs[i + 1] == '/')
			return false;
	}
	return len == 1 || abs[len - 1] != '/';
}

void xs_path_home(uint32_t domid, char *out, size_t size)
{
	snprintf(out, size, "/local/domain/%u", domid);
}

int xs_path_canon(const char *in, uint32_t domid, enum xs_path_kind kind, char *out,
		  bool *relative)
{
	size_t len = strlen(in);
	int n;

	*relative = in[0] != '/' && in[0] != '@';
	if (!*relative) {
		if (len > XENSTORE_ABS_PATH_MAX)
			return -EINVAL;
		memcpy(out, in, len + 1);
	} else {
		/* An empty relative path would name the home with a trailing '/'. */
		if (len == 0 || len > XENSTORE_REL_PATH_MAX)
			return -EINVAL;
		n = snprintf(out, XS_PATH_BUF, "/local/domain/%u/%s", domid, in);
		if (n < 0 || n >= XS_PATH_BUF)
			return -EINVAL;
	}
	return xs_path_valid(out, kind) ? 0 : -EINVAL;
}

void xs_path_parent(const char *path, char *out)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n == 0) {
		strcpy(out, "/");
		return;
	}
	memcpy(out, path, n);
	out[n] = '\0';
}

const char *xs_path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool xs_path_is_child(const char *child, const char *parent, int depth)
{
	size_t plen = strlen(parent);
	const char *rest;
	int levels;

	if (strncmp(child, parent, plen))
		return false;
	rest = child + plen;
	if (*rest == '\0')
		return true;
	/* "/" is the parent of everything absolute; otherwise a '/' must follow. */
	if (!(plen == 1 && parent[0] == '/')) {
		if (*rest != '/')
			return false;
		rest++;
	}
	if (depth < 0)
		return true;
	for (levels = 1; *rest; rest++)
		if (*rest == '/')
			levels++;
	return levels <= depth;
}
