/*
 * blkif: the block device protocol between a frontend (Linux's
 * xen-blkfront) and a backend, as Xen's public io/blkif.h defines it for
 * the x86_64 ABI (protocol "x86_64-abi"), and the i386 form of its requests
 * (protocol "x86_32-abi", below). Numbers and layouts are Xen's; the
 * definitions are written for tern. Sector numbers are always 512-byte
 * units; a segment is a granted 4 KiB page and the sectors [first, last]
 * (0..7) of it that the request covers.
 */
#ifndef TERN_XEN_IO_BLKIF_H
#define TERN_XEN_IO_BLKIF_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"

/* Requests. */
#define BLKIF_OP_READ 0
#define BLKIF_OP_WRITE 1
#define BLKIF_OP_WRITE_BARRIER 2   /* feature-barrier */
#define BLKIF_OP_FLUSH_DISKCACHE 3 /* feature-flush-cache; may carry data */
#define BLKIF_OP_RESERVED_1 4
#define BLKIF_OP_DISCARD 5         /* feature-discard */
#define BLKIF_OP_INDIRECT 6        /* feature-max-indirect-segments */

#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11
/* An indirect request names up to 8 granted pages of segment descriptors. */
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8
#define BLKIF_SEGS_PER_INDIRECT_PAGE (XEN_RING_PAGE_SIZE / sizeof(struct blkif_request_segment))

#define BLKIF_DISCARD_SECURE 1     /* discard flag: erase securely */

/* Response status. */
#define BLKIF_RSP_EOPNOTSUPP (-2)
#define BLKIF_RSP_ERROR (-1)
#define BLKIF_RSP_OKAY 0

/* "info" bits the backend publishes. */
#define VDISK_CDROM 0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY 0x4

typedef uint32_t blkif_gref_t;

struct blkif_request_segment {
	blkif_gref_t gref;
	uint8_t first_sect, last_sect;
	uint8_t pad[2];
};

/* READ, WRITE, WRITE_BARRIER, FLUSH_DISKCACHE. */
struct blkif_request_rw {
	uint8_t nr_segments;
	uint16_t handle;
	uint32_t pad;                 /* x86_64 alignment of id */
	uint64_t id;
	uint64_t sector_number;
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
} __attribute__((packed));

struct blkif_request_discard {
	uint8_t flag;                 /* BLKIF_DISCARD_SECURE */
	uint16_t handle;
	uint32_t pad;
	uint64_t id;
	uint64_t sector_number;
	uint64_t nr_sectors;
	uint8_t pad2[64];
} __attribute__((packed));

struct blkif_request_indirect {
	uint8_t indirect_op;          /* READ or WRITE */
	uint16_t nr_segments;
	uint32_t pad;
	uint64_t id;
	uint64_t sector_number;
	uint16_t handle;
	uint16_t pad2;
	blkif_gref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	uint8_t pad3[52];
} __attribute__((packed));

struct blkif_request {
	uint8_t operation;
	union {
		struct blkif_request_rw rw;
		struct blkif_request_discard discard;
		struct blkif_request_indirect indirect;
	} u;
} __attribute__((packed));

struct blkif_response {
	uint64_t id;                  /* copied from the request */
	uint8_t operation;            /* the request's (indirect_op for INDIRECT) */
	uint8_t pad;
	int16_t status;               /* BLKIF_RSP_* */
	uint32_t pad2;
};

union blkif_sring_entry {
	struct blkif_request req;
	struct blkif_response rsp;
};

_Static_assert(sizeof(struct blkif_request_segment) == 8, "blkif segment");
_Static_assert(sizeof(struct blkif_request) == 112, "blkif request");
_Static_assert(offsetof(struct blkif_request, u.rw.nr_segments) == 1, "rw nr_segments");
_Static_assert(offsetof(struct blkif_request, u.rw.handle) == 2, "rw handle");
_Static_assert(offsetof(struct blkif_request, u.rw.id) == 8, "rw id");
_Static_assert(offsetof(struct blkif_request, u.rw.sector_number) == 16, "rw sector");
_Static_assert(offsetof(struct blkif_request, u.rw.seg) == 24, "rw seg");
_Static_assert(offsetof(struct blkif_request, u.discard.flag) == 1, "discard flag");
_Static_assert(offsetof(struct blkif_request, u.discard.id) == 8, "discard id");
_Static_assert(offsetof(struct blkif_request, u.discard.sector_number) == 16, "discard sector");
_Static_assert(offsetof(struct blkif_request, u.discard.nr_sectors) == 24, "discard nr_sectors");
_Static_assert(offsetof(struct blkif_request, u.indirect.indirect_op) == 1, "indirect op");
_Static_assert(offsetof(struct blkif_request, u.indirect.nr_segments) == 2, "indirect nr_segments");
_Static_assert(offsetof(struct blkif_request, u.indirect.id) == 8, "indirect id");
_Static_assert(offsetof(struct blkif_request, u.indirect.sector_number) == 16, "indirect sector");
_Static_assert(offsetof(struct blkif_request, u.indirect.handle) == 24, "indirect handle");
_Static_assert(offsetof(struct blkif_request, u.indirect.indirect_grefs) == 28, "indirect grefs");
_Static_assert(sizeof(struct blkif_response) == 16, "blkif response");
_Static_assert(offsetof(struct blkif_response, operation) == 8, "response op");
_Static_assert(offsetof(struct blkif_response, status) == 10, "response status");
_Static_assert(sizeof(union blkif_sring_entry) == 112, "blkif ring entry");
_Static_assert(BLKIF_SEGS_PER_INDIRECT_PAGE == 512, "segments per indirect page");

/*
 * A 32-bit frontend ("x86_32-abi"): the same fields, but its 64-bit ones
 * are 4-byte aligned, so id and everything after it sit 4 bytes earlier and
 * a ring entry is 108 bytes. Responses keep their fields' offsets (id 0,
 * operation 8, status 10) in a 12-byte entry. Segments, indirect pages and
 * the ring header are the same.
 */
#define BLKIF_X86_32_ABI "x86_32-abi"
#define BLKIF_X86_64_ABI "x86_64-abi"

struct blkif_x86_32_request {
	uint8_t operation;
	union {
		struct {
			uint8_t nr_segments;
			uint16_t handle;
			uint64_t id;
			uint64_t sector_number;
			struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
		} __attribute__((packed)) rw;
		struct {
			uint8_t flag;
			uint16_t handle;
			uint64_t id;
			uint64_t sector_number;
			uint64_t nr_sectors;
		} __attribute__((packed)) discard;
		struct {
			uint8_t indirect_op;
			uint16_t nr_segments;
			uint64_t id;
			uint64_t sector_number;
			uint16_t handle;
			uint16_t pad;
			blkif_gref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
		} __attribute__((packed)) indirect;
	} u;
} __attribute__((packed));

#define BLKIF_X86_32_ENTRY_SIZE 108

_Static_assert(sizeof(struct blkif_x86_32_request) == BLKIF_X86_32_ENTRY_SIZE, "x86_32 request");
_Static_assert(offsetof(struct blkif_x86_32_request, u.rw.id) == 4, "x86_32 rw id");
_Static_assert(offsetof(struct blkif_x86_32_request, u.rw.sector_number) == 12, "x86_32 sector");
_Static_assert(offsetof(struct blkif_x86_32_request, u.rw.seg) == 20, "x86_32 seg");
_Static_assert(offsetof(struct blkif_x86_32_request, u.discard.nr_sectors) == 20, "x86_32 discard");
_Static_assert(offsetof(struct blkif_x86_32_request, u.indirect.handle) == 20, "x86_32 ind handle");
_Static_assert(offsetof(struct blkif_x86_32_request, u.indirect.indirect_grefs) == 24,
	       "x86_32 indirect grefs");

#endif
