/*
 * Which domain a hypercall's domid names, as the caller may see it: the one
 * rule memory_op, hvm_op, event channels and grant tables share. DOMID_SELF
 * and the caller's own id name the caller. Any other id is for a privileged
 * caller only, and an unprivileged one is refused before the id is looked
 * up: unlike Xen, which says "no such domain" first, tern gives a guest no
 * way to learn which domain ids exist. Pure (the unit tests use it).
 */
#ifndef TERN_DOMID_NAMING_H
#define TERN_DOMID_NAMING_H

#include <public/xen.h>
#include <tern/types.h>

enum domid_naming {
	DOMID_NAMES_CALLER,  /* itself */
	DOMID_NAMES_OTHER,   /* another domain: look it up */
	DOMID_NAMES_REFUSED, /* another domain, and the caller may not */
};

static inline enum domid_naming domid_naming(domid_t named, domid_t caller, bool privileged)
{
	if (named == DOMID_SELF || named == caller)
		return DOMID_NAMES_CALLER;
	return privileged ? DOMID_NAMES_OTHER : DOMID_NAMES_REFUSED;
}

#endif
