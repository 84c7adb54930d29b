/*
 * What hcgen's family generators share (hcgen.c): the state of one call
 * being built, and pickers of values that are valid-looking or edges but
 * always safe for the caller (see hcgen.h for the rules).
 */
#ifndef TERN_HCGEN_GEN_H
#define TERN_HCGEN_GEN_H

#include "hcgen.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct gen {
	struct hcgen_rng *r;
	const struct hcgen_world *w;
	struct hcgen_call *c;
	size_t next; /* arena offset of the next allocation */
};

uint64_t g_below(struct gen *g, uint64_t n);
bool g_chance(struct gen *g, unsigned int one_in);   /* true one time in one_in */
uint32_t g_edge32(struct gen *g);                    /* an interesting 32-bit value */
uint64_t g_edge64(struct gen *g);
/* v most of the time, else an edge value (a field mutated). */
uint64_t g_or_edge(struct gen *g, uint64_t v);

/* Arena space for len bytes: its address for tern in *va, NULL if the arena
 * is used up for this call. 8-aligned, unless it holds bytes only (the
 * generator fills no typed fields there): then misaligned one time in 8. */
void *g_alloc(struct gen *g, size_t len, uint64_t *va, bool bytes);
/* A handle for an object of len bytes: in the arena (*p set; with p NULL,
 * an OUT buffer, which may be misaligned) or, one time in eight, one that
 * faults. */
uint64_t g_handle(struct gen *g, size_t len, void **p);
/* A handle that never works: unmapped, non-canonical, or past the end. */
uint64_t g_bad_handle(struct gen *g);

/* A guest frame of the caller's that tern may map something at or unmap. */
uint64_t g_spare_gfn(struct gen *g);
/* A guest frame of the caller's tern may copy into (the arena), or a spare one. */
uint64_t g_own_gfn(struct gen *g);
/* Guest frames of another domain: small (where RAM is), sometimes huge. */
uint64_t g_other_gfn(struct gen *g);

/* Whether a domain id names the caller. */
bool g_is_self(const struct gen *g, domid_t d);
/* The domain a call that changes state is aimed at: the caller itself (if
 * unprivileged), a victim, or an id with no domain. */
domid_t g_target(struct gen *g);
/* Any domain id, for calls that only read (or are refused). */
domid_t g_any_domid(struct gen *g);
/* The domain whose event channels, grant table or granted pages a call
 * changes: for a privileged caller itself, a victim or nobody (other domUs
 * are bystanders); for others any id (they are refused but for their own). */
domid_t g_owner(struct gen *g);
/* A victim (or DOMID_INVALID if there is none). */
domid_t g_victim(struct gen *g);
/* Ports, grant references, vCPU ids: small mostly, edges sometimes. */
uint32_t g_port(struct gen *g);
uint32_t g_gref(struct gen *g);
uint32_t g_vcpu(struct gen *g);

/* One family each (hcgen_ops.c, hcgen_ctl.c). */
void gen_xen_version(struct gen *g);
void gen_console_io(struct gen *g);
void gen_memory_op(struct gen *g);
void gen_grant_table_op(struct gen *g);
void gen_event_channel_op(struct gen *g);
void gen_vcpu_op(struct gen *g);
void gen_hvm_op(struct gen *g);
void gen_sched_op(struct gen *g);
void gen_sysctl(struct gen *g);
void gen_domctl(struct gen *g);

#endif
