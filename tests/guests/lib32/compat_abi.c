/*
 * The 32-bit guest ABI (docs/compat-abi.md), as a 32-bit Linux uses it:
 * every structure is laid out here by hand in its i386 form (4-byte longs,
 * pfns and handles, 4-byte aligned 64-bit fields), and every check would
 * fail against a hypervisor that read the 64-bit layouts: add_to_physmap of
 * shared_info and of a grant frame, remove_from_physmap, memory_map,
 * platform_parameters, vcpu_info registration, the 2-level event bitmaps,
 * selector and port limit of the 32-bit shared_info, the wall clock at its
 * 32-bit place, the runstate area and get_runstate_info (44 bytes, a
 * handle with garbage in its upper half as Linux's stack leaves it),
 * singleshot timer and SCHEDOP_poll, grant copy batches (24-byte entries),
 * setup_table and query_size, HVM params, the console (every line printed).
 * Cannot tell: FIFO events (same layout in both forms), foreign mappings
 * (add_to_physmap_batch needs another domain), anything Linux does not.
 */
#include "lib32.h"

#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/hvm.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>

_Static_assert(sizeof(long) == 4 && sizeof(void *) == 4, "built for i386");

/* The i386 forms of the structures that differ. */
struct add_to_physmap32 {
	uint16_t domid, size;
	uint32_t space;
	unsigned long idx, gpfn;
};
_Static_assert(sizeof(struct add_to_physmap32) == 16, "add_to_physmap");

struct remove_from_physmap32 {
	uint16_t domid, pad;
	unsigned long gpfn;
};

struct memory_map32 {
	uint32_t nr_entries;
	uint32_t buffer;
};

struct singleshot32 {
	uint64_t timeout_abs_ns;
	uint32_t flags;
};
_Static_assert(sizeof(struct singleshot32) == 12, "singleshot");

struct sched_poll32 {
	uint32_t ports;
	uint32_t nr_ports;
	uint64_t timeout;
};
_Static_assert(sizeof(struct sched_poll32) == 16, "sched_poll");

struct setup_table32 {
	uint16_t dom;
	uint32_t nr_frames;
	int16_t status;
	uint32_t frame_list;
};
_Static_assert(sizeof(struct setup_table32) == 16, "setup_table");

struct gnttab_copy32 {
	struct {
		uint32_t gmfn; /* or a grant ref */
		uint16_t domid, offset;
	} source, dest;
	uint16_t len, flags;
	int16_t status;
};
_Static_assert(sizeof(struct gnttab_copy32) == 24, "gnttab_copy");

/* Where a 32-bit guest finds things in shared_info and vcpu_info. */
#define SI_PENDING 2048
#define SI_MASK 2176
#define SI_WC_VERSION 2304
#define SI_WC_SEC 2308
#define VI_PENDING_SEL 4
#define VI_NATIVE_PENDING_SEL 8 /* where a 64-bit guest's is */
#define VI_TIME 32
#define VCPU_INFO_OFFSET 128
#define MSR_APIC_BASE 0x1b
#define APIC_BASE_EXTD (1u << 10)
#define APIC_BASE_EN (1u << 11)
#define XAPIC_PAGE 0xfee00000u

static uint8_t shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t vcpu_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t grant_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t copy_from_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t copy_to_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t runstate_area[48] __aligned(8);

static uint8_t *const vi = vcpu_info_page + VCPU_INFO_OFFSET;

static bool bit_at(const uint8_t *base, unsigned int bit)
{
	return base[bit / 8] >> (bit % 8) & 1;
}

static void version_and_memory_map(void)
{
	struct { uint32_t virt_start, canary; } pp = { 0xffffffff, 0x5a5a5a5a };
	static struct e820_entry20 map[32];
	struct memory_map32 mm = { ARRAY_SIZE(map), (uintptr_t)map };
	uint32_t image = (uintptr_t)&pp;
	bool found = false;
	long rc;

	rc = xen_version(XENVER_version, NULL);
	CHECK(rc > 0, "XENVER_version: %ld", rc);
	rc = xen_version(XENVER_platform_parameters, &pp);
	CHECK(rc == 0 && pp.canary == 0x5a5a5a5a,
	      "platform_parameters: %ld, wrote past its 4 bytes (%#x)", rc, pp.canary);

	rc = memory_op(XENMEM_current_reservation, &(domid_t){ DOMID_SELF });
	CHECK(rc > 0, "current_reservation: %ld", rc);
	rc = memory_op(XENMEM_memory_map, &mm);
	/* tern gives a domU its map in hvm_start_info only. */
	if (rc == -ENOSYS && guest_domid() != 0)
		return test_success("memory_map: -ENOSYS in a domU");
	CHECK(rc == 0 && mm.nr_entries > 0 && mm.nr_entries <= ARRAY_SIZE(map),
	      "memory_map: %ld, %u entries", rc, mm.nr_entries);
	for (uint32_t i = 0; rc == 0 && i < mm.nr_entries && i < ARRAY_SIZE(map); i++)
		found |= map[i].type == 1 && map[i].addr <= image && image < map[i].addr + map[i].size;
	CHECK(found, "memory_map: no RAM entry holds this guest's stack (%#x)", image);
}

static void shared_info_and_vcpu_info(void)
{
	struct add_to_physmap32 xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
		.gpfn = (uintptr_t)shared_info_page / PAGE_SIZE,
	};
	struct vcpu_register_vcpu_info info = {
		.mfn = (uintptr_t)vcpu_info_page / PAGE_SIZE, .offset = VCPU_INFO_OFFSET,
	};
	struct xen_hvm_param param = { .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ };
	long rc;

	rc = memory_op(XENMEM_add_to_physmap, &xatp);
	if (rc)
		return test_failure("add_to_physmap(shared_info): %ld", rc);
	CHECK(u32_at(shared_info_page + SI_WC_VERSION) % 2 == 0 &&
	      u32_at(shared_info_page + SI_WC_VERSION) != 0 &&
	      u32_at(shared_info_page + SI_WC_SEC) != 0,
	      "wall clock not at its 32-bit place: version %u sec %u",
	      u32_at(shared_info_page + SI_WC_VERSION), u32_at(shared_info_page + SI_WC_SEC));
	rc = vcpu_op(VCPUOP_register_vcpu_info, 0, &info);
	if (rc)
		return test_failure("register_vcpu_info: %ld", rc);
	CHECK(u32_at(vi + VI_TIME) % 2 == 0 && u64_at(vi + VI_TIME + 16) != 0,
	      "vcpu_time_info not published in the registered vcpu_info");
	rc = hvm_op(HVMOP_get_param, &param);
	CHECK(rc == 0, "HVMOP_get_param: %ld", rc);
}

static evtchn_port_t bind_ipi(void)
{
	struct evtchn_bind_ipi b = { .vcpu = 0 };
	long rc = event_channel_op(EVTCHNOP_bind_ipi, &b);

	if (rc) {
		test_failure("bind_ipi: %ld", rc);
		return 0;
	}
	return b.port;
}

static void send(evtchn_port_t port)
{
	struct evtchn_send s = { .port = port };
	long rc = event_channel_op(EVTCHNOP_send, &s);

	CHECK(rc == 0, "send(%u): %ld", port, rc);
}

/* The 32-bit 2-level layout: a 32-bit selector at offset 4, the mask at
 * 2176, 1024 ports. */
static void event_channels(void)
{
	uint8_t *pending = shared_info_page + SI_PENDING, *mask = shared_info_page + SI_MASK;
	evtchn_port_t p = 0, q;
	struct evtchn_status st = { .dom = DOMID_SELF, .port = 1024 };
	long rc;

	/* Ports up to 40: the selector names word p / 32 = 1. */
	while (p < 40 && !test_has_failed())
		p = bind_ipi();
	if (test_has_failed())
		return;
	vi[0] = 0;
	memset(vi + VI_PENDING_SEL, 0, 12);
	send(p);
	CHECK(bit_at(pending, p), "send(%u): pending bit not set", p);
	CHECK(u32_at(vi + VI_PENDING_SEL) == 1u << (p / 32),
	      "send(%u): 32-bit selector %#x", p, u32_at(vi + VI_PENDING_SEL));
	CHECK(u64_at(vi + VI_NATIVE_PENDING_SEL) == 0, "send: a 64-bit selector was written");
	CHECK(vi[0] == 1, "send(%u): no upcall_pending", p);

	q = bind_ipi();
	mask[q / 8] |= 1 << (q % 8);
	vi[0] = 0;
	memset(vi + VI_PENDING_SEL, 0, 4);
	send(q);
	CHECK(bit_at(pending, q) && vi[0] == 0 && u32_at(vi + VI_PENDING_SEL) == 0,
	      "send(%u) to a port masked in the 32-bit mask bitmap was delivered", q);
	rc = event_channel_op(EVTCHNOP_unmask, &(struct evtchn_unmask){ .port = q });
	CHECK(rc == 0 && !bit_at(mask, q) && vi[0] == 1 &&
	      u32_at(vi + VI_PENDING_SEL) == 1u << (q / 32),
	      "unmask(%u): %ld, mask %d, upcall %u, selector %#x", q, rc, bit_at(mask, q), vi[0],
	      u32_at(vi + VI_PENDING_SEL));
	rc = event_channel_op(EVTCHNOP_status, &st);
	CHECK(rc == -EINVAL, "status of port 1024 (past 32-bit 2-level ports): %ld", rc);
}

/* Xen system time as last published in vcpu_info (enough for a deadline). */
static uint64_t published_time(void)
{
	return u64_at(vi + VI_TIME + 16);
}

static void timer_and_poll(void)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct singleshot32 t = { .timeout_abs_ns = 1, .flags = VCPU_SSHOTTMR_future };
	struct sched_poll32 poll = { 0 };
	evtchn_port_t port;
	long rc;

	rc = event_channel_op(EVTCHNOP_bind_virq, &bv);
	if (rc)
		return test_failure("bind_virq(VIRQ_TIMER): %ld", rc);
	port = bv.port;
	rc = vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
	CHECK(rc == -ETIME, "singleshot timer in the past with VCPU_SSHOTTMR_future: %ld", rc);
	t = (struct singleshot32){ .timeout_abs_ns = published_time() + 1000000, .flags = 0 };
	rc = vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
	if (rc)
		return test_failure("set_singleshot_timer: %ld", rc);
	poll.ports = (uintptr_t)&port;
	poll.nr_ports = 1;
	/* Returns once the port is pending (no timeout): the timer fired. */
	rc = sched_op(SCHEDOP_poll, &poll);
	CHECK(rc == 0, "SCHEDOP_poll: %ld", rc);
	CHECK(bit_at(shared_info_page + SI_PENDING, port),
		      "SCHEDOP_poll returned, VIRQ_TIMER port %u not pending", port);
}

static void runstate(void)
{
	/* The union's handle half is the address; the other half is what a
	 * 32-bit Linux leaves there (its stack). */
	uint32_t area[2] = { (uintptr_t)runstate_area, 0xdeadbeef };
	uint8_t info[48];
	long rc;

	memset(runstate_area, 0xa5, sizeof(runstate_area));
	rc = vcpu_op(VCPUOP_register_runstate_memory_area, 0, area);
	CHECK(rc == 0, "register_runstate_memory_area: %ld", rc);
	CHECK(u32_at(runstate_area) == RUNSTATE_running &&
	      u64_at(runstate_area + 4) != 0xa5a5a5a5a5a5a5a5ull &&
	      u32_at(runstate_area + RUNSTATE32_SIZE) == 0xa5a5a5a5,
	      "runstate area not written in the 44-byte form: state %#x entry %#llx tail %#x",
	      u32_at(runstate_area), (unsigned long long)u64_at(runstate_area + 4),
	      u32_at(runstate_area + RUNSTATE32_SIZE));

	memset(info, 0xa5, sizeof(info));
	rc = vcpu_op(VCPUOP_get_runstate_info, 0, info);
	CHECK(rc == 0 && u32_at(info) == RUNSTATE_running && u64_at(info + 4) != 0 &&
	      u64_at(info + 12) != 0 && u32_at(info + RUNSTATE32_SIZE) == 0xa5a5a5a5,
	      "get_runstate_info: %ld, state %u, entry %#llx, running %llu, tail %#x", rc,
	      u32_at(info), (unsigned long long)u64_at(info + 4),
	      (unsigned long long)u64_at(info + 12), u32_at(info + RUNSTATE32_SIZE));
}

static void grant_tables(void)
{
	struct gnttab_query_size qs = { .dom = DOMID_SELF };
	struct setup_table32 st = { .dom = DOMID_SELF, .nr_frames = 1, .status = 1,
				    .frame_list = 0x12345678 };
	struct add_to_physmap32 xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
		.gpfn = (uintptr_t)grant_page / PAGE_SIZE,
	};
	struct remove_from_physmap32 xrfp = { .domid = DOMID_SELF,
					       .gpfn = (uintptr_t)grant_page / PAGE_SIZE };
	struct gnttab_copy32 copies[2];
	long rc;

	rc = grant_table_op(GNTTABOP_query_size, &qs, 1);
	CHECK(rc == 0 && qs.status == GNTST_okay && qs.max_nr_frames > 0,
	      "query_size: %ld, status %d", rc, qs.status);
	/* tern hands frames out through add_to_physmap only (grant_table.h). */
	rc = grant_table_op(GNTTABOP_setup_table, &st, 1);
	CHECK(rc == 0 && st.status == GNTST_general_error && st.frame_list == 0x12345678,
	      "setup_table: %ld, status %d", rc, st.status);
	rc = memory_op(XENMEM_add_to_physmap, &xatp);
	CHECK(rc == 0, "add_to_physmap(grant_table 0): %ld", rc);
	rc = memory_op(XENMEM_remove_from_physmap, &xrfp);
	CHECK(rc == 0, "remove_from_physmap(grant frame): %ld", rc);

	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		copy_from_page[i] = (uint8_t)(i * 7 + 1);
	memset(copies, 0, sizeof(copies));
	for (unsigned int i = 0; i < 2; i++) {
		copies[i].source.gmfn = (uintptr_t)copy_from_page / PAGE_SIZE;
		copies[i].source.domid = DOMID_SELF;
		copies[i].source.offset = (uint16_t)(100 + 200 * i);
		copies[i].dest.gmfn = (uintptr_t)copy_to_page / PAGE_SIZE;
		copies[i].dest.domid = DOMID_SELF;
		copies[i].dest.offset = (uint16_t)(1000 + 500 * i);
		copies[i].len = 16;
		copies[i].status = 1;
	}
	rc = grant_table_op(GNTTABOP_copy, copies, 2);
	CHECK(rc == 0 && copies[0].status == GNTST_okay && copies[1].status == GNTST_okay,
	      "gnttab copy: %ld, status %d %d", rc, copies[0].status, copies[1].status);
	CHECK(!memcmp(copy_to_page + 1000, copy_from_page + 100, 16) &&
	      !memcmp(copy_to_page + 1500, copy_from_page + 300, 16),
	      "gnttab copy: the bytes did not arrive");
}

/* A 32-bit load through ModRM (8B /r), as Linux's apic_read compiles when
 * the address is in a register. */
static uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v;

	__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

/* The local APIC's registers in xAPIC mode (a domU's), as MMIO from 32-bit
 * code: tern decodes each access in the code segment's sizes. (Its
 * registers take 32-bit accesses only, so byte forms are left to the unit
 * tests.) As the initial domain there is none: noted. */
static void xapic_mmio(void)
{
	uintptr_t tpr = XAPIC_PAGE + 0x80;
	uint32_t lo, hi, v;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_APIC_BASE));
	if ((lo & (APIC_BASE_EN | APIC_BASE_EXTD)) != APIC_BASE_EN ||
	    (lo & ~0xfffu) != XAPIC_PAGE || hi)
		return test_success("APIC_BASE %#x%08x: not in xAPIC mode at 0xfee00000, no MMIO "
				    "check", hi, lo);
	__asm__ volatile("movl %0, (%1)" : : "r"(0x20u), "r"(tpr) : "memory");
	v = mmio_read32(tpr);
	CHECK(v == 0x20, "xAPIC TPR reads %#x after a 32-bit write of 0x20", v);
	/* A load from a constant address: GCC emits A1 (moffs32), as in Linux. */
	v = *(volatile uint32_t *)(XAPIC_PAGE + 0x80);
	CHECK(v == 0x20, "xAPIC TPR reads %#x through mov moffs32,%%eax", v);
	__asm__ volatile("movl %0, (%1)" : : "r"(0u), "r"(tpr) : "memory");
}

void test_main(void)
{
	version_and_memory_map();
	shared_info_and_vcpu_info();
	if (test_has_failed())
		return;
	event_channels();
	timer_and_poll();
	runstate();
	grant_tables();
	xapic_mmio();
}
