/*
 * hcgen: structure-aware hypercall generation, shared by the dom0 fuzzer
 * (hcfuzz, through privcmd) and the domU fuzzing guest (tests/guests/fuzz).
 *
 * Each call is a well-formed use of one operation of one hypercall family
 * (the argument structs tern reads, built in a caller-provided arena), whose
 * fields are then mutated: edge values, out-of-range ids, misaligned
 * offsets, counts that do not fit, handles that fault. What is generated is
 * safe for the caller by construction, whatever tern does with it:
 *  - every guest handle points into the arena or at addresses that fault;
 *  - every guest frame tern might map something at, or unmap, is a spare
 *    frame the caller declared (or, for an unprivileged caller that allows
 *    it, one of its arena pages), or far outside anything;
 *  - a privileged caller (dom0) never aims a call that changes a domain at
 *    itself (its event channels, vCPU, parameters, memory), only at the
 *    victim domains it names, at domains that do not exist, or at what the
 *    call itself creates; what such a call creates (an event channel of
 *    dom0's, a grant mapping, a domain) is reported so the caller can undo it.
 * Pure: no system calls, no globals; freestanding C that builds both into a
 * guest kernel and into a Linux program, and is unit-tested on the host.
 */
#ifndef TERN_HCGEN_H
#define TERN_HCGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/grant_table.h>
#include <public/xen.h>

/* xorshift64*: the same sequence for the same seed, on every build. */
struct hcgen_rng {
	uint64_t state;
};
void hcgen_seed(struct hcgen_rng *r, uint64_t seed);
uint64_t hcgen_rand(struct hcgen_rng *r);
uint64_t hcgen_below(struct hcgen_rng *r, uint64_t n); /* 0 for n == 0 */

#define HCGEN_PAGE 4096u
#define HCGEN_MAX_VICTIMS 8

/* What the caller lets the generator use and name. */
struct hcgen_world {
	uint8_t *arena;              /* read-write memory for what calls point to */
	uint64_t arena_va;           /* its address as tern sees it (guest-virtual) */
	size_t arena_len;            /* page-aligned, a multiple of HCGEN_PAGE, >= 64 KiB */
	const uint64_t *arena_gfns;  /* guest frame of each arena page; NULL: unknown */
	bool arena_is_spare;         /* tern may remap the arena's frames (domU only) */
	uint64_t spare_gfn;          /* [spare_gfn, spare_gfn + nr_spare): frames */
	uint64_t nr_spare;           /* with nothing of the caller's, for tern to map at */
	uint64_t fault_va;           /* [fault_va, fault_va + fault_len): addresses */
	uint64_t fault_len;          /* with nothing behind them */
	domid_t self;                /* the caller's domain id */
	unsigned int nr_victims;     /* other domains whose state may be changed */
	domid_t victims[HCGEN_MAX_VICTIMS];
	bool privileged;             /* sysctl and domctl; never aims changes at itself */
};

/* One generated call, and what it may leave behind that the caller undoes. */
struct hcgen_call {
	unsigned int nr;
	uint64_t arg[5];
	const char *name;
	uint32_t *new_port;                    /* an event channel of the caller's own */
	struct gnttab_map_grant_ref *new_map;  /* a grant mapping into the caller */
	uint16_t *new_domain;                  /* a domain (createdomain's OUT id) */
};

/* The next call: one of every family tern implements (sysctl and domctl for
 * a privileged caller), or, one time in eight, an unknown number. */
void hcgen_next(struct hcgen_rng *r, const struct hcgen_world *w, struct hcgen_call *c);

#endif
