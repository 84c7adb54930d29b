/*
 * ASIDs: which of a pCPU's TLB entries a VMRUN may use. Each pCPU hands its
 * ASIDs (1 to the CPU's count - 1; 0 is the host's) out in order, and
 * counts generations: when it runs out it flushes its whole TLB and starts
 * over. A vCPU's ASID is good only on the pCPU that gave it and in that
 * pCPU's current generation; an ASID handed out fresh has no entries in
 * that TLB, so a vCPU that moves to another pCPU, or whose domain's nested
 * table changed since its last entry, takes a fresh one instead of
 * flushing. The old ASID's entries stay behind, unreachable: nobody gets
 * that ASID on that pCPU again before the next full flush. Where the CPU
 * can flush one ASID (flush-by-ASID), a changed table flushes the vCPU's
 * own ASID instead, which spends none.
 *
 * This is half of keeping TLBs honest; the other half (p2m.c) waits, before
 * a frame may be used for anything else, until no vCPU still in guest mode
 * entered before the change. Pure (tests/unit/test_asid.c).
 */
#ifndef ASM_ASID_H
#define ASM_ASID_H

#include <tern/types.h>

struct asid_pcpu {
	uint64_t generation; /* starts at 1; a vCPU with generation 0 has no ASID */
	uint32_t next;       /* the next ASID to hand out */
	uint32_t max;        /* the highest ASID */
};

struct asid_vcpu {
	uint64_t generation; /* of the pCPU that gave asid */
	uint32_t asid;
	unsigned int pcpu;
};

enum asid_flush {
	ASID_FLUSH_NONE,
	ASID_FLUSH_ALL, /* every ASID's entries on this pCPU */
	ASID_FLUSH_OWN, /* the entries of the ASID used (flush-by-ASID) */
};

struct asid_vmrun {
	uint32_t asid;
	enum asid_flush flush;
};

/* A pCPU with nr_asids ASIDs (CPUID 0x8000000A EBX); its first VMRUN flushes. */
void asid_pcpu_init(struct asid_pcpu *c, uint32_t nr_asids);

/*
 * The ASID and TLB flush for v's next VMRUN on pCPU pcpu (whose state is c);
 * stale: v's translations must go (its domain's nested table changed since
 * v last entered the guest, or the guest asked for a flush, e.g. by a
 * CR4.PGE toggle tern emulated); flush_by_asid: the CPU can flush a single
 * ASID. Updates v and c.
 */
struct asid_vmrun asid_for_vmrun(struct asid_pcpu *c, unsigned int pcpu, struct asid_vcpu *v,
				 bool stale, bool flush_by_asid);

#endif
