/*
 * The tag (SVM's ASID, VMX's VPID) and flush for a vCPU's next entry
 * (asm/asid.h), the same for both vendors. in_guest is set before the
 * domain's table epoch is read, both sequentially consistent, and cleared
 * right after the entry returns: p2m.c's flush_wait bumps the epoch, then
 * reads in_guest, so either it waits for this entry or this entry sees its
 * change and takes a fresh tag (or flushes its own).
 */
#include <asm/percpu.h>
#include <tern/arch.h>
#include <tern/domain.h>

struct asid_vmrun hvm_tlb_enter(struct vcpu *v, bool flush_by_asid, bool *table_changed)
{
	uint64_t epoch;
	struct asid_vmrun run;

	__atomic_store_n(&v->in_guest, true, __ATOMIC_SEQ_CST);
	epoch = __atomic_load_n(&v->domain->npt_epoch, __ATOMIC_SEQ_CST);
	*table_changed = epoch != v->npt_epoch;
	run = asid_for_vmrun(&this_cpu()->asids, smp_processor_id(), &v->asid,
			     *table_changed || v->guest_tlb_flush, flush_by_asid);
	__atomic_store_n(&v->npt_epoch, epoch, __ATOMIC_RELEASE);
	v->guest_tlb_flush = false;
	return run;
}
