/*
 * Node permissions: the first entry names the owner (full access) and gives
 * everyone not listed later its access; later entries grant per domain.
 */
#ifndef XS_PERMS_H
#define XS_PERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

/* Access a caller has; OWNER means it may change the permissions. */
#define XS_ACCESS_READ XS_PERM_READ
#define XS_ACCESS_WRITE XS_PERM_WRITE
#define XS_ACCESS_OWNER 0x4
#define XS_ACCESS_ALL (XS_ACCESS_READ | XS_ACCESS_WRITE | XS_ACCESS_OWNER)

#define XS_NO_TARGET UINT32_MAX

struct xs_perm {
	uint32_t domid;
	uint8_t mode;	/* XS_PERM_* */
};

/* Who asks: dom0 (priv) bypasses all checks; target is SET_TARGET's. */
struct xs_who {
	uint32_t domid;
	uint32_t target;
	bool priv;
};

unsigned int xs_perms_access(const struct xs_who *who, const struct xs_perm *p, size_t n);
/* Parses one "<n|r|w|b><domid>" string; -EINVAL if malformed. */
int xs_perms_parse(const char *s, struct xs_perm *out);
/* Writes "b0" etc. with a NUL; returns its length without the NUL. */
size_t xs_perms_format(const struct xs_perm *p, char *out);

#endif
