/*
 * A domain's PV console page (Xen's io/console.h layout: toolstack-reference
 * 5.3, guest-abi 1.9). The guest writes out[] and reads in[]; the console
 * daemon does the opposite. Indexes are free-running uint32; byte i of a
 * ring lives at i & (size - 1). The other side may change any field at any
 * time, so every index is read once and checked before use.
 */
#ifndef XCS_CONS_RING_H
#define XCS_CONS_RING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define XCS_RING_IN_SIZE 1024u	/* daemon -> guest (keyboard) */
#define XCS_RING_OUT_SIZE 2048u	/* guest -> daemon (hvc0 output) */

struct xencons_interface {
	char in[XCS_RING_IN_SIZE];
	char out[XCS_RING_OUT_SIZE];
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
	uint8_t connection;	/* 0 connected, 1 disconnected (the daemon's to set) */
};

_Static_assert(offsetof(struct xencons_interface, out) == 1024, "console out[]");
_Static_assert(offsetof(struct xencons_interface, in_cons) == 3072, "console in_cons");
_Static_assert(offsetof(struct xencons_interface, out_prod) == 3084, "console out_prod");
_Static_assert(offsetof(struct xencons_interface, connection) == 3088, "console connection");
_Static_assert(sizeof(struct xencons_interface) <= 4096, "console page");

/*
 * Takes up to len bytes the guest wrote to out[]; returns how many (0: none),
 * or -EIO when the indexes claim more than a ring's worth (a broken guest:
 * nothing is consumed).
 */
ssize_t xcs_ring_take_out(struct xencons_interface *r, void *buf, size_t len);
/* Puts up to len bytes into in[] as room allows; how many, or -EIO as above. */
ssize_t xcs_ring_put_in(struct xencons_interface *r, const void *buf, size_t len);
/* Free bytes in in[] (0 also when the indexes are broken). */
size_t xcs_ring_in_room(const struct xencons_interface *r);

#endif
