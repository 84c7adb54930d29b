/*
 * After test_main has made its calls with i386 structures from a 32-bit
 * code segment in long mode, the guest steps into a 64-bit code segment:
 * tern must take those calls as 64-bit ones (x86_64 layouts, rdi/rsi/rdx,
 * a 64-bit result), and the 32-bit calls after them as 32-bit ones again.
 * Each check tells the two layouts apart.
 */
#include "lib32.h"

#include <public/memory.h>
#include <public/vcpu.h>
#include <public/version.h>

#define CANARY 0x5a5a5a5a
#define RUNSTATE64_SIZE 48
#define UNKNOWN_HYPERCALL 63

/* The x86_64 form of xen_memory_map: the handle after 4 bytes of padding. */
struct memory_map64 {
	uint32_t nr_entries;
	uint32_t pad;
	uint64_t buffer;
};
_Static_assert(sizeof(struct memory_map64) == 16, "memory_map64");

/* A 64-bit caller gets all 64 bits of a negative result. */
static void result_width(void)
{
	uint64_t rc = lib32_hypercall64(UNKNOWN_HYPERCALL, 0, 0, 0);

	CHECK(rc == (uint64_t)(int64_t)-ENOSYS, "64-bit call %d: rax %#llx, not -ENOSYS in 64 bits",
	      UNKNOWN_HYPERCALL, (unsigned long long)rc);
}

/* xen_platform_parameters: 8 bytes from a 64-bit call, 4 from a 32-bit one. */
static void platform_parameters(void)
{
	uint32_t pp[3] = { CANARY, CANARY, CANARY };
	uint64_t rc;

	rc = lib32_hypercall64(__HYPERVISOR_xen_version, XENVER_platform_parameters, (uintptr_t)pp, 0);
	CHECK(rc == 0 && pp[1] != CANARY && pp[2] == CANARY,
	      "64-bit platform_parameters: %lld, words %#x %#x %#x (8 bytes expected)",
	      (long long)rc, pp[0], pp[1], pp[2]);
	pp[0] = pp[1] = pp[2] = CANARY;
	rc = (uint64_t)xen_version(XENVER_platform_parameters, pp);
	CHECK(rc == 0 && pp[0] != CANARY && pp[1] == CANARY,
	      "32-bit platform_parameters after 64-bit calls: %lld, words %#x %#x (4 bytes expected)",
	      (long long)rc, pp[0], pp[1]);
}

/* xen_memory_map: a 64-bit caller's handle is at offset 8. A nonzero
 * pad (the i386 form's handle) must be ignored. */
static void memory_map(void)
{
	static struct e820_entry20 map[32];
	struct memory_map64 mm = { ARRAY_SIZE(map), 0xdeadbeef, (uintptr_t)map };
	uint32_t image = (uintptr_t)&mm;
	bool found = false;
	uint64_t rc;

	rc = lib32_hypercall64(__HYPERVISOR_memory_op, XENMEM_memory_map, (uintptr_t)&mm, 0);
	if ((int64_t)rc == -ENOSYS && guest_domid() != 0)
		return test_success("memory_map: -ENOSYS in a domU");
	CHECK(rc == 0 && mm.nr_entries > 0 && mm.nr_entries <= ARRAY_SIZE(map),
	      "64-bit memory_map: %lld, %u entries", (long long)rc, mm.nr_entries);
	for (uint32_t i = 0; rc == 0 && i < mm.nr_entries && i < ARRAY_SIZE(map); i++)
		found |= map[i].type == 1 && map[i].addr <= image && image < map[i].addr + map[i].size;
	CHECK(found, "64-bit memory_map: no RAM entry holds this guest's stack (%#x)", image);
}

/* vcpu_runstate_info: 48 bytes for a 64-bit caller, 44 for a 32-bit one. */
static void runstate_info(void)
{
	uint8_t info[52];
	uint64_t rc;

	memset(info, 0xa5, sizeof(info));
	rc = lib32_hypercall64(__HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0, (uintptr_t)info);
	CHECK(rc == 0 && u32_at(info) == RUNSTATE_running && u64_at(info + 8) != 0 &&
	      u32_at(info + RUNSTATE32_SIZE) != 0xa5a5a5a5 &&
	      u32_at(info + RUNSTATE64_SIZE) == 0xa5a5a5a5,
	      "64-bit get_runstate_info: %lld, state %u, entry %#llx, bytes 44 %#x 48 %#x",
	      (long long)rc, u32_at(info), (unsigned long long)u64_at(info + 8),
	      u32_at(info + RUNSTATE32_SIZE), u32_at(info + RUNSTATE64_SIZE));
	memset(info, 0xa5, sizeof(info));
	rc = (uint64_t)vcpu_op(VCPUOP_get_runstate_info, 0, info);
	CHECK(rc == 0 && u32_at(info) == RUNSTATE_running && u64_at(info + 4) != 0 &&
	      u32_at(info + RUNSTATE32_SIZE) == 0xa5a5a5a5,
	      "32-bit get_runstate_info after 64-bit calls: %lld, state %u, entry %#llx, byte 44 %#x",
	      (long long)rc, u32_at(info), (unsigned long long)u64_at(info + 4),
	      u32_at(info + RUNSTATE32_SIZE));
}

void long_mode_abi(void)
{
	printf("64-bit calls from the 64-bit code segment\n");
	result_width();
	platform_parameters();
	memory_map();
	runstate_info();
}
