/*
 * hcgen: sysctl and domctl, tern's own control interface (dom0 only; an
 * unprivileged caller gets the same well-formed structures and must be
 * refused). Header fields are right most of the time so that the ops are
 * reached. A privileged caller aims every domctl that changes a domain at a
 * victim or at nobody; domains it creates are reported for the caller to
 * destroy. The console ring is never cleared (it is the test's evidence).
 */
#include <string.h>

#include <public/domctl.h>
#include <public/hvm.h>
#include <public/sysctl.h>

#include "hcgen_gen.h"

/* Known ops mostly, anything now and then. */
static uint32_t pick(struct gen *g, const uint32_t *known, size_t n)
{
	return g_chance(g, 10) ? g_edge32(g) : known[g_below(g, n)];
}

/* sysctl and domctl start alike: cmd, interface_version, domain, pad0[3]. */
struct ctl_header {
	uint32_t cmd;
	uint32_t interface_version;
	uint16_t domain;
	uint16_t pad0[3];
};

static void header(struct gen *g, void *ctl, uint32_t cmd, uint32_t version, domid_t domain)
{
	struct ctl_header h = { cmd, version, domain, { 0, 0, 0 } };

	if (g_chance(g, 16))
		h.interface_version = g_edge32(g);
	if (g_chance(g, 16))
		h.pad0[g_below(g, 3)] = (uint16_t)g_edge32(g);
	memcpy(ctl, &h, sizeof(h));
}

void gen_sysctl(struct gen *g)
{
	static const uint32_t ops[] = { TERN_SYSCTL_readconsole, TERN_SYSCTL_physinfo,
					TERN_SYSCTL_sched_id, TERN_SYSCTL_getdomaininfolist,
					TERN_SYSCTL_debug_keys, 2, 5 };
	struct tern_sysctl *s;
	uint64_t arg = g_handle(g, sizeof(*s), (void **)&s);

	if (s) {
		uint32_t cmd = pick(g, ops, ARRAY_LEN(ops));

		header(g, s, cmd, TERN_SYSCTL_INTERFACE_VERSION, g_chance(g, 16) ? g_any_domid(g) : 0);
		if (cmd == TERN_SYSCTL_readconsole) {
			struct tern_sysctl_readconsole *rc = &s->u.readconsole;
			uint32_t n = (uint32_t)(g_chance(g, 8) ? g_edge32(g) : g_below(g, 4096));

			rc->incremental = (uint8_t)(g_chance(g, 8) ? g_edge32(g) : g_below(g, 2));
			rc->clear = rc->incremental > 1 ? 1 : 0; /* refused with a bad incremental */
			rc->count = n;
			rc->buffer = n <= 4096 ? g_handle(g, n, NULL) : g_bad_handle(g);
			rc->index = g_chance(g, 2) ? g_below(g, 1u << 20) : g_edge64(g);
		} else if (cmd == TERN_SYSCTL_getdomaininfolist) {
			struct tern_sysctl_getdomaininfolist *l = &s->u.getdomaininfolist;

			/* Few domains exist: the buffer holds them all, whatever the count. */
			l->first_domain = (uint16_t)(g_chance(g, 4) ? g_edge32(g) : 0);
			l->max_domains = (uint32_t)(g_chance(g, 4) ? g_edge32(g) : g_below(g, 16));
			l->buffer = g_handle(g, 16 * sizeof(struct tern_domaininfo), NULL);
		} else if (cmd == TERN_SYSCTL_debug_keys && g_chance(g, 32)) {
			/* Rarely, and only the short keys: 'q' prints a page per domain. */
			char *keys;
			uint32_t n = 1 + (uint32_t)g_below(g, 3);

			s->u.debug_keys.keys = g_handle(g, n, (void **)&keys);
			s->u.debug_keys.nr_keys = n;
			for (uint32_t i = 0; keys && i < n; i++)
				keys[i] = "hqx!"[g_below(g, 4)];
		} else if (cmd == TERN_SYSCTL_debug_keys) {
			s->u.debug_keys.keys = g_bad_handle(g);
			s->u.debug_keys.nr_keys = (uint32_t)g_edge32(g);
		}
	}
	g->c->nr = __HYPERVISOR_sysctl;
	g->c->name = "sysctl";
	g->c->arg[0] = arg;
}

static void domctl_op(struct gen *g, struct tern_domctl *d)
{
	switch (d->cmd) {
	case TERN_DOMCTL_createdomain: {
		struct tern_domctl_createdomain *c = &d->u.createdomain;

		d->domain = (uint16_t)(g_chance(g, 4) ? g_edge32(g) : 0);
		c->flags = (uint32_t)g_or_edge(g, TERN_CDF_hvm);
		c->max_vcpus = (uint32_t)g_or_edge(g, 1 + g_below(g, TERN_MAX_VCPUS));
		c->ssidref = (uint32_t)g_or_edge(g, 0);
		c->cpupool = (uint32_t)g_or_edge(g, 0);
		for (unsigned int i = 0; i < sizeof(c->handle); i++)
			c->handle[i] = (uint8_t)g_below(g, 256);
		g->c->new_domain = &d->domain;
		break;
	}
	case TERN_DOMCTL_max_mem:
		/* Around what a small guest has, or absurd. */
		d->u.max_mem.max_memkb = g_chance(g, 3) ? g_edge64(g) : (1 + g_below(g, 256)) << 10;
		break;
	case TERN_DOMCTL_setvcpuaffinity:
		d->u.vcpuaffinity.vcpu = g_vcpu(g);
		d->u.vcpuaffinity.pad0 = (uint32_t)g_or_edge(g, 0);
		d->u.vcpuaffinity.cpumap = g_chance(g, 2) ? g_below(g, 16) : g_edge64(g);
		break;
	case TERN_DOMCTL_getvcpuinfo:
		d->u.getvcpuinfo.vcpu = g_vcpu(g);
		break;
	case TERN_DOMCTL_scheduler_op: {
		struct tern_domctl_scheduler_op *s = &d->u.scheduler_op;

		s->sched_id = (uint32_t)g_or_edge(g, TERN_SCHEDULER_credit);
		s->cmd = (uint32_t)g_or_edge(g, g_below(g, 2));
		s->flags = (uint32_t)g_or_edge(g, g_below(g, 4));
		s->weight = (uint32_t)g_or_edge(g, 1 + g_below(g, 1024));
		s->cap = (uint32_t)g_or_edge(g, g_below(g, 200));
		break;
	}
	case TERN_DOMCTL_vcpu_start: {
		struct tern_domctl_vcpu_start *v = &d->u.vcpu_start;

		v->vcpu = g_vcpu(g);
		v->flags = (uint32_t)g_or_edge(g, 0);
		v->rip = g_or_edge(g, g_below(g, 1u << 24));
		v->rsp = g_or_edge(g, g_below(g, 1u << 24));
		v->rbx = g_or_edge(g, g_below(g, 1u << 24));
		v->cr3 = g_or_edge(g, 0);
		break;
	}
	case TERN_DOMCTL_set_param:
	case TERN_DOMCTL_get_param:
		d->u.param.index = (uint32_t)g_or_edge(g, g_below(g, HVM_NR_PARAMS + 2));
		d->u.param.pad0 = (uint32_t)g_or_edge(g, 0);
		d->u.param.value = g_chance(g, 2) ? g_below(g, 0x10000) : g_edge64(g);
		break;
	default:
		break;
	}
}

void gen_domctl(struct gen *g)
{
	static const uint32_t ops[] = {
		TERN_DOMCTL_createdomain, TERN_DOMCTL_destroydomain, TERN_DOMCTL_pausedomain,
		TERN_DOMCTL_unpausedomain, TERN_DOMCTL_getdomaininfo, TERN_DOMCTL_setvcpuaffinity,
		TERN_DOMCTL_max_mem, TERN_DOMCTL_vcpu_start, TERN_DOMCTL_getvcpuinfo,
		TERN_DOMCTL_scheduler_op, TERN_DOMCTL_set_param, TERN_DOMCTL_get_param,
	};
	/* The ops that only read may name any domain, dom0 included. */
	static const uint32_t readers[] = { TERN_DOMCTL_getdomaininfo, TERN_DOMCTL_getvcpuinfo,
					    TERN_DOMCTL_get_param };
	struct tern_domctl *d;
	uint64_t arg = g_handle(g, sizeof(*d), (void **)&d);

	if (d) {
		uint32_t cmd = pick(g, ops, ARRAY_LEN(ops));
		bool reads = false;

		for (size_t i = 0; i < ARRAY_LEN(readers); i++)
			reads |= cmd == readers[i];
		if (cmd == TERN_DOMCTL_scheduler_op) /* getinfo reads, putinfo changes */
			reads = false;
		/* destroydomain: only of nobody (created domains are destroyed by the caller). */
		header(g, d, cmd, TERN_DOMCTL_INTERFACE_VERSION,
		       cmd == TERN_DOMCTL_destroydomain && g->w->privileged ? 0x7fef
		       : reads ? g_any_domid(g) : g_target(g));
		domctl_op(g, d);
	}
	g->c->nr = __HYPERVISOR_domctl;
	g->c->name = "domctl";
	g->c->arg[0] = arg;
}
