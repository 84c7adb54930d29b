/*
 * Hardware-assisted virtual CPUs. Common code sees struct vcpu and the
 * vendor interface struct hvm_ops, which svm/ and vmx/ implement.
 */
#ifndef ASM_HVM_H
#define ASM_HVM_H

#include <public/vcpu.h>
#include <tern/types.h>
#include <tern/vcpu_timer.h>
#include <asm/asid.h>
#include <asm/cpu_state.h>
#include <asm/creg_policy.h>
#include <asm/spinlock.h>
#include <asm/vlapic.h>
#include <asm/svm_state.h>
#include <asm/vmx_state.h>

struct domain;
struct cpuid_regs;

/* The guest state behind a data access (hvm_ops.access_state). */
struct hvm_access_state {
	uint64_t rflags;
	uint64_t fs_base, gs_base;
};
struct p2m_format;
struct creg_features;
struct guest_paging;

/* The guest's general registers that VMRUN does not keep in the VMCB (rax
 * and rsp live there). Layout shared with svm/entry.S through asm-offsets. */
struct guest_regs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct vcpu_info;

/* The hypercall a vCPU is making (hvm/hypercall_entry.c, common/hypercall.c). */
struct hypercall_state {
	bool compat;        /* issued from 32-bit code: arguments are 32 bits wide */
	bool continued;     /* hypercall_continue(): the guest issues it again */
	uint8_t nargs;      /* ... with its first nargs arguments replaced by args */
	uint64_t args[3];
};

/* Why a vCPU left guest mode, counted for the 'q' debug key (what a
 * guest's I/O costs in exits: docs/blkback.md). */
enum vcpu_exit_kind {
	VCPU_EXIT_HYPERCALL, VCPU_EXIT_INTR, VCPU_EXIT_HLT, VCPU_EXIT_NPF, VCPU_EXIT_IO,
	VCPU_EXIT_MSR, VCPU_EXIT_OTHER, VCPU_EXIT_KINDS
};
#define VCPU_COUNTED_HYPERCALLS 48 /* hypercall numbers counted one by one */
struct vcpu_stats {
	uint64_t exits[VCPU_EXIT_KINDS];
	uint64_t exit_tsc[VCPU_EXIT_KINDS]; /* TSC ticks from #VMEXIT to the end of its handling */
	uint64_t hypercalls[VCPU_COUNTED_HYPERCALLS]; /* by number, continuations included */
	uint64_t hypercall_tsc[VCPU_COUNTED_HYPERCALLS]; /* in their handlers */
	uint64_t upcalls; /* event upcalls injected */
};

struct vcpu {
	struct domain *domain;
	unsigned int id;
	unsigned int pcpu;         /* where it runs (pinned) */
	struct vcpu_info *vcpu_info; /* where its event and time state is (shared_info's slot,
				      * or the page VCPUOP_register_vcpu_info named) */
	uint8_t upcall_vector;     /* HVMOP_set_evtchn_upcall_vector; 0: none */
	bool upcall_to_inject;     /* a virtual upcall is due (domains without devices) */
	bool lapic_on;             /* dom0: it has software-enabled its LAPIC (SVR) */
	struct vcpu_timer timer;   /* VCPUOP timers (domains without devices) */
	/* Scheduling (domUs; dom0 owns CPU0). */
	uint64_t affinity;         /* pCPUs it may run on, bit n = CPU n */
	uint64_t soft_affinity;    /* pCPUs it prefers (common/sched_credit.c) */
	bool online;               /* started (vcpu_start) */
	bool blocked;              /* SCHEDOP_block: waits for an event */
	bool polling;              /* SCHEDOP_poll: a masked port's event wakes it too */
	bool yielded;              /* SCHEDOP_yield: its slice ends now */
	uint64_t poll_deadline;    /* SCHEDOP_poll's timeout (system time), 0: none */
	volatile bool running;     /* on a pCPU now */
	uint64_t sched_ns;         /* its run time as its domain's vCPUs are ordered by (sched_credit.c) */
	/* Time in each state (tern/runstate.h), changed from several CPUs under
	 * runstate_lock, and where the guest wants to see it (0: nowhere). */
	struct vcpu_runstate_info runstate;
	struct spinlock runstate_lock;
	uint64_t runstate_gva;
	/* TLBs (svm.c, p2m.c): in guest mode now, with the ASID asid and its
	 * domain's nested table as of npt_epoch; guest_tlb_flush: an emulated
	 * instruction of the guest's flushes its TLB at the next entry. */
	bool in_guest;
	bool guest_tlb_flush;
	uint64_t npt_epoch;
	struct asid_vcpu asid;
	struct vlapic lapic;       /* its local APIC (domains without devices) */
	struct hypercall_state hcall;
	struct vcpu_stats stats;
	bool nmi_pending;          /* dom0: an NMI waits to be injected (asm/hvm_nmi.h) */
	uint8_t nmi_state;         /* dom0 under SVM: in its NMI handler, or unblocked (VMX: the CPU knows) */
	struct svm_vcpu svm;       /* the vendor's state (svm/ or vmx/) */
	struct vmx_vcpu vmx;
	struct guest_regs regs;
	struct vcpu_cpu_state cpu_state; /* what VMRUN does not switch (cpu_state.c) */
};

/* Where and how a vCPU starts: 32-bit flat protected mode, paging off. */
struct vcpu_start {
	uint32_t esp;
	uint32_t eip;
	uint32_t esi;        /* Linux boot protocol: the zero page */
	uint32_t ebx;        /* PVH: hvm_start_info */
	uint32_t gdt_base;   /* a GDT with flat code at 0x10, data at 0x18 */
	uint16_t gdt_limit;
	/* An AP woken by INIT + STARTUP: real mode at sipi_vector:0000 instead. */
	bool real_mode;
	uint8_t sipi_vector;
};

struct hvm_ops {
	const char *name;
	/* Sets the CPU up to run guests (once per physical CPU). */
	int (*cpu_enable)(void);
	/* Vendor state of a domain (permission maps); its ASID and nested page
	 * table are set by the caller. */
	int (*domain_init)(struct domain *d);
	int (*vcpu_init)(struct vcpu *v, const struct vcpu_start *start);
	/* Runs the vCPU until its domain stops; returns only then (dom0). */
	void (*vcpu_run)(struct vcpu *v);
	/* Runs a domU vCPU until the deadline (system time) passes, it blocks,
	 * or its domain is paused, shut down or dying. */
	void (*vcpu_run_slice)(struct vcpu *v, uint64_t deadline);
	void (*vcpu_destroy)(struct vcpu *v);
	void (*domain_destroy)(struct domain *d);
	/* The guest's paging registers, for walking its page tables. */
	void (*guest_paging)(const struct vcpu *v, struct guest_paging *p);
	/* Prints where the vCPU is and what interrupt it has pending (debug
	 * keys); nothing for a vCPU vcpu_init never set up. */
	void (*vcpu_dump)(const struct vcpu *v);

	/* The guest's registers, wherever the vendor keeps them, for the
	 * vendor-neutral emulation in hvm/. */
	/* A general register by its encoding (0 rax .. 15 r15). */
	uint64_t *(*gpr)(struct vcpu *v, unsigned int reg);
	/* Whether it runs 64-bit code (EFER.LMA and CS.L), and at which privilege level. */
	bool (*long_mode64)(const struct vcpu *v);
	unsigned int (*cpl)(const struct vcpu *v);
	/* The default size of the code it runs: 64, or 32 or 16 (CS.D). */
	unsigned int (*code_bits)(const struct vcpu *v);
	/* Loads a CR4 value hvm/creg.c allowed. */
	void (*set_cr4)(struct vcpu *v, uint64_t value);
	/* Loads a CR0 value hvm/creg.c allowed, entering or leaving long mode
	 * as the CPU would (only a vendor that intercepts CR0 writes: VMX). */
	void (*set_cr0)(struct vcpu *v, uint64_t value);
	/* Its instruction at CS:RIP: up to INSN_MAX_LEN bytes, how many could be read. */
	size_t (*fetch_insn)(struct vcpu *v, uint8_t *buf);
	/* The intercepted instruction (CPUID, RDMSR, ...) is done; len is its
	 * usual length, for CPUs that do not report where the next one starts
	 * (which also covers redundant prefixes). */
	void (*skip_instruction)(struct vcpu *v, unsigned int len);
	/* An instruction the hypervisor emulated after a fault is done: RIP
	 * moves on by its decoded length (nothing reports a next RIP for faults). */
	void (*advance_rip)(struct vcpu *v, unsigned int len);
	/* Raises an exception in the guest at its next entry. */
	void (*inject_exception)(struct vcpu *v, unsigned int vector, bool has_error,
				 uint32_t error);
	/* A #PF at linear address la (CR2) with error code error, likewise. */
	void (*inject_page_fault)(struct vcpu *v, uint64_t la, uint32_t error);
	/* What the rights of a data access the hypervisor makes for the guest
	 * and its addresses depend on, besides cpl and guest_paging. */
	void (*access_state)(const struct vcpu *v, struct hvm_access_state *s);
	/* Whether an interrupt already handed to the vendor's state waits for
	 * the guest to take it (its IF or an STI shadow held it back). */
	bool (*interrupt_waiting)(const struct vcpu *v);
	/* MSRs whose value the vendor's state holds (EFER, the TSC, DEBUGCTL,
	 * the vendor's own virtualization MSRs), reached once hvm/msr.c's policy
	 * allowed the access; false: no such MSR (#GP). */
	bool (*msr_read)(struct vcpu *v, uint32_t msr, uint64_t *val);
	bool (*msr_write)(struct vcpu *v, uint32_t msr, uint64_t val);
	/* The vendor's hypercall instruction, for the hypercall page's stubs
	 * (VMMCALL, VMCALL: both three bytes, and the other one is #UD). */
	uint8_t hypercall_insn[3];
	/* The encoding of the domains' nested tables (asm/p2m_build.h). */
	const struct p2m_format *p2m_format;
};

/*
 * Tells v that an event is pending (its vcpu_info's upcall_pending went
 * from 0 to 1): an interrupt at its upcall vector on its CPU. Not for a
 * dom0 vCPU whose LAPIC is not software-enabled yet: the event waits in
 * its vcpu_info until vcpu_lapic_switched() turns it on.
 */
void vcpu_kick(struct vcpu *v);

/*
 * dom0's vCPU v (on its own pCPU) wrote its LAPIC's software-enable bit: on,
 * an upcall still pending is raised now.
 */
void vcpu_lapic_switched(struct vcpu *v, bool on);

/* Delivers an IPI a domU vCPU wrote to its local APIC to the vCPUs it names. */
void vcpu_send_ipi(struct vcpu *src, const struct vlapic_ipi *ipi);

/*
 * INIT and STARTUP sent to a vCPU that is not running (vcpu_start.c): after
 * an INIT, the first STARTUP starts it in real mode at the STARTUP vector;
 * another STARTUP, or one without an INIT before it, is ignored, as on
 * hardware. A domU's vCPU is then scheduled; one of dom0's is started on
 * the pCPU it owns.
 */
void vcpu_init_ipi(struct vcpu *t);
void vcpu_startup_ipi(struct vcpu *t, uint8_t vector);

/* The vector v's upcalls arrive at (per-vCPU, or the domain's callback); 0: none. */
uint8_t vcpu_upcall_vector(const struct vcpu *v);

/*
 * Timers of vCPUs that do not own their CPU's LAPIC (vcpu_time.c): raise
 * VIRQ_TIMER for what expired, arm the LAPIC timer for what comes next, and
 * block until an event is pending.
 */
void vcpu_timer_poll(struct vcpu *v);
/* Arms this CPU's LAPIC timer for v's next timer, or limit (system time) if
 * that is sooner (0: no limit). */
void vcpu_timer_arm(struct vcpu *v, uint64_t limit);
void vcpu_block(struct vcpu *v);
/* Whether v has an event or interrupt it could take now (its IF is on). */
bool vcpu_events_need_delivery(const struct vcpu *v);
/* HLT by a vCPU without devices: with interrupts on it waits like
 * SCHEDOP_block; with them off it goes offline (the last one: poweroff). */
void vcpu_halt(struct vcpu *v, bool interrupts_on);
/* Writes the vCPU's pvclock (vcpu_time_info) as of now. */
void vcpu_time_update(struct vcpu *v);

/* #GP(0): no error code in real mode, where none is pushed (hvm/creg.c). */
void hvm_inject_gp(struct vcpu *v);

/* An intercepted MOV to CR4 from general register gpr, len bytes long:
 * checked and carried out, or #GP (hvm/creg.c). */
void hvm_handle_cr4_write(struct vcpu *v, unsigned int gpr, unsigned int len);
/* The same for CR0, where the vendor intercepts its writes (VMX). */
void hvm_handle_cr0_write(struct vcpu *v, unsigned int gpr, unsigned int len);
/* The source register and length of the MOV to control register cr at
 * CS:RIP, decoded from guest memory; false if it is not one. */
bool hvm_decode_mov_to_cr(struct vcpu *v, unsigned int cr, unsigned int *gpr, unsigned int *len);
/* An intercepted XSETBV: checked and carried out, or #UD/#GP (len: its length). */
void hvm_handle_xsetbv(struct vcpu *v, unsigned int len);

/* Whether v may load value into CR4 or EFER (check: creg_cr4_check or
 * creg_efer_check, against v's CPUID and state); logs why not. */
bool hvm_creg_write_allowed(struct vcpu *v, const char *reg, creg_check_fn check,
			    uint64_t value);

/* CPUID as v sees it (hvm/cpuid.c), and the intercepted instruction
 * carried out on its registers. */
void hvm_cpuid(const struct vcpu *v, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out);
void hvm_handle_cpuid(struct vcpu *v);
/* The CPUID words the CR4/EFER rules depend on, as v sees them, and as the host has them. */
void hvm_guest_creg_features(const struct vcpu *v, struct creg_features *f);
void hvm_host_creg_features(struct creg_features *f);

/* A hypercall instruction, len bytes long, intercepted (hvm/hypercall_entry.c). */
void hvm_hypercall(struct vcpu *v, unsigned int len);

/* Sets whether reads and/or writes of msr exit (intercept) in a vendor's bitmap. */
typedef void (*hvm_msr_bitmap_set_fn)(void *map, uint32_t msr, bool read, bool write,
				      bool intercept);
/* A permission bitmap that starts all open (passthrough: dom0) or all shut
 * made to follow asm/msr_policy.h's lists (hvm/msr.c); the vendor adds its own MSRs. */
void hvm_msr_policy_apply(void *map, bool passthrough, hvm_msr_bitmap_set_fn set);

/* The ports that exit (one bit per port from port 0, bytes long): all for
 * a domain without devices, a few for dom0 (hvm/io.c). */
void hvm_io_bitmap_init(uint8_t *map, size_t bytes, bool passthrough);

/* RDMSR or WRMSR (write) intercepted: carried out on v's registers, or #GP (hvm/msr.c). */
void hvm_handle_msr(struct vcpu *v, bool write);

/* An intercepted IN, OUT, INS or OUTS (len bytes long) of size bytes at port. */
struct hvm_io {
	unsigned int size;
	bool in, string, rep;
	unsigned int len;
	uint16_t port;
};
/*
 * Carried out as a port with nothing behind it answers (hvm/io.c); an
 * instruction that cannot be stops the domain.
 */
void hvm_handle_absent_io(struct vcpu *v, const struct hvm_io *io);

/*
 * An access to guest-physical address gpa that v's nested table did not
 * allow (mapped: a translation was there, so it was a write to a read-only
 * page): emulated as the device or emptiness behind gpa answers, and the
 * instruction done (hvm/mmio.c). Otherwise an error, and the caller stops
 * the domain.
 */
int hvm_mmio_access(struct vcpu *v, uint64_t gpa, bool mapped, bool write);

struct insn_mem;
/* Fetches and decodes the instruction at v's rip (asm/insn.h): 0, or an error. */
int hvm_decode_insn(struct vcpu *v, struct insn_mem *st);

/* A string instruction st that reached memory with nothing behind it, or
 * an INS or OUTS at a port with nothing behind it (hvm/mmio_string.c): one batch of it carried out, or a #PF injected; 0,
 * or an error if it cannot be (the domain must stop). */
int hvm_emulate_string(struct vcpu *v, const struct insn_mem *st);

/* Up to INSN_MAX_LEN bytes of the guest's instruction at linear address va;
 * how many could be read (hvm/guest_access.c). */
size_t hvm_fetch_insn_at(struct vcpu *v, uint64_t va, uint8_t *buf);

/* The ASID or VPID for v's next entry on this CPU and the flush it needs
 * (asm/asid.h); *table_changed: its domain's nested table lost a
 * translation since v last entered (hvm/tlb.c). Sets v->in_guest. */
struct asid_vmrun hvm_tlb_enter(struct vcpu *v, bool flush_by_asid, bool *table_changed);

/* The run loops (hvm/run.c) around a vendor's one trip into the guest and
 * back (deadline: system time, 0 for none): for ever (dom0's vCPUs, which
 * own their CPU), or for a domU's slice (hvm_ops.vcpu_run_slice's rules;
 * the vendor saves the vCPU's state after). */
typedef void (*hvm_enter_fn)(struct vcpu *v, uint64_t deadline);
void hvm_run_forever(struct vcpu *v, hvm_enter_fn enter);
void hvm_run_slice(struct vcpu *v, uint64_t deadline, hvm_enter_fn enter);

/* Picks the vendor implementation this CPU supports; NULL (with the reason
 * logged) if it has none usable. */
const struct hvm_ops *hvm_probe(void);

/* What hvm_probe() found at boot; NULL if guests cannot run. */
extern const struct hvm_ops *hvm;

#endif
