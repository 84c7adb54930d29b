/* See policy.h. Numbers are Xen's hypercall and sub-command numbers. */
#include <string.h>

#include <public/domctl.h>
#include <public/xen.h>

#include "policy.h"

int hcf_maybe_readable(const struct hcf_arena *arena, uint64_t addr, size_t len)
{
	/* Overlap of [addr, addr + len) with the arena, without overflow. */
	if (addr >= arena->end)
		return 0;
	if (addr + len < addr)
		return 1;
	return addr + len > arena->start;
}

/* The readable bytes of a struct fully inside the read-write arena, else NULL. */
static const uint8_t *rw_view(const struct hcf_arena *arena, uint64_t addr, size_t len)
{
	uint64_t rw = (uint64_t)(uintptr_t)arena->rw;

	if (addr < rw || addr - rw > arena->rw_len || arena->rw_len - (addr - rw) < len)
		return NULL;
	return arena->rw + (addr - rw);
}

static int in_list(uint32_t v, const uint32_t *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == v)
			return 1;
	return 0;
}
#define IN(v, ...) in_list((v), (const uint32_t[]){ __VA_ARGS__ }, \
			   sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

/* Whether a domctl may change domain dom: a victim, or an id no domain has. */
static int may_change(const struct hcf_arena *arena, uint16_t dom)
{
	for (unsigned int i = 0; i < arena->nr_victims; i++)
		if (arena->victims[i] == dom)
			return 1;
	return dom >= DOMID_FIRST_RESERVED && dom != DOMID_SELF;
}

/*
 * domctl ops that would stop or reshape dom0, or any domain but the victims
 * (other domUs run beside the fuzzer and must not notice it). Creating
 * domains is skipped: nothing would destroy them.
 */
static const char *domctl_reason(const struct hcf_arena *arena, uint64_t addr)
{
	struct tern_domctl d;
	const uint8_t *p;

	if (!hcf_maybe_readable(arena, addr, sizeof(struct tern_domctl)))
		return NULL;
	p = rw_view(arena, addr, 16);
	if (!p)
		return "domctl header partly readable";
	memcpy(&d, p, 16); /* the header; addr may be unaligned */
	if (d.cmd == TERN_DOMCTL_createdomain)
		return "createdomain leaves a domain behind";
	if (IN(d.cmd, TERN_DOMCTL_getdomaininfo, TERN_DOMCTL_getvcpuinfo, TERN_DOMCTL_get_param) ||
	    may_change(arena, d.domain))
		return NULL;
	return d.domain == 0 || d.domain == DOMID_SELF ? "domctl that changes dom0"
						       : "domctl that changes a bystander";
}

const char *hcf_skip_reason(uint64_t nr, const uint64_t a[5], const struct hcf_arena *arena)
{
	/* Sub-commands are int or unsigned in Xen: judge the low 32 bits. */
	uint32_t cmd = (uint32_t)a[0];

	switch (nr) {
	case 6:  /* sched_op_compat */
	case 29: /* sched_op: only yield and shutdown_code; never shutdown, block,
		  * poll, remote_shutdown, watchdog, pin_override */
		return cmd == 0 || cmd == 5 || cmd >= 16 ? NULL : "sched_op that stops dom0";
	case 7:  /* platform_op: settime, microcode, CPU hotplug... */
	case 16: /* event_channel_op_compat: sub-command inside the buffer */
	case 19: /* physdev_op_compat: likewise */
		return hcf_maybe_readable(arena, a[0], 64) ? "op inside a readable buffer" : NULL;
	case 12: /* memory_op: queries only; never (de)populate or remap dom0's RAM */
		cmd = (uint32_t)(a[0] & 0x3f);
		return IN(cmd, 2, 3, 4, 9, 10) || cmd >= 32 ? NULL : "memory_op that remaps memory";
	case 13: /* multicall: nested calls could be anything */
		return (uint32_t)a[1] == 0 || !hcf_maybe_readable(arena, a[0], 64) ?
			NULL : "multicall with readable entries";
	case 15: /* set_timer_op: dom0's timer */
		return "set_timer_op";
	case 18: /* console_io: write only from unreadable memory, never read input */
		if (cmd == 1)
			return "console read would steal input";
		if (cmd == 0 && hcf_maybe_readable(arena, a[2], (uint32_t)a[1] ? (uint32_t)a[1] : 1))
			return "console write of readable bytes";
		return NULL;
	case 20: /* grant_table_op: queries only, never map/copy into dom0 */
		return IN(cmd, 2, 3, 6, 9, 10) || cmd >= 16 ? NULL : "grant op that maps";
	case 23: /* iret */
	case 27: /* xsm_op */
	case 28: /* nmi_op */
	case 30: /* callback_op */
	case 31: /* xenoprof_op */
	case 37: /* kexec_op */
	case 39: /* argo_op */
	case 40: /* xenpmu_op */
	case 42: /* hypfs_op: writes runtime parameters */
	case 48: /* mca */
	case 49: /* paging_domctl_cont */
		return "family that can change dom0 or the host";
	case 24: /* vcpu_op: queries only */
		return IN(cmd, 3, 4, 12) || cmd >= 16 ? NULL : "vcpu_op that changes a vCPU";
	case 32: /* event_channel_op: new channels and status; never close/reset
		  * dom0's ports, rebind, send or change the ABI */
		return IN(cmd, 0, 5, 6, 7) || cmd >= 16 ? NULL : "evtchn op on dom0's ports";
	case 33: /* physdev_op: dom0's interrupts */
		return cmd >= 64 ? NULL : "physdev_op";
	case 34: /* hvm_op: get_param, get_time, get_mem_type */
		return IN(cmd, 1, 10, 15) || cmd >= 32 ? NULL : "hvm_op that changes dom0";
	case 36:
		return domctl_reason(arena, a[0]);
	case 41: /* dm_op on dom0 */
		return (uint16_t)a[0] == 0 || (uint16_t)a[0] == DOMID_SELF ? "dm_op on dom0" : NULL;
	default:
		/* xen_version, sysctl (reads, and clears the console at most),
		 * vm_assist, PV-only and unknown numbers. */
		return nr < 64 ? NULL : "hypercall number out of range";
	}
}
