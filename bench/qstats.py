"""Where tern's time goes during a workload, from two of its debug key `q`
dumps (each vCPU's exits by kind and hypercalls by number, with the time
tern spent on them): run `xl debug-keys q` before and after, read both from
`xl dmesg -c`, print the difference per vCPU. Counts and tern's own TSC
time only (perf does not run inside QEMU's emulation)."""

import re

from dom0 import check

# Xen's hypercall numbers (public ABI) for the ones that show up.
HYPERCALL_NAMES = {1: "mmu_update", 12: "memory_op", 13: "multicall", 15: "set_timer_op",
                   17: "xen_version", 18: "console_io", 20: "grant_table_op", 24: "vcpu_op",
                   29: "sched_op", 32: "event_channel_op", 33: "physdev_op", 34: "hvm_op",
                   35: "sysctl", 36: "domctl"}


def snapshot(m):
    """The counts of a fresh dump (parse())."""
    return parse(check(m, "xl dmesg -c >/dev/null; xl debug-keys q; sleep 1; xl dmesg -c"))


def parse(out):
    """{"dXvY": {"exit:<kind>": (count, us), "hc:<n>": (count, us), "upcalls": (n, 0)}}
    from the dump in out (the last one, if the console repeats it)."""
    stats, cur = {}, None
    for line in out.splitlines():
        head = re.search(r"\b(d\d+v\d+): (?:online|offline)", line)
        if head:
            cur = stats.setdefault(head.group(1), {})
            continue
        if cur is None:
            continue
        if "exits (count/us):" in line:
            for kind, n, us in re.findall(r" (\w+) (\d+)/(\d+)", line.split(":", 1)[1]):
                cur[f"exit:{kind}"] = (int(n), int(us))
            up = re.search(r"upcalls (\d+)", line)
            if up:
                cur["upcalls"] = (int(up.group(1)), 0)
        elif "hypercalls (number:count/us):" in line:
            for nr, n, us in re.findall(r" (\d+):(\d+)/(\d+)", line.split(":", 1)[1]):
                cur[f"hc:{nr}"] = (int(n), int(us))
    return stats


def _costs(diff, prefix, name):
    return "; ".join(f"{name(key[len(prefix):])} {n} ({us / 1000:.0f} ms, {us / n:.1f} us each)"
                     for key, (n, us) in sorted(diff.items(), key=lambda kv: -kv[1][1])
                     if key.startswith(prefix) and n)


def report(before, after, seconds, label):
    """Prints what each vCPU's exits and hypercalls cost between two snapshots."""
    print(f"  tern's time during {label} ({seconds:.1f} s of wall time):")
    for vcpu in sorted(after):
        old = before.get(vcpu, {})
        diff = {k: (n - old.get(k, (0, 0))[0], us - old.get(k, (0, 0))[1])
                for k, (n, us) in after[vcpu].items()}
        in_tern = sum(us for k, (_, us) in diff.items() if k.startswith("exit:"))
        print(f"    {vcpu}: in tern {in_tern / 1000:.0f} ms ({in_tern / 1e4 / seconds:.0f} %), "
              f"upcalls {diff.get('upcalls', (0, 0))[0]}")
        print(f"      exits: {_costs(diff, 'exit:', str)}")
        print(f"      hypercalls: "
              f"{_costs(diff, 'hc:', lambda nr: HYPERCALL_NAMES.get(int(nr), 'hypercall ' + nr))}")
