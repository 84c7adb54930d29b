/*
 * hcfuzz's safety policy: which random hypercalls may be issued from dom0.
 *
 * The fuzzer looks for hypervisor bugs, so it must not make dom0 die of a
 * hypercall that correctly does what it was asked (shut dom0 down, block its
 * only vCPU, remove its RAM, close the event channels its kernel uses, ...).
 * The rule: every sub-command that can change dom0's own state is skipped,
 * unless its argument structure lies where the hypervisor cannot read it.
 * Pure logic, no system calls: unit-tested on the host.
 */
#ifndef TERN_HCFUZZ_POLICY_H
#define TERN_HCFUZZ_POLICY_H

#include <stddef.h>
#include <stdint.h>

/*
 * The fuzzer's memory: [start, end) is every user address it hands to the
 * hypervisor that could be readable (read-write, read-only and not-yet-touched
 * pages). rw/rw_len is the read-write part, whose content the policy inspects.
 */
struct hcf_arena {
	uint64_t start, end;
	const uint8_t *rw;
	size_t rw_len;
	/* The domains domctls may change (-V); other domUs are bystanders. */
	const uint16_t *victims;
	unsigned int nr_victims;
};

/* NULL if hypercall nr(a[0..4]) may be issued, else why it is skipped. */
const char *hcf_skip_reason(uint64_t nr, const uint64_t a[5], const struct hcf_arena *arena);

/* Whether a struct of len bytes at addr might be (partly) readable. */
int hcf_maybe_readable(const struct hcf_arena *arena, uint64_t addr, size_t len);

#endif
