/* Xenstore path rules: validation, relative-to-absolute, parents, matching. */
#ifndef XS_PATH_H
#define XS_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

#define XS_PATH_BUF (XENSTORE_ABS_PATH_MAX + 1)

#define XS_SPECIAL_INTRODUCE "@introduceDomain"
#define XS_SPECIAL_RELEASE "@releaseDomain"

enum xs_path_kind {
	XS_PATH_PLAIN,	/* a node below / */
	XS_PATH_NODE,	/* a node below /, or one of the two special nodes */
	XS_PATH_WATCH,	/* a watch: /... or any @name */
};

/*
 * Turns a client path into an absolute one in out (XS_PATH_BUF bytes).
 * Relative paths are taken under /local/domain/<domid>. *relative tells
 * which it was. -EINVAL for anything the protocol forbids.
 */
int xs_path_canon(const char *in, uint32_t domid, enum xs_path_kind kind, char *out,
		  bool *relative);
bool xs_path_valid(const char *abs, enum xs_path_kind kind);
bool xs_path_is_special(const char *path);
/* The home of a domain: /local/domain/<domid>. */
void xs_path_home(uint32_t domid, char *out, size_t size);
/* Parent of an absolute non-root path, into out (XS_PATH_BUF bytes). */
void xs_path_parent(const char *path, char *out);
/* Last component. */
const char *xs_path_base(const char *path);
/*
 * Is child equal to parent or below it, at most depth levels down
 * (depth < 0: any)?
 */
bool xs_path_is_child(const char *child, const char *parent, int depth);

#endif
