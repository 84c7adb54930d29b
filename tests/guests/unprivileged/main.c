/*
 * unprivileged: a domU tries what only the privileged domain may do, on dom0
 * and on another domU, and must get exactly Xen's refusal each time:
 * domctl and sysctl (-EPERM), foreign mappings (per entry -EPERM: only the
 * hardware domain maps foreign frames), memory operations on another domain
 * (-EPERM; populate_physmap does nothing and says 0 extents), hvm_op params
 * of another domain (-EPERM), reading the hypervisor console (-EPERM),
 * another domain's grants (not granted to it: GNTST_general_error; by frame:
 * GNTST_permission_denied; its table's size or version: refused), event
 * channels of another domain (-EPERM) and shutting another domain down
 * (-EPERM).
 *
 * Command line: "victim" makes this guest the other domU: it grants a page
 * to dom0 (ref VICTIM_GREF), says "victim ready" and blocks forever.
 * "victim=<domid>" runs the attempts on dom0 and on that domain; with no
 * command line, on dom0 only. tests/system/test_domu_guests.py runs both.
 * Cannot tell: that a refused call changed nothing inside tern (the host
 * tests check that); the system test checks that both domains and dom0 live.
 */
#include "lib.h"

#include <public/domctl.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/hvm.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/sysctl.h>

const char test_title[] = "an unprivileged domU is refused what only dom0 may do";

#define VICTIM_GREF 9 /* refs 0-7 belong to the toolstack */
#define NO_DOMAIN 0xffffu

static struct grant_entry_v1 table[PAGE_SIZE / sizeof(struct grant_entry_v1)]
	__aligned(PAGE_SIZE);
static uint8_t for_dom0[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t scratch[PAGE_SIZE] __aligned(PAGE_SIZE);
static struct tern_domctl domctl;
static struct tern_sysctl sysctl;

static void expect(const char *what, domid_t target, long rc, long want)
{
	printf("%-44s d%-5u -> %ld\n", what, target, rc);
	if (rc != want)
		test_failure("%s on d%u returned %ld, expected %ld", what, target, rc, want);
}

static long domctl_op(uint32_t cmd, domid_t target)
{
	memset(&domctl, 0, sizeof(domctl));
	domctl.cmd = cmd;
	domctl.interface_version = TERN_DOMCTL_INTERFACE_VERSION;
	domctl.domain = target;
	return HC(__HYPERVISOR_domctl, &domctl, 0, 0);
}

static long sysctl_op(uint32_t cmd)
{
	memset(&sysctl, 0, sizeof(sysctl));
	sysctl.cmd = cmd;
	sysctl.interface_version = TERN_SYSCTL_INTERFACE_VERSION;
	return HC(__HYPERVISOR_sysctl, &sysctl, 0, 0);
}

static void control_ops(domid_t target)
{
	static const struct {
		uint32_t cmd;
		const char *name;
	} domctls[] = {
		{ TERN_DOMCTL_getdomaininfo, "domctl(getdomaininfo)" },
		{ TERN_DOMCTL_pausedomain, "domctl(pausedomain)" },
		{ TERN_DOMCTL_destroydomain, "domctl(destroydomain)" },
		{ TERN_DOMCTL_max_mem, "domctl(max_mem)" },
		{ TERN_DOMCTL_get_param, "domctl(get_param)" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(domctls); i++)
		expect(domctls[i].name, target, domctl_op(domctls[i].cmd, target), -EPERM);
}

static void memory_ops(domid_t target)
{
	xen_ulong_t idx = 0x100;
	xen_pfn_t gpfn = (uintptr_t)scratch / PAGE_SIZE;
	int err = 0;
	struct xen_add_to_physmap_batch batch = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = 1,
		.foreign_domid = target, .idxs = (uintptr_t)&idx, .gpfns = (uintptr_t)&gpfn,
		.errs = (uintptr_t)&err,
	};
	struct xen_add_to_physmap xatp = {
		.domid = target, .space = XENMAPSPACE_shared_info, .gpfn = gpfn,
	};
	struct xen_remove_from_physmap xrfp = { .domid = target, .gpfn = 0x100 };
	struct xen_memory_reservation r = {
		.extent_start = (uintptr_t)&gpfn, .nr_extents = 1, .domid = target,
	};
	domid_t d = target;

	/* The call succeeds; each entry says why it was not mapped. */
	expect("memory_op(add_to_physmap_batch, foreign)", target,
	       memory_op(XENMEM_add_to_physmap_batch, &batch), 0);
	expect("  ... its entry", target, err, -EPERM);
	batch.domid = target;
	expect("memory_op(add_to_physmap_batch, into it)", target,
	       memory_op(XENMEM_add_to_physmap_batch, &batch), -EPERM);
	expect("memory_op(add_to_physmap, its shared_info)", target,
	       memory_op(XENMEM_add_to_physmap, &xatp), -EPERM);
	xatp.space = XENMAPSPACE_grant_table;
	expect("memory_op(add_to_physmap, its grant table)", target,
	       memory_op(XENMEM_add_to_physmap, &xatp), -EPERM);
	/* Foreign frames come only through the batch call, for anyone. */
	xatp = (struct xen_add_to_physmap){ .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign,
					    .idx = 0x100, .gpfn = gpfn };
	expect("memory_op(add_to_physmap, foreign)", target,
	       memory_op(XENMEM_add_to_physmap, &xatp), -ENOSYS);
	expect("memory_op(remove_from_physmap)", target,
	       memory_op(XENMEM_remove_from_physmap, &xrfp), -EPERM);
	expect("memory_op(populate_physmap): extents done", target,
	       memory_op(XENMEM_populate_physmap, &r), 0);
	expect("memory_op(current_reservation)", target,
	       memory_op(XENMEM_current_reservation, &d), -EPERM);
	expect("memory_op(maximum_reservation)", target,
	       memory_op(XENMEM_maximum_reservation, &d), -EPERM);
}

static void hvm_ops(domid_t target)
{
	struct xen_hvm_param p = { .domid = target, .index = HVM_PARAM_STORE_PFN };

	expect("hvm_op(get_param, store_pfn)", target, hvm_op(HVMOP_get_param, &p), -EPERM);
	p = (struct xen_hvm_param){ .domid = target, .index = HVM_PARAM_CALLBACK_IRQ, .value = 1 };
	expect("hvm_op(set_param, callback_irq)", target, hvm_op(HVMOP_set_param, &p), -EPERM);
}

static void grant_ops(domid_t target, grant_ref_t ref)
{
	struct gnttab_map_grant_ref map = {
		.host_addr = (uintptr_t)scratch, .flags = GNTMAP_host_map, .ref = ref, .dom = target,
		.handle = 0xdead,
	};
	struct gnttab_copy copy = {
		.source = { .u.ref = ref, .domid = target },
		.dest = { .u.gmfn = (uintptr_t)scratch / PAGE_SIZE, .domid = DOMID_SELF },
		.len = 8, .flags = GNTCOPY_source_gref,
	};
	struct gnttab_query_size qs = { .dom = target };
	struct gnttab_setup_table st = { .dom = target, .nr_frames = 1 };
	struct gnttab_get_version gv = { .dom = target };

	/* Not granted to this domain: refused as Xen refuses it ("bad flags or dom"). */
	expect("grant_table_op(map_grant_ref)", target, grant_table_op(GNTTABOP_map_grant_ref,
									&map, 1), 0);
	expect("  ... its status", target, map.status, GNTST_general_error);
	expect("  ... its handle, untouched", target, map.handle, 0xdead);
	expect("grant_table_op(copy, from its grant)", target, grant_table_op(GNTTABOP_copy,
									       &copy, 1), 0);
	expect("  ... its status", target, copy.status, GNTST_general_error);
	/* By frame number, only one's own memory. */
	copy.flags = 0;
	copy.source.u.gmfn = 0x100;
	expect("grant_table_op(copy, from its frame)", target, grant_table_op(GNTTABOP_copy,
									       &copy, 1), 0);
	expect("  ... its status", target, copy.status, GNTST_permission_denied);
	expect("grant_table_op(query_size)", target, grant_table_op(GNTTABOP_query_size, &qs, 1), 0);
	expect("  ... its status", target, qs.status, GNTST_permission_denied);
	expect("grant_table_op(setup_table)", target, grant_table_op(GNTTABOP_setup_table, &st, 1),
	       0);
	expect("  ... its status", target, st.status, GNTST_permission_denied);
	expect("grant_table_op(get_version)", target, grant_table_op(GNTTABOP_get_version, &gv, 1),
	       -EPERM);
}

static void event_and_sched_ops(domid_t target)
{
	struct evtchn_alloc_unbound au = { .dom = target, .remote_dom = guest_domid() };
	struct evtchn_status es = { .dom = target, .port = 1 };
	struct sched_remote_shutdown rs = { .domain_id = target, .reason = SHUTDOWN_poweroff };

	expect("event_channel_op(alloc_unbound, for it)", target,
	       event_channel_op(EVTCHNOP_alloc_unbound, &au), -EPERM);
	expect("event_channel_op(status)", target, event_channel_op(EVTCHNOP_status, &es), -EPERM);
	expect("sched_op(remote_shutdown)", target, sched_op(SCHEDOP_remote_shutdown, &rs), -EPERM);
}

/* Everything that names another domain, on target. */
static void attack(domid_t target, grant_ref_t ref)
{
	control_ops(target);
	memory_ops(target);
	hvm_ops(target);
	grant_ops(target, ref);
	event_and_sched_ops(target);
}

/* The other domU: a page granted to dom0, then nothing but waiting. */
static void __noreturn be_victim(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
		.gpfn = (uintptr_t)table / PAGE_SIZE,
	};
	long rc = memory_op(XENMEM_add_to_physmap, &xatp);

	if (rc) {
		test_error("XENMEM_add_to_physmap(grant_table): %ld", rc);
		test_end();
	}
	table[VICTIM_GREF].domid = 0;
	table[VICTIM_GREF].frame = (uint32_t)((uintptr_t)for_dom0 / PAGE_SIZE);
	barrier();
	table[VICTIM_GREF].flags = GTF_permit_access;
	printf("victim ready: ref %u granted to d0\n", VICTIM_GREF);
	for (;;)
		sched_op(SCHEDOP_block, NULL);
}

/* The victim's domain id from "victim=<domid>", NO_DOMAIN if not given. */
static domid_t victim_arg(const char *cmdline)
{
	unsigned int id = 0;
	const char *p;

	if (!cmdline || memcmp(cmdline, "victim=", 7) != 0)
		return NO_DOMAIN;
	for (p = cmdline + 7; *p >= '0' && *p <= '9'; p++)
		id = id * 10 + (unsigned int)(*p - '0');
	return p == cmdline + 7 || *p || id >= DOMID_SELF ? NO_DOMAIN : (domid_t)id;
}

void test_main(void)
{
	const struct hvm_start_info *si = start_info();
	const char *cmdline = si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : NULL;
	domid_t victim = victim_arg(cmdline);
	char buf[64];

	if (si->flags & SIF_PRIVILEGED)
		return test_skip("the initial domain may do all of this");
	if (cmdline && strcmp(cmdline, "victim") == 0)
		be_victim();
	if (cmdline && *cmdline && victim == NO_DOMAIN)
		return test_error("command line '%.*s': expected victim or victim=<domid>", 60,
				  cmdline);

	/* What only dom0 may do at all. */
	expect("sysctl(physinfo)", 0, sysctl_op(TERN_SYSCTL_physinfo), -EPERM);
	expect("sysctl(readconsole)", 0, sysctl_op(TERN_SYSCTL_readconsole), -EPERM);
	expect("sysctl(getdomaininfolist)", 0, sysctl_op(TERN_SYSCTL_getdomaininfolist), -EPERM);
	expect("domctl(createdomain)", 0, domctl_op(TERN_DOMCTL_createdomain, 0), -EPERM);
	expect("console_io(read)", 0, console_io(CONSOLEIO_read, sizeof(buf), buf), -EPERM);

	attack(0, VICTIM_GREF);
	if (victim != NO_DOMAIN)
		attack(victim, VICTIM_GREF);
	else
		printf("no victim=<domid>: dom0 only\n");
}
