/*
 * A domain's physical-to-machine map: what each guest-physical frame is,
 * kept in its nested page table. Changes take effect (TLB) before the
 * domain's next instruction.
 */
#ifndef TERN_P2M_H
#define TERN_P2M_H

#include <tern/domain.h>

/* Maps the 4 KiB guest frame at gpa to host frame hpa. 0, -EINVAL or -ENOMEM. */
int p2m_set(struct domain *d, uint64_t gpa, paddr_t hpa, bool writable);

/* Puts gpa back to what the domain's own layout has there (dom0: its
 * one-to-one frame or the scratch region; a domU: its RAM or nothing). */
int p2m_reset(struct domain *d, uint64_t gpa);

/* The host frame behind gpa if gpa is the domain's own RAM (not a mapping
 * of another's frame, not scratch, not MMIO); -EINVAL otherwise. */
int p2m_get_ram(struct domain *d, uint64_t gpa, paddr_t *hpa);

/*
 * Maps owner's RAM frame at owner_gpa into mapper at gpa (foreign and grant
 * maps), recorded in owner->foreign_maps: 0, -EINVAL (not owner's RAM, bad
 * gpa), -ESRCH (owner is being destroyed), -ENOMEM.
 */
int p2m_map_foreign(struct domain *mapper, uint64_t gpa, struct domain *owner,
		    uint64_t owner_gpa, bool writable);

/*
 * Before owner's frames are freed: every mapping another domain still has
 * of them shows that domain's own default instead (dom0: its scratch
 * region), no new one can be made, and no vCPU still holds an old
 * translation in its TLB. 0, or -EBUSY if some vCPU did not flush in time
 * (then the frames must not be reused).
 */
int p2m_revoke_foreign(struct domain *owner);

#endif
