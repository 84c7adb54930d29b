/*
 * Event delivery for the guests that need it: shared_info and vcpu_info in
 * pages of this image, the per-vCPU upcall vector, and an upcall handler
 * that walks the 2-level pending bitmap as Linux does, counting per port.
 */
#include "lib.h"

#include <public/hvm.h>
#include <public/memory.h>
#include <public/vcpu.h>

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_X2APIC (1u << 10)
#define APIC_BASE_ENABLE (1u << 11)
#define MSR_X2APIC_EOI 0x80b
#define XAPIC_EOI 0xb0
/* vcpu_info is registered at a non-zero offset to exercise the offset. */
#define VCPU_INFO_OFFSET 128

static uint8_t shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t vcpu_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);

struct shared_info *shared_info;
struct vcpu_info *vcpu_info;
volatile unsigned int upcall_count;
volatile unsigned int port_events[EVTCHN_2L_PORTS];

long events_map_shared_info(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
		.gpfn = (uintptr_t)shared_info_page / PAGE_SIZE,
	};
	long rc = memory_op(XENMEM_add_to_physmap, &xatp);

	if (rc == 0) {
		shared_info = (struct shared_info *)shared_info_page;
		if (!vcpu_info)
			vcpu_info = &shared_info->vcpu_info[0];
	}
	return rc;
}

long events_register_vcpu_info(void)
{
	struct vcpu_register_vcpu_info info = {
		.mfn = (uintptr_t)vcpu_info_page / PAGE_SIZE,
		.offset = VCPU_INFO_OFFSET,
	};
	long rc = vcpu_op(VCPUOP_register_vcpu_info, 0, &info);

	if (rc == 0)
		vcpu_info = (struct vcpu_info *)(vcpu_info_page + VCPU_INFO_OFFSET);
	return rc;
}

/* In the per-vCPU vector mode the upcall comes through the local APIC, which
 * wants an EOI (as Linux does); harmless if no interrupt is in service. */
void upcall_eoi(void)
{
	uint64_t base;

	if (rdmsr_safe(MSR_APIC_BASE, &base) != TRAP_NONE || !(base & APIC_BASE_ENABLE))
		return;
	if (base & APIC_BASE_X2APIC)
		wrmsr_safe(MSR_X2APIC_EOI, 0);
	else if ((base & ~0xfffull) < (1ull << 32))
		*(volatile uint32_t *)(uintptr_t)((base & ~0xfffull) + XAPIC_EOI) = 0;
}

static void upcall(struct trap_frame *frame)
{
	(void)frame;
	upcall_count++;
	if (!shared_info || !vcpu_info) {
		test_error("upcall before shared_info and vcpu_info were set up");
		upcall_eoi();
		return;
	}
	vcpu_info->evtchn_upcall_pending = 0;
	uint64_t sel = __atomic_exchange_n(&vcpu_info->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);

	while (sel) {
		unsigned int word = __builtin_ctzll(sel);
		uint64_t bits = shared_info->evtchn_pending[word] & ~shared_info->evtchn_mask[word];

		sel &= sel - 1;
		while (bits) {
			unsigned int bit = __builtin_ctzll(bits);

			bits &= bits - 1;
			__atomic_fetch_and(&shared_info->evtchn_pending[word], ~(1ull << bit),
					   __ATOMIC_SEQ_CST);
			port_events[word * 64 + bit]++;
		}
	}
	upcall_eoi();
}

long events_set_upcall_vector(void)
{
	struct xen_hvm_evtchn_upcall_vector arg = { .vcpu = 0, .vector = UPCALL_VECTOR };

	set_irq_handler(UPCALL_VECTOR, upcall);
	return hvm_op(HVMOP_set_evtchn_upcall_vector, &arg);
}

bool port_pending(unsigned int port)
{
	return shared_info->evtchn_pending[port / 64] >> (port % 64) & 1;
}

bool port_masked(unsigned int port)
{
	return shared_info->evtchn_mask[port / 64] >> (port % 64) & 1;
}

void port_mask(unsigned int port)
{
	__atomic_fetch_or(&shared_info->evtchn_mask[port / 64], 1ull << (port % 64),
			  __ATOMIC_SEQ_CST);
}

void port_unmask_local(unsigned int port)
{
	__atomic_fetch_and(&shared_info->evtchn_mask[port / 64], ~(1ull << (port % 64)),
			   __ATOMIC_SEQ_CST);
}

void port_clear(unsigned int port)
{
	__atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~(1ull << (port % 64)),
			   __ATOMIC_SEQ_CST);
}

bool wait_upcall(unsigned int old, uint64_t tsc_cycles)
{
	uint64_t start = rdtsc();

	irq_enable();
	while (upcall_count == old && rdtsc() - start < tsc_cycles)
		cpu_relax();
	irq_disable();
	return upcall_count != old;
}

/* pvclock: system_time + ((tsc - tsc_timestamp) << shift) * mul >> 32, read
 * while version is even and unchanged. */
uint64_t xen_system_time(void)
{
	const volatile struct vcpu_time_info *t = &vcpu_info->time;
	uint32_t version;
	uint64_t ns;

	do {
		version = t->version;
		barrier();
		uint64_t delta = rdtsc() - t->tsc_timestamp;

		if (t->tsc_shift >= 0)
			delta <<= t->tsc_shift;
		else
			delta >>= -t->tsc_shift;
		ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
		barrier();
	} while ((version & 1) || version != t->version);
	return ns;
}
