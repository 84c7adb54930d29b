/* Domains: dom0 now; domUs join them later. */
#ifndef TERN_DOMAIN_H
#define TERN_DOMAIN_H

#include <asm/hvm.h>
#include <asm/spinlock.h>
#include <public/domctl.h>
#include <public/hvm.h>
#include <tern/e820.h>
#include <tern/foreign_map.h>
#include <tern/grant_table.h>
#include <tern/guest_console.h>
#include <tern/sched_credit.h>

typedef uint16_t domid_t;

struct evtchn_domain;
struct grant_table;
struct shared_info;

/* Guest frames whose RAM check a domain keeps (p2m_access.c): enough for
 * the buffers of a disk's or a vif's requests in flight. */
#define P2M_RAM_CACHE 1024
/* Guest frames whose translation a domain keeps for the hypervisor's own
 * accesses (hypercall arguments, its page tables when walked). */
#define P2M_SEEN_CACHE 256

struct domain {
	domid_t id;
	const char *name;
	struct shared_info *shared_info; /* a hypervisor page the guest maps (memory_op) */
	uint64_t shared_info_gfn;        /* where the guest mapped it (~0: nowhere) */
	uint8_t handle[16];              /* its UUID, from the toolstack */
	struct evtchn_domain *evtchn;    /* event channels (common/evtchn.c) */
	unsigned int evtchn_kicks;        /* kicks noted, not yet sent (evtchn_op.c) */
	struct grant_table *grant_table; /* grant table (common/grant_table.c) */
	paddr_t npt_root;      /* nested page table (guest-physical -> host-physical) */
	/* Its guest-physical space (p2m.c): the lock every change of the nested
	 * table and every hypervisor access through it holds. */
	struct spinlock p2m_lock;
	uint64_t p2m_limit;               /* addresses from here up are refused */
	uint64_t p2m_fixed_gpa;           /* a page no p2m operation changes (dom0's LAPIC); ~0: none */
	uint64_t npt_pages, npt_pages_max; /* the nested table's pages, and its allowance */
	bool p2m_flush_owed;              /* a change's TLB flush was not seen done */
	uint64_t grant_frame_gfn[GNTTAB_MAX_FRAMES]; /* where each grant-table frame is mapped (~0: nowhere) */
	bool is_privileged;
	bool passthrough;                 /* owns the machine's devices (HVM dom0) */
	struct spinlock console_lock;     /* serialises its vCPUs' console_io */
	struct guest_console console;     /* its text not yet printed, its rate limit */
	struct ratelimit log_limit;       /* tern's lines about what it does (domain_log_allowed()) */
	uint64_t hvm_params[HVM_NR_PARAMS]; /* HVMOP_set_param */
	uint64_t npt_epoch;               /* bumped by every change that takes a translation away */
	/* What the nested table showed, kept (p2m_access.c): an entry holds
	 * while its gen is p2m_gen, which every change of the table bumps
	 * (never 0 after p2m_init, so a zeroed entry holds nothing). */
	uint64_t p2m_gen;
	struct p2m_ram_cached {           /* p2m_ram_gfn()'s yes answers */
		uint64_t gfn, gen;
		paddr_t hpa;
	} p2m_ram_cache[P2M_RAM_CACHE];
	struct p2m_seen {                 /* a gfn's translation, and what is behind it */
		uint64_t gfn, gen;
		paddr_t hpa;
		uint8_t kind;             /* p2m_access.c's gpa_kind */
		bool writable;
	} p2m_seen_cache[P2M_SEEN_CACHE];
	paddr_t scratch;                  /* dom0: the 2 MiB region hidden frames show (or 0) */
	const struct e820_map *e820;      /* the memory map the guest was given */
	uint64_t tot_pages, max_pages;    /* RAM it has / may have */
	uint64_t max_gfn;                 /* highest guest frame of its RAM */
	/* Its layout: the host frame a guest frame has by default (false: none),
	 * and whether a guest frame is its RAM. */
	bool (*base_frame)(struct domain *d, uint64_t gpa, paddr_t *hpa);
	bool (*is_ram)(struct domain *d, uint64_t gpa);
	unsigned int shutdown_code;       /* SCHEDOP_shutdown_code */
	unsigned long vm_assist;          /* VMASST_TYPE_* bits it turned on */
	bool compat_shared;               /* its shared pages are in the 32-bit layout */
	unsigned int nr_vcpus;
	struct vcpu vcpu[TERN_MAX_VCPUS];
	/* Life cycle (domUs; dom0's end is the machine's). */
	bool paused;                      /* by the toolstack */
	bool shutdown;                    /* SCHEDOP_shutdown or crash: vCPUs stay off */
	unsigned int shutdown_reason;     /* SHUTDOWN_* */
	bool dying;                       /* destroydomain under way (set under sched_lock) */
	struct {
		unsigned int step;
		uint64_t started_ns;      /* when the destroy began (0: none under way) */
		uint64_t next_gfn;        /* its RAM is given back below this guest frame */
	} destroy;                        /* destroydomain's progress (domain_destroy.c) */
	struct sched_domain sched;        /* weight, cap and what it has run (domUs) */
	/* A domU's RAM: host frame of each guest frame below p2m_size (0: none),
	 * changed under ram_lock (taken before the grant, foreign, p2m locks). */
	struct spinlock ram_lock;
	paddr_t *p2m_ram;
	uint64_t p2m_size;
	struct foreign_maps foreign_maps; /* others' mappings of its RAM (p2m.c) */
	struct svm_domain svm;            /* the vendor's state (svm/ or vmx/) */
	struct vmx_domain vmx;
};

/* Allocates the domain's shared_info page (once) and points its vCPUs'
 * vcpu_info at their slots. 0 or -ENOMEM. */
int domain_shared_info_init(struct domain *d);

/*
 * Latches the layout of d's shared pages (shared_info, vcpu_info, the
 * runstate areas) for a 32-bit (compat) or 64-bit guest, as Xen does when a
 * guest installs its hypercall page or sets HVM_PARAM_CALLBACK_IRQ; the
 * wall clock is written again in the new layout (common/compat_shared.c).
 */
void domain_latch_shared_layout(struct domain *d, bool compat);

/* Writes the wall clock into d's shared_info in its current layout. */
void shared_info_wallclock(struct domain *d);

/* Makes the domain findable by its id. */
void domain_register(struct domain *d);

/* The domain with this id, or NULL. */
struct domain *domain_by_id(domid_t id);

/*
 * The domain a hypercall's domid names for caller (tern/domid_naming.h),
 * or NULL with *rc -EPERM (not the caller's to name) or -ESRCH (no such
 * domain, or it is dying).
 */
struct domain *domain_named_by(struct domain *caller, domid_t domid, long *rc);

/* Every domain, indexed by id (MAX_DOMAINS entries, NULL: free id). */
struct domain *const *domain_table(void);

/* Copies guest-physical memory through the domain's nested page table;
 * -EFAULT if any of it is not RAM the hypervisor may read (p2m_copy_from). */
int domain_read_gpa(struct domain *d, uint64_t gpa, void *buf, size_t len);

#define MAX_DOMAINS 256

/*
 * Ends the domain for a SHUTDOWN_* reason. As in Xen the initial domain's end
 * is the machine's (poweroff halts it, reboot resets it, anything else is a
 * crash: reset after five seconds, or halt with noreboot) and this does not
 * return. A domU stops running and waits for the toolstack; this returns.
 */
void domain_shutdown(struct domain *d, unsigned int reason);

/*
 * Whether tern may log another line about something the domain did (a guest
 * can repeat anything in a loop): ten at once, then one every five seconds;
 * the first line after a pause says how many were suppressed.
 */
bool domain_log_allowed(struct domain *d);

/* Stops a domain after a fatal guest error (triple fault, unhandled exit). */
void domain_crash(struct domain *d, const char *why);

/* Raises VIRQ_DOM_EXC in dom0: a domain shut down or went away. */
void domain_notify_dom0(void);

/*
 * Reserves a domain id (0: the next free one after the last handed out) and allocates a
 * paused domain with nr_vcpus offline vCPUs. NULL with *rc -EEXIST, -ENOSPC,
 * -EINVAL or -ENOMEM.
 */
struct domain *domain_create(domid_t id, unsigned int nr_vcpus, int *rc);
void domain_unregister(struct domain *d);

#endif
