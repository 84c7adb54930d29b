/*
 * A domain's physical-to-machine map: what each guest-physical frame is,
 * kept in its nested page table, and the hypervisor's only way into a
 * guest's memory. Every function takes frame numbers exactly as a guest or
 * dom0 passed them and checks them against the domain's bounds before any
 * arithmetic (tern/p2m_bounds.h).
 *
 * A change that takes a translation away (an unmap, a remap, a table page
 * given back) returns only once no vCPU of the domain can still use the old
 * one: vCPUs in guest mode on other pCPUs that entered before the change
 * are kicked out and waited for (each takes a fresh ASID or flushes its own
 * on its next entry: asm/asid.h). So a frame unmapped here may be reused at
 * once, by its owner or the heap.
 */
#ifndef TERN_P2M_H
#define TERN_P2M_H

#include <tern/domain.h>

#define P2M_NOWHERE (~0ull) /* shared_info_gfn, grant_frame_gfn: not mapped */

/* Sets up d's p2m state (its lock; no frame placed) before its table is
 * built. Its bounds are 0 (everything refused) until p2m_set_bounds(). */
void p2m_init(struct domain *d);

/* Refuses guest-physical addresses from limit up, and lets the nested table
 * hold max_tables pages at most (counting the ones it has). */
void p2m_set_bounds(struct domain *d, uint64_t limit, uint64_t max_tables);

/* Makes the page at gpa unchangeable by any p2m operation (dom0's LAPIC
 * page, which must stay read-only so its ICR writes come to tern). */
void p2m_fix_page(struct domain *d, uint64_t gpa);

/* Maps guest frame gfn to host frame hpa. 0, -EINVAL (out of bounds),
 * -EPERM (the fixed page), -ENOMEM (no memory or allowance for a table),
 * -EBUSY (done, but a vCPU did not confirm its flush in time). */
int p2m_map_gfn(struct domain *d, uint64_t gfn, paddr_t hpa, bool writable);

/* Puts gfn back to what the domain's own layout has there (dom0: its
 * one-to-one frame or the scratch region; a domU: its RAM or nothing).
 * Errors as p2m_map_gfn. */
int p2m_reset_gfn(struct domain *d, uint64_t gfn);

/*
 * Maps a hypervisor page the domain may see (its shared_info, a grant-table
 * frame) at gfn, as XENMEM_add_to_physmap does: the page moves, so the
 * mapping at *where (a gfn, or P2M_NOWHERE) goes, and *where becomes gfn.
 * Errors as p2m_map_gfn; on error nothing changed.
 */
int p2m_place(struct domain *d, uint64_t *where, uint64_t gfn, paddr_t page);

/* The host frame behind gfn if gfn is the domain's own RAM (not a mapping
 * of another's frame, not scratch, not MMIO) and writable; -EINVAL otherwise. */
int p2m_ram_gfn(struct domain *d, uint64_t gfn, paddr_t *hpa);

/*
 * Takes d's own RAM frame hpa away from gfn for good (a guest giving memory
 * back): refused while another domain maps the frame (-EBUSY) or while gfn
 * shows something else, a page placed over it (-EINVAL); nothing changed
 * then. Otherwise *record, d's note of its RAM at gfn, is cleared under the
 * same lock as the unmap, so nothing maps the frame again, and the result is
 * 0 (the frame may go back to the heap) or -ETIMEDOUT (taken, but a vCPU did
 * not confirm its flush: the frame must stay out of the heap). The caller
 * holds the grant operations off (grant_ops_hold()): no copy is reaching it.
 */
int p2m_take_ram(struct domain *d, uint64_t gfn, paddr_t hpa, paddr_t *record);

/*
 * Maps owner's RAM frame owner_gfn into mapper at gfn (foreign and grant
 * maps), recorded in owner->foreign_maps: 0, -EINVAL (not owner's RAM, bad
 * gfn), -ESRCH (owner is being destroyed), -ENOMEM, -EPERM.
 */
int p2m_map_foreign_gfn(struct domain *mapper, uint64_t gfn, struct domain *owner,
			uint64_t owner_gfn, bool writable);

/*
 * Before owner's frames are freed: every mapping another domain still has
 * of them shows that domain's own default instead (dom0: its scratch
 * region), no new one can be made, and no vCPU still holds an old
 * translation. 0, or -EBUSY if some vCPU did not flush in time (then the
 * frames must not be reused).
 */
int p2m_revoke_foreign(struct domain *owner);

/* Frees d's nested table, every page of it, once its vCPUs have stopped
 * for good (destroy). */
void p2m_destroy(struct domain *d);

/*
 * Copies between buf and d's guest-physical memory at gpa (len bytes, not
 * crossing a page) if that page is RAM the hypervisor maps (the domain's,
 * another's it maps, a hypervisor page it was given; never MMIO, never
 * anything above the direct map) and, for p2m_copy_to, writable in d's
 * table. 0 or -EFAULT. The copy holds d's p2m lock: a concurrent unmap
 * waits for it.
 */
int p2m_copy_from(struct domain *d, uint64_t gpa, void *buf, size_t len);
int p2m_copy_to(struct domain *d, uint64_t gpa, const void *buf, size_t len);

/*
 * The guest's own view of gpa (len bytes, not crossing a page), for
 * accesses the hypervisor carries out for it: RAM as p2m_copy_from/to
 * (P2M_BUS_RAM); where d's table maps nothing, reads give all-ones and
 * writes go nowhere, as on a bus where nothing answers (P2M_BUS_NOTHING);
 * -EFAULT for anything else (MMIO, a read-only mapping written).
 */
#define P2M_BUS_RAM 1
#define P2M_BUS_NOTHING 0
int p2m_bus_read(struct domain *d, uint64_t gpa, void *buf, size_t len);
int p2m_bus_write(struct domain *d, uint64_t gpa, const void *buf, size_t len);

/* Sets bits in the aligned 4- or 8-byte word at gpa atomically (a guest
 * page-table entry's accessed and dirty bits), if it is d's writable RAM. */
bool p2m_set_bits(struct domain *d, uint64_t gpa, uint64_t bits, size_t len);

#endif
