/*
 * ro_grant_write: a domU grants one of its pages to itself read-only, maps
 * the grant read-only over another page of its RAM (the window), and then
 * asks the hypervisor to write its answers into the window: the runstate
 * area, hvm_op get_param, xen_version, grant_table_op and event_channel_op
 * results, the hypercall page MSR, a grant copy, a copy batch whose array
 * runs into the window, and vcpu_info.
 * Proves: every copy into guest memory honours the nested page table's
 * read-only mapping (the call fails with -EFAULT, or the MSR write with
 * #GP; a runstate area is accepted, as by Xen, and its updates dropped)
 * and the granted page keeps its bytes; the same calls with a writable
 * buffer still work.
 * Cannot tell: mappings of another domain's grant (the same table entry
 * decides, whoever granted), or writes the hypervisor makes without a
 * hypercall (there are none into guest RAM but vcpu_info and shared_info).
 */
#include "lib.h"

#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/hvm.h>
#include <public/memory.h>
#include <public/vcpu.h>
#include <public/version.h>

const char test_title[] = "hypervisor writes honour a read-only grant mapping";

#define GREF 8 /* refs 0-7 belong to the toolstack */
#define FILL 0xa5

static struct grant_entry_v1 table[PAGE_SIZE / sizeof(struct grant_entry_v1)]
	__aligned(PAGE_SIZE);
static uint8_t granted[PAGE_SIZE] __aligned(PAGE_SIZE);
/* The window, and a writable page right below it for a batch that runs
 * from one into the other. */
static struct {
	uint8_t below[PAGE_SIZE];
	volatile uint8_t window[PAGE_SIZE];
} pages __aligned(PAGE_SIZE);
#define window pages.window
static uint8_t target[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t scratch[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t expected[PAGE_SIZE];

/* The granted page holds the call's input at offset 0 (read through the
 * window, which the hypervisor may do) and FILL everywhere else. */
static void prepare(const void *input, size_t len)
{
	memset(granted, FILL, PAGE_SIZE);
	if (len)
		memcpy(granted, input, len);
	memcpy(expected, granted, PAGE_SIZE);
}

/* After an attempt: the call was refused and the page kept its bytes. */
static void check(const char *what, long rc, long want)
{
	if (memcmp(granted, expected, PAGE_SIZE))
		test_failure("%s wrote through the read-only mapping (rc %ld)", what, rc);
	else if (rc != want)
		test_failure("%s returned %ld, expected %ld", what, rc, want);
	else
		printf("%s: rc %ld, page intact\n", what, rc);
}

static bool map_readonly(struct gnttab_map_grant_ref *map)
{
	domid_t self = guest_domid();
	long rc;

	table[GREF].domid = self;
	table[GREF].frame = (uint32_t)((uintptr_t)granted / PAGE_SIZE);
	barrier();
	table[GREF].flags = GTF_permit_access | GTF_readonly;
	*map = (struct gnttab_map_grant_ref){
		.host_addr = (uintptr_t)window, .ref = GREF, .dom = self,
		.flags = GNTMAP_host_map | GNTMAP_readonly,
	};
	rc = grant_table_op(GNTTABOP_map_grant_ref, map, 1);
	if (rc || map->status != GNTST_okay) {
		test_error("read-only map of a self-grant: rc %ld status %d", rc, map->status);
		return false;
	}
	prepare(NULL, 0);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		if (window[i] != FILL) {
			test_error("the window does not show the granted page");
			return false;
		}
	return true;
}

static void attack_hypercalls(void)
{
	void *w = (void *)(uintptr_t)window;
	struct vcpu_register_runstate_memory_area area = { .addr = (uintptr_t)window };
	struct xen_hvm_param param = { .domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN };
	struct xen_feature_info features = { .submap_idx = 0 };
	struct gnttab_query_size query = { .dom = DOMID_SELF };
	struct evtchn_alloc_unbound unbound = { .dom = DOMID_SELF, .remote_dom = 0 };

	prepare(NULL, 0);
	/* As on Xen, registering takes any address (0) and the hypervisor's
	 * updates of the area at each switch are what the mapping must stop. */
	check("runstate area in the window", vcpu_op(VCPUOP_register_runstate_memory_area, 0,
						     &area), 0);
	prepare(&param, sizeof(param));
	check("HVMOP_get_param into the window", hvm_op(HVMOP_get_param, w), -EFAULT);
	prepare(NULL, 0);
	check("XENVER_extraversion into the window", xen_version(XENVER_extraversion, w), -EFAULT);
	prepare(&features, sizeof(features));
	check("XENVER_get_features into the window", xen_version(XENVER_get_features, w), -EFAULT);
	prepare(&query, sizeof(query));
	check("GNTTABOP_query_size into the window", grant_table_op(GNTTABOP_query_size, w, 1),
	      -EFAULT);
	prepare(&unbound, sizeof(unbound));
	check("EVTCHNOP_alloc_unbound into the window",
	      event_channel_op(EVTCHNOP_alloc_unbound, w), -EFAULT);
}

static void attack_frames(void)
{
	uint64_t gfn = (uintptr_t)window / PAGE_SIZE;
	struct vcpu_register_vcpu_info info = { .mfn = gfn, .offset = 0 };
	struct gnttab_copy copy = {
		.source = { .u.gmfn = (uintptr_t)scratch / PAGE_SIZE, .domid = DOMID_SELF },
		.dest = { .u.gmfn = gfn, .domid = DOMID_SELF },
		.len = 64,
	};
	uint32_t r[4];
	long rc;

	/* The hypercall page MSR over the window: #GP, as for any page the
	 * domain cannot write. */
	prepare(NULL, 0);
	cpuid(xen_cpuid_base + 2, 0, r);
	rc = wrmsr_safe(r[1], (uintptr_t)window);
	check("hypercall page MSR at the window", rc, 13);

	prepare(NULL, 0);
	check("vcpu_info in the window", vcpu_op(VCPUOP_register_vcpu_info, 0, &info), -EINVAL);

	prepare(NULL, 0);
	memset(scratch, 0x3c, sizeof(scratch));
	rc = grant_table_op(GNTTABOP_copy, &copy, 1);
	check("GNTTABOP_copy to the window", rc ? rc : copy.status, GNTST_bad_page);
}

/* A copy batch whose array starts in writable RAM and runs into the window
 * (its second entry straddles the two pages): every entry can be read, the
 * second cannot be written back, so the call fails before the first runs. */
static void attack_batch(void)
{
	struct gnttab_copy *ops = (void *)(pages.below + PAGE_SIZE - 64);
	long rc;

	ops[0] = (struct gnttab_copy){
		.source = { .u.gmfn = (uintptr_t)scratch / PAGE_SIZE, .domid = DOMID_SELF },
		.dest = { .u.gmfn = (uintptr_t)target / PAGE_SIZE, .domid = DOMID_SELF },
		.len = 64,
		.status = 1, /* not a GNTST_ code */
	};
	memset(scratch, 0x3c, sizeof(scratch));
	memset(target, 0, sizeof(target));
	prepare(NULL, 0);
	rc = grant_table_op(GNTTABOP_copy, ops, 2);
	check("GNTTABOP_copy batch running into the window", rc, -EFAULT);
	if (target[0] || ops[0].status != 1)
		test_failure("the batch's first copy ran (status %d) although the second entry "
			     "cannot be written back", ops[0].status);
}

/* The same calls with a writable buffer work: the refusals above were the
 * mapping's doing. */
static void control_calls(void)
{
	struct xen_hvm_param *param = (void *)scratch;
	struct vcpu_register_runstate_memory_area area = { .addr = (uintptr_t)scratch };
	long rc;

	*param = (struct xen_hvm_param){ .domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN };
	rc = hvm_op(HVMOP_get_param, param);
	if (rc || !param->value)
		test_failure("HVMOP_get_param into RAM: rc %ld value %#lx", rc,
			     (unsigned long)param->value);
	rc = vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area);
	if (rc)
		test_failure("runstate area in RAM: rc %ld", rc);
	rc = xen_version(XENVER_extraversion, scratch);
	if (rc || !scratch[0])
		test_failure("XENVER_extraversion into RAM: rc %ld", rc);
}

void test_main(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
		.gpfn = (uintptr_t)table / PAGE_SIZE,
	};
	struct gnttab_map_grant_ref map;
	struct gnttab_unmap_grant_ref unmap;
	long rc = memory_op(XENMEM_add_to_physmap, &xatp);

	if (rc)
		return test_error("XENMEM_add_to_physmap(grant_table, 0): %ld", rc);
	if (!map_readonly(&map))
		return;
	attack_hypercalls();
	attack_frames();
	attack_batch();

	unmap = (struct gnttab_unmap_grant_ref){ .host_addr = map.host_addr, .handle = map.handle };
	rc = grant_table_op(GNTTABOP_unmap_grant_ref, &unmap, 1);
	if (rc || unmap.status != GNTST_okay)
		test_error("GNTTABOP_unmap_grant_ref: rc %ld status %d", rc, unmap.status);
	control_calls();
}
