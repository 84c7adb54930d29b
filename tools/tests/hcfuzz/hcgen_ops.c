/*
 * hcgen: the guest-facing families. Each builds the struct its operation
 * reads, with valid-looking fields that are sometimes mutated to edges, and
 * sometimes hands a handle that faults instead (see hcgen_gen.h's pickers).
 */
#include <string.h>

#include <public/event_channel.h>
#include <public/hvm.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>

#include "hcgen_gen.h"

/* A sub-command: one of the known ones, or now and then one beyond every
 * family's (never a known one with another's struct). */
static uint64_t pick_cmd(struct gen *g, const unsigned int *known, size_t n)
{
	return g_chance(g, 12) ? 64 + g_edge32(g) % (UINT32_MAX - 64) : known[g_below(g, n)];
}
#define PICK_CMD(g, ...) pick_cmd((g), (const unsigned int[]){ __VA_ARGS__ }, \
				  sizeof((const unsigned int[]){ __VA_ARGS__ }) / sizeof(unsigned int))

static void set_call(struct gen *g, unsigned int nr, const char *name, uint64_t a0, uint64_t a1,
		     uint64_t a2)
{
	g->c->nr = nr;
	g->c->name = name;
	g->c->arg[0] = a0;
	g->c->arg[1] = a1;
	g->c->arg[2] = a2;
	/* Arguments a family does not take are garbage, as a guest may leave them. */
	g->c->arg[3] = g_edge64(g);
	g->c->arg[4] = g_edge64(g);
}

void gen_xen_version(struct gen *g)
{
	uint64_t cmd = PICK_CMD(g, XENVER_version, XENVER_extraversion, XENVER_compile_info,
				XENVER_capabilities, XENVER_changeset, XENVER_platform_parameters,
				XENVER_get_features, XENVER_pagesize, XENVER_guest_handle,
				XENVER_commandline, XENVER_build_id, 11, 12);
	uint32_t *buf;
	uint64_t arg = g_handle(g, 1024, (void **)&buf);

	if (buf && g_chance(g, 2)) /* get_features' submap, build_id's length */
		buf[0] = (uint32_t)g_or_edge(g, g_below(g, 4));
	set_call(g, __HYPERVISOR_xen_version, "xen_version", cmd, arg, 0);
}

/*
 * Writes are carriage returns only (read in full, printed never), so the
 * fuzzer's own lines stay within its console budget; their lengths cross
 * the per-call step and the 64 KiB limit.
 */
void gen_console_io(struct gen *g)
{
	static const uint64_t lengths[] = { 0, 1, 127, 128, 129, 4095, 4096, 4097, 65535, 65536,
					    65537 };
	uint64_t cmd = PICK_CMD(g, CONSOLEIO_write, CONSOLEIO_write, CONSOLEIO_read);
	uint64_t count = g_chance(g, 8) ? g_edge64(g) : lengths[g_below(g, ARRAY_LEN(lengths))];
	uint64_t buf;
	void *text;

	g->next = 0;
	if (cmd == CONSOLEIO_write && count <= g->w->arena_len && !g_chance(g, 8)) {
		text = g_alloc(g, count, &buf, true);
		memset(text, '\r', count);
	} else {
		buf = g_bad_handle(g);
	}
	set_call(g, __HYPERVISOR_console_io, "console_io", cmd, count, buf);
}

/* memory_op's batches carry the extent to resume at in cmd's upper bits. */
static uint64_t memop_cmd(struct gen *g, unsigned int op)
{
	uint64_t start = g_chance(g, 6) ? (g_chance(g, 2) ? g_below(g, 8) : g_edge64(g)) : 0;

	return op | start << MEMOP_EXTENT_SHIFT;
}

static void gen_populate(struct gen *g)
{
	struct xen_memory_reservation *r;
	uint64_t arg = g_handle(g, sizeof(*r), (void **)&r);
	uint64_t n = g_chance(g, 4) ? g_edge32(g) : g_below(g, 16);
	xen_pfn_t *gfns;

	if (r) {
		domid_t dom = g_target(g);
		bool own = g_is_self(g, dom);

		r->nr_extents = n;
		r->extent_start = g_handle(g, sizeof(*gfns) * (n < 64 ? n : 64), (void **)&gfns);
		for (uint64_t i = 0; gfns && i < n && i < 64; i++)
			gfns[i] = own ? g_spare_gfn(g) : g_other_gfn(g);
		r->extent_order = (uint32_t)(g_chance(g, 6) ? g_edge32(g) : g_chance(g, 2) ? 9 : 0);
		r->mem_flags = (uint32_t)g_or_edge(g, 0);
		r->domid = dom;
	}
	set_call(g, __HYPERVISOR_memory_op, "memory_op/populate_physmap",
		 memop_cmd(g, XENMEM_populate_physmap), arg, 0);
}

static void gen_add_to_physmap(struct gen *g)
{
	struct xen_add_to_physmap *x;
	uint64_t arg = g_handle(g, sizeof(*x), (void **)&x);

	if (x) {
		domid_t dom = g_chance(g, 3) && g->w->privileged ? DOMID_SELF : g_target(g);
		bool own = g_is_self(g, dom);

		x->domid = dom;
		x->size = (uint16_t)g_or_edge(g, 1);
		x->space = (uint32_t)(g_chance(g, 6) ? g_edge32(g) : g_below(g, 6));
		x->idx = g_chance(g, 4) ? g_edge64(g) | (g_chance(g, 2) ? XENMAPIDX_grant_table_status : 0)
					: g_below(g, 4);
		x->gpfn = own ? g_spare_gfn(g) : g_other_gfn(g);
	}
	set_call(g, __HYPERVISOR_memory_op, "memory_op/add_to_physmap", XENMEM_add_to_physmap,
		 arg, 0);
}

static void gen_add_to_physmap_batch(struct gen *g)
{
	struct xen_add_to_physmap_batch *b;
	uint64_t arg = g_handle(g, sizeof(*b), (void **)&b);

	if (b) {
		domid_t dom = g_chance(g, 2) ? DOMID_SELF : g_target(g);
		bool own = g_is_self(g, dom);
		/* Room for every entry tern may take (at most 1024 per call). */
		uint16_t n = (uint16_t)(g_chance(g, 8) ? g_edge32(g) : g_below(g, 80));
		uint16_t room = n < 1024 ? n : 1024;
		xen_ulong_t *idxs;
		xen_pfn_t *gpfns;

		b->domid = dom;
		b->space = (uint16_t)(g_chance(g, 8) ? g_edge32(g) : XENMAPSPACE_gmfn_foreign);
		b->size = n;
		b->foreign_domid = g_chance(g, 4) ? g_any_domid(g) : g_victim(g);
		b->idxs = g_handle(g, sizeof(*idxs) * room, (void **)&idxs);
		b->gpfns = g_handle(g, sizeof(*gpfns) * room, (void **)&gpfns);
		b->errs = g_handle(g, sizeof(int) * room, NULL);
		for (unsigned int i = 0; i < room; i++) {
			if (idxs)
				idxs[i] = g_other_gfn(g);
			if (gpfns)
				gpfns[i] = own ? g_spare_gfn(g) : g_other_gfn(g);
		}
	}
	set_call(g, __HYPERVISOR_memory_op, "memory_op/add_to_physmap_batch",
		 memop_cmd(g, XENMEM_add_to_physmap_batch), arg, 0);
}

static void gen_remove_from_physmap(struct gen *g)
{
	struct xen_remove_from_physmap *x;
	uint64_t arg = g_handle(g, sizeof(*x), (void **)&x);

	if (x) {
		domid_t dom = g_chance(g, 2) ? DOMID_SELF : g_target(g);

		x->domid = dom;
		x->gpfn = g_is_self(g, dom) ? g_spare_gfn(g) : g_other_gfn(g);
	}
	set_call(g, __HYPERVISOR_memory_op, "memory_op/remove_from_physmap",
		 XENMEM_remove_from_physmap, arg, 0);
}

/* The queries: memory_map, the reservations, and numbers tern lacks. */
static void gen_memory_query(struct gen *g)
{
	/* memory_op's command is its low bits: "unknown" must be unknown there. */
	uint64_t cmd = PICK_CMD(g, XENMEM_memory_map, XENMEM_machine_memory_map,
				XENMEM_maximum_ram_page, XENMEM_current_reservation,
				XENMEM_maximum_reservation, XENMEM_increase_reservation,
				XENMEM_decrease_reservation, XENMEM_acquire_resource, 5, 8, 30, 63);

	if (cmd >= 64)
		cmd = XENMEM_acquire_resource | (cmd << MEMOP_EXTENT_SHIFT);
	struct xen_memory_map *mm;
	uint64_t arg = g_handle(g, 64, (void **)&mm);

	if (mm && (cmd == XENMEM_memory_map || cmd == XENMEM_machine_memory_map)) {
		uint32_t n = (uint32_t)(g_chance(g, 4) ? g_edge32(g) : g_below(g, 130));

		mm->nr_entries = n;
		mm->buffer = g_handle(g, 20 * (n < 130 ? n : 130), NULL);
	} else if (mm) {
		*(domid_t *)mm = g_any_domid(g);
	}
	set_call(g, __HYPERVISOR_memory_op, "memory_op/query", cmd, arg, 0);
}

void gen_memory_op(struct gen *g)
{
	static void (*const ops[])(struct gen *) = {
		gen_populate, gen_add_to_physmap, gen_add_to_physmap_batch,
		gen_remove_from_physmap, gen_memory_query,
	};

	ops[g_below(g, ARRAY_LEN(ops))](g);
}

/* A guest-physical address in a spare frame (misaligned now and then), or
 * beyond any physical address. */
static uint64_t spare_addr(struct gen *g)
{
	if (g_chance(g, 16))
		return (1ull << 52) + g_edge64(g) % (1ull << 50);
	return g_spare_gfn(g) * HCGEN_PAGE + (g_chance(g, 8) ? 1 + g_below(g, HCGEN_PAGE - 1) : 0);
}

static void gen_grant_map(struct gen *g, struct gnttab_map_grant_ref *m)
{
	domid_t dom = g_chance(g, 3) ? g_any_domid(g) : g_victim(g);

	/* Mapped into the caller: at a spare frame only. */
	m->host_addr = spare_addr(g);
	m->flags = (uint32_t)(g_chance(g, 6) ? g_edge32(g) :
			      GNTMAP_host_map | (g_chance(g, 2) ? GNTMAP_readonly : 0));
	m->ref = g_gref(g);
	m->dom = dom;
}

static void gen_grant_unmap(struct gen *g, struct gnttab_unmap_grant_ref *u)
{
	u->host_addr = spare_addr(g);
	u->handle = g_chance(g, 4) ? g_edge32(g) : (uint32_t)g_below(g, 16);
}

static void gen_copy_ptr(struct gen *g, struct gnttab_copy_ptr *p, bool gref, bool dest)
{
	if (gref) {
		p->u.ref = g_gref(g);
		/* A destination is written: the granter is one the caller may change. */
		p->domid = dest ? g_owner(g) : g_chance(g, 3) ? g_any_domid(g) : g_victim(g);
	} else {
		/* By frame: the caller's own memory (a destination is written). */
		p->u.gmfn = dest || g_chance(g, 2) ? g_own_gfn(g) : g_other_gfn(g);
		p->domid = g_chance(g, 8) ? g_any_domid(g) : DOMID_SELF;
		if (dest && p->domid != DOMID_SELF && p->domid != g->w->self)
			p->u.gmfn = g_other_gfn(g);
	}
	p->offset = (uint16_t)(g_chance(g, 8) ? g_edge32(g) : g_below(g, HCGEN_PAGE));
}

static void gen_grant_copy(struct gen *g, struct gnttab_copy *c)
{
	c->flags = (uint16_t)(g_chance(g, 8) ? g_edge32(g) : g_below(g, 4));
	gen_copy_ptr(g, &c->source, c->flags & GNTCOPY_source_gref, false);
	gen_copy_ptr(g, &c->dest, c->flags & GNTCOPY_dest_gref, true);
	c->len = (uint16_t)(g_chance(g, 8) ? g_edge32(g) : g_below(g, HCGEN_PAGE + 1));
}

/* map, unmap, copy: count entries (a batch tern may continue). */
static void gen_grant_batch(struct gen *g, unsigned int cmd)
{
	static const size_t sizes[] = { sizeof(struct gnttab_map_grant_ref),
					sizeof(struct gnttab_unmap_grant_ref), 0, 0, 0,
					sizeof(struct gnttab_copy) };
	uint64_t count = g_chance(g, 8) ? g_edge32(g) : g_chance(g, 4) ? g_below(g, 600)
									: g_below(g, 4);
	size_t room = count < 600 ? count : 600;
	uint8_t *entries;
	uint64_t arg = g_handle(g, sizes[cmd] * room, (void **)&entries);

	for (size_t i = 0; entries && i < room; i++) {
		void *e = entries + i * sizes[cmd];

		if (cmd == GNTTABOP_map_grant_ref)
			gen_grant_map(g, e);
		else if (cmd == GNTTABOP_unmap_grant_ref)
			gen_grant_unmap(g, e);
		else
			gen_grant_copy(g, e);
	}
	/* One mapping may be the caller's to undo (the first entry's). */
	if (cmd == GNTTABOP_map_grant_ref && entries && count == 1)
		g->c->new_map = (struct gnttab_map_grant_ref *)entries;
	set_call(g, __HYPERVISOR_grant_table_op, "grant_table_op/batch", cmd, arg, count);
}

void gen_grant_table_op(struct gen *g)
{
	uint64_t cmd = PICK_CMD(g, GNTTABOP_map_grant_ref, GNTTABOP_unmap_grant_ref,
				GNTTABOP_copy, GNTTABOP_copy, GNTTABOP_setup_table,
				GNTTABOP_query_size, GNTTABOP_set_version, GNTTABOP_get_version,
				GNTTABOP_dump_table, GNTTABOP_transfer, GNTTABOP_get_status_frames);
	uint8_t *s;
	uint64_t arg;

	if (cmd == GNTTABOP_map_grant_ref || cmd == GNTTABOP_unmap_grant_ref ||
	    cmd == GNTTABOP_copy)
		return gen_grant_batch(g, (unsigned int)cmd);
	arg = g_handle(g, 64, (void **)&s);
	if (s && cmd == GNTTABOP_setup_table) {
		struct gnttab_setup_table *t = (void *)s;
		uint32_t n = (uint32_t)(g_chance(g, 4) ? g_edge32(g) : g_below(g, 70));

		t->dom = g_owner(g); /* may grow the table */
		t->nr_frames = n;
		t->frame_list = g_handle(g, sizeof(xen_pfn_t) * (n < 70 ? n : 70), NULL);
	} else if (s && cmd == GNTTABOP_set_version) {
		((struct gnttab_set_version *)s)->version = (uint32_t)g_or_edge(g, 1);
	} else if (s) {
		*(domid_t *)s = g_any_domid(g); /* query_size, get_version */
	}
	set_call(g, __HYPERVISOR_grant_table_op, "grant_table_op", cmd, arg,
		 g_chance(g, 8) ? g_edge32(g) : 1);
}

/*
 * Event channels. An unprivileged caller's ports are its own to close,
 * rebind and reset; dom0's are its kernel's, so dom0 only closes, unmasks
 * and sends on ports beyond the table, resets victims, and never touches
 * its FIFO ABI state.
 */
void gen_event_channel_op(struct gen *g)
{
	uint64_t cmd = PICK_CMD(g, EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq,
				EVTCHNOP_bind_pirq, EVTCHNOP_close, EVTCHNOP_send, EVTCHNOP_status,
				EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi, EVTCHNOP_bind_vcpu,
				EVTCHNOP_unmask, EVTCHNOP_reset, EVTCHNOP_init_control,
				EVTCHNOP_expand_array, EVTCHNOP_set_priority);
	bool priv = g->w->privileged;
	uint32_t *s;
	uint64_t arg = g_handle(g, 32, (void **)&s);
	uint32_t own_port = priv ? EVTCHN_FIFO_NR_CHANNELS + (uint32_t)g_below(g, 1u << 20) : g_port(g);

	/* dom0's kernel owns its FIFO control blocks and event array: a page
	 * added behind its back would take its later ports' events. */
	if (priv && (cmd == EVTCHNOP_init_control || cmd == EVTCHNOP_expand_array))
		cmd = EVTCHNOP_status;

	if (!s)
		goto out;
	switch (cmd) {
	case EVTCHNOP_alloc_unbound: {
		struct evtchn_alloc_unbound *a = (void *)s;

		a->dom = g_owner(g);
		a->remote_dom = g_any_domid(g);
		if (g_is_self(g, a->dom))
			g->c->new_port = &a->port; /* the caller's own */
		break;
	}
	case EVTCHNOP_bind_interdomain: {
		struct evtchn_bind_interdomain *b = (void *)s;

		b->remote_dom = g_any_domid(g);
		b->remote_port = g_port(g);
		g->c->new_port = &b->local_port;
		break;
	}
	case EVTCHNOP_bind_virq:
		s[0] = (uint32_t)g_or_edge(g, g_below(g, 12));
		s[1] = g_vcpu(g);
		g->c->new_port = &s[2];
		break;
	case EVTCHNOP_bind_ipi:
		s[0] = g_vcpu(g);
		g->c->new_port = &s[1];
		break;
	case EVTCHNOP_status: {
		struct evtchn_status *st = (void *)s;

		st->dom = g_any_domid(g);
		st->port = g_port(g);
		break;
	}
	case EVTCHNOP_reset:
		*(domid_t *)s = priv ? g_target(g) : g_any_domid(g);
		break;
	case EVTCHNOP_bind_vcpu:
		s[0] = own_port;
		s[1] = g_vcpu(g);
		break;
	case EVTCHNOP_init_control:
		*(uint64_t *)s = g_spare_gfn(g);
		s[2] = (uint32_t)g_edge32(g);
		s[3] = g_vcpu(g);
		break;
	default: /* close, send, unmask, set_priority, bind_pirq: a port first */
		s[0] = cmd == EVTCHNOP_bind_pirq ? g_edge32(g) : own_port;
		s[1] = g_edge32(g);
		break;
	}
out:
	set_call(g, __HYPERVISOR_event_channel_op, "event_channel_op", cmd, arg, 0);
}

/* vcpu_op. dom0 never moves its vcpu_info (its kernel reads it there). */
void gen_vcpu_op(struct gen *g)
{
	uint64_t cmd = PICK_CMD(g, VCPUOP_initialise, VCPUOP_up, VCPUOP_down, VCPUOP_is_up,
				VCPUOP_get_runstate_info, VCPUOP_register_runstate_memory_area,
				VCPUOP_set_periodic_timer, VCPUOP_stop_periodic_timer,
				VCPUOP_set_singleshot_timer, VCPUOP_stop_singleshot_timer,
				VCPUOP_register_vcpu_info, VCPUOP_send_nmi, VCPUOP_get_physid,
				VCPUOP_register_vcpu_time_memory_area, 14);
	uint64_t *s;
	uint64_t arg;

	if (cmd == VCPUOP_register_vcpu_info && g->w->privileged)
		cmd = VCPUOP_is_up;
	arg = g_handle(g, 64, (void **)&s);
	if (s && cmd == VCPUOP_register_vcpu_info) {
		struct vcpu_register_vcpu_info *info = (void *)s;

		info->mfn = g_spare_gfn(g);
		info->offset = (uint32_t)(g_chance(g, 4) ? g_edge32(g) : g_below(g, HCGEN_PAGE));
		info->rsvd = (uint32_t)g_or_edge(g, 0);
	} else if (s && (cmd == VCPUOP_register_runstate_memory_area ||
			 cmd == VCPUOP_register_vcpu_time_memory_area)) {
		s[0] = g_handle(g, 64, NULL);
	} else if (s && cmd == VCPUOP_set_singleshot_timer) {
		/* System time starts at boot: small values are past, edges far. */
		s[0] = g_chance(g, 2) ? g_below(g, 1ull << 40) : g_edge64(g);
		s[1] = g_chance(g, 4) ? g_edge32(g) : g_below(g, 2);
	} else if (s && cmd == VCPUOP_set_periodic_timer) {
		s[0] = g_chance(g, 2) ? 1000000 * (1 + g_below(g, 100)) : g_edge64(g);
	}
	set_call(g, __HYPERVISOR_vcpu_op, "vcpu_op", cmd, g_vcpu(g), arg);
}

/* hvm_op. A privileged caller sets victims' parameters, never its own. */
void gen_hvm_op(struct gen *g)
{
	uint64_t cmd = PICK_CMD(g, HVMOP_set_param, HVMOP_get_param, HVMOP_get_param,
				HVMOP_pagetable_dying, HVMOP_get_time, HVMOP_get_mem_type,
				HVMOP_set_evtchn_upcall_vector);
	uint8_t *s;
	uint64_t arg;

	if (cmd == HVMOP_set_evtchn_upcall_vector && g->w->privileged)
		cmd = HVMOP_get_param;
	arg = g_handle(g, 32, (void **)&s);
	if (s && (cmd == HVMOP_set_param || cmd == HVMOP_get_param)) {
		struct xen_hvm_param *p = (void *)s;

		p->domid = cmd == HVMOP_set_param ? g_target(g) : g_any_domid(g);
		p->index = (uint32_t)g_or_edge(g, g_below(g, HVM_NR_PARAMS + 2));
		p->value = g_chance(g, 2) ? g_below(g, 0x100) : g_edge64(g);
		if (g_chance(g, 4))
			p->value |= (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << HVM_PARAM_CALLBACK_TYPE_SHIFT;
	} else if (s && cmd == HVMOP_set_evtchn_upcall_vector) {
		struct xen_hvm_evtchn_upcall_vector *u = (void *)s;

		u->vcpu = g_vcpu(g);
		u->vector = (uint8_t)g_below(g, 256);
	} else if (s) {
		*(domid_t *)s = g_any_domid(g);
		((uint64_t *)s)[1] = g_edge64(g);
	}
	set_call(g, __HYPERVISOR_hvm_op, "hvm_op", cmd, arg, 0);
}

/*
 * sched_op. Never shutdown or block: the fuzzer would stop itself. A poll
 * always times out at once (its timeout is in the past), so it cannot wait.
 */
void gen_sched_op(struct gen *g)
{
	uint64_t cmd = PICK_CMD(g, SCHEDOP_yield, SCHEDOP_poll, SCHEDOP_poll,
				SCHEDOP_remote_shutdown, SCHEDOP_shutdown_code, SCHEDOP_watchdog,
				SCHEDOP_pin_override, 8);
	uint32_t *s;
	uint64_t arg;

	if (cmd == SCHEDOP_shutdown || cmd == SCHEDOP_block)
		cmd = SCHEDOP_yield;
	arg = g_handle(g, 32, (void **)&s);
	if (s && cmd == SCHEDOP_poll) {
		struct sched_poll *p = (void *)s;
		uint32_t n = (uint32_t)(g_chance(g, 6) ? g_edge32(g) : g_below(g, 130));
		uint32_t *ports;

		p->ports = g_handle(g, 4 * (n < 130 ? n : 130), (void **)&ports);
		for (uint32_t i = 0; ports && i < n && i < 130; i++)
			ports[i] = g_port(g);
		p->nr_ports = n;
		p->pad = (uint32_t)g_or_edge(g, 0);
		p->timeout = 1 + g_below(g, 1000);
	} else if (s && cmd == SCHEDOP_remote_shutdown) {
		struct sched_remote_shutdown *rs = (void *)s;

		rs->domain_id = g->w->privileged ? g_target(g) : g_any_domid(g);
		rs->reason = (uint32_t)g_or_edge(g, g_below(g, 6));
	} else if (s) {
		s[0] = (uint32_t)g_or_edge(g, g_below(g, 6));
	}
	set_call(g, __HYPERVISOR_sched_op, "sched_op", cmd, arg, 0);
}
