#!/usr/bin/python3
"""bench/net: TCP throughput and round trips through tern's network backend,
against the same kernel's own copy path, in one run.

tern boots the dom0 image under QEMU (two CPUs: dom0's and the guests')
with iperf3 added (images/iperf3.sh) and no NIC (-nic none): xenbr0 holds only the
guests' vifs and dom0's address. Two guests (the dom0 image's kernel and
busybox initramfs, with iperf3 appended; one vCPU, 256 MiB each) get a vif
in xenbr0. The baseline is two network namespaces in dom0 joined by a veth
pair: the same transfer through one copy path in the same kernel, on dom0's
one vCPU.

Each round, alternating, in the same boot: iperf3 TCP for --seconds between
the veth namespaces, guest -> dom0, dom0 -> guest (iperf3 -R), guest ->
guest, every one started in dom0 or a guest with the same options and
timed by iperf3 itself (the receiver's figure); then ping round trips
(dom0 -> guest vs across the veth). Reported: per-round figures, medians,
and the ratio of each vif path to the veth figure of its round. The
backend's CPU use is its worker's utime+stime over the guest runs' wall
time (dom0's /proc). All traffic stays inside the emulated machine.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "system"))
from dom0 import check  # noqa: E402
from domu_shell import Guest, put_file, wait_log  # noqa: E402
from qemu import BUILD, Machine  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import qstats  # noqa: E402

IMAGES = os.path.join(BUILD, "images")
NET = "10.99.0"          # the bridge's private subnet, inside the emulated machine
VETH = "10.98.0"
GUEST_CFG = """name = "{name}"
type = "pvh"
kernel = "/srv/xen/vmlinuz"
ramdisk = "/srv/bench/domu.cpio.gz"
extra = "console=hvc0"
memory = 256
vif = [ 'bridge=xenbr0,mac=00:16:3e:00:99:{n:02x}' ]
"""


def mbits(out):
    """iperf3's receiver figure in Mbit/s."""
    found = re.findall(r"([\d.]+) Mbits/sec\s+receiver", out)
    if not found:
        raise RuntimeError("no iperf3 result in:\n" + out[-2000:])
    return float(found[-1])


def rtt_ms(out):
    found = re.search(r"min/avg/max = [\d.]+/([\d.]+)/", out)
    if not found:
        raise RuntimeError("no ping summary in:\n" + out[-2000:])
    return float(found.group(1))


def dom0_timed(m, command, pid):
    """Runs command in dom0; returns (output, wall seconds, CPU seconds of pid)."""
    out = check(m, f"cat /proc/uptime; cat /proc/{pid}/stat; {command}; cat /proc/uptime; "
                   f"cat /proc/{pid}/stat", timeout=900)
    ups = [float(x) for x in re.findall(r"^([\d.]+) [\d.]+$", out, re.M)]
    stats = re.findall(rf"^{pid} \(.*?\) \S+ (.*)$", out, re.M)
    ticks = [int(s.split()[10]) + int(s.split()[11]) for s in stats]
    return out, ups[-1] - ups[0], (ticks[-1] - ticks[0]) / 100.0


def build_initrd():
    """dom0.cpio.gz + iperf3 for dom0 + an archive with the guests' initramfs."""
    stage = os.path.join(BUILD, "bench-net")
    os.makedirs(os.path.join(stage, "root", "srv", "bench"), exist_ok=True)
    with open(os.path.join(stage, "root", "srv", "bench", "domu.cpio.gz"), "wb") as f:
        for part in ("domu.cpio.gz", "iperf3.cpio.gz"):
            with open(os.path.join(IMAGES, part), "rb") as p:
                f.write(p.read())
    subprocess.run("cd root && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | "
                   "gzip -1 > ../extra.cpio.gz", shell=True, check=True, cwd=stage)
    initrd = os.path.join(stage, "dom0-bench.cpio.gz")
    with open(initrd, "wb") as f:
        for part in (os.path.join(IMAGES, "dom0.cpio.gz"), os.path.join(IMAGES, "iperf3.cpio.gz"),
                     os.path.join(stage, "extra.cpio.gz")):
            with open(part, "rb") as p:
                f.write(p.read())
    return initrd


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--profile", action="store_true",
                        help="in round 1, where tern's time goes on each path (debug key q)")
    args = parser.parse_args()
    t = args.seconds
    initrd = build_initrd()
    m = Machine("bench-net", append="dom0_mem=768M console=com1 noreboot",
                modules=[f"{IMAGES}/vmlinuz console=ttyS0", initrd], smp=2, memory="2G",
                extra_args=["-nic", "none"]).start()
    res = {k: [] for k in ("veth", "g2d", "d2g", "g2g", "ping_veth", "ping_vif")}
    cpu = []
    try:
        m.wait_for("TERN-INIT: userspace up", timeout=900)
        m.wait_for("/ # ", whole_lines=False)
        m.shell("stty -echo")
        # The veth pair between two namespaces (each held by a sleeping process).
        check(m, f"ip addr add {NET}.1/24 dev xenbr0; for ns in a b; do (unshare -n sh -c "
                 "\"echo \\$\\$ > /run/ns-$ns; exec sleep 100000\" &); done; sleep 1")
        a, b = check(m, "cat /run/ns-a /run/ns-b").split()
        # busybox's ip names the peer itself: find it by the index va points at.
        check(m, "ip link add va type veth peer name vb; peer=$(cat /sys/class/net/va/iflink); "
                 "for i in /sys/class/net/*; do [ \"$(cat $i/ifindex)\" = $peer ] && "
                 "[ ${i##*/} != vb ] && ip link set ${i##*/} name vb; done; true")
        check(m, f"ip link set va netns {a} && ip link set vb netns {b} && "
                 f"nsenter -t {a} -n sh -c 'ip link set lo up; ip addr add {VETH}.1/24 dev va; "
                 f"ip link set va up'; "
                 f"nsenter -t {b} -n sh -c 'ip link set lo up; ip addr add {VETH}.2/24 dev vb; "
                 f"ip link set vb up; iperf3 -s -D'; iperf3 -s -D -B {NET}.1")
        guests = []
        for n in (1, 2):
            name = f"bench{n}"
            put_file(m, f"/etc/xen/{name}.cfg", GUEST_CFG.format(name=name, n=n))
            check(m, f"xl create /etc/xen/{name}.cfg", timeout=900)
            wait_log(m, name, "TERN-DOMU: userspace up", timeout=900)
            g = Guest(m, name)
            g.ok(f"ip addr add {NET}.{10 + n}/24 dev eth0; ip link set eth0 up; iperf3 -s -D")
            guests.append(g)
        worker = check(m, "cat /run/tern-netback.worker.pid")
        g1 = f"{NET}.11"
        guests[1].ok(f"ping -c 3 -W 30 {g1}", timeout=300)
        check(m, f"ping -c 3 -W 30 {g1}; nsenter -t {a} -n ping -c 3 {VETH}.2")
        for r in range(args.runs):
            out, _, _ = dom0_timed(m, f"nsenter -t {a} -n iperf3 -c {VETH}.2 -t {t} -f m", worker)
            res["veth"].append(mbits(out))
            for key, option in (("g2d", "-R"), ("d2g", "")):
                before = qstats.snapshot(m) if args.profile and r == 0 else None
                out, wall, busy = dom0_timed(m, f"iperf3 -c {g1} {option} -t {t} -f m", worker)
                res[key].append(mbits(out))
                cpu.append(busy / wall)
                if before is not None:
                    qstats.report(before, qstats.snapshot(m), wall, key)
            res["g2g"].append(mbits(guests[1].ok(f"iperf3 -c {g1} -t {t} -f m", timeout=900)))
            out, _, _ = dom0_timed(m, f"nsenter -t {a} -n ping -q -c 20 -i 0.2 {VETH}.2", worker)
            res["ping_veth"].append(rtt_ms(out))
            out, _, _ = dom0_timed(m, f"ping -q -c 20 -i 0.2 {g1}", worker)
            res["ping_vif"].append(rtt_ms(out))
            print(f"round {r + 1}: veth {res['veth'][-1]:.0f}  guest->dom0 {res['g2d'][-1]:.0f}  "
                  f"dom0->guest {res['d2g'][-1]:.0f}  guest->guest {res['g2g'][-1]:.0f} Mbit/s; "
                  f"ping veth {res['ping_veth'][-1]:.3f} ms, vif {res['ping_vif'][-1]:.3f} ms",
                  flush=True)
        drops = check(m, "cat /run/tern-netback/*.stats")
    finally:
        m.kill()
    med = {k: statistics.median(v) for k, v in res.items()}
    print(f"\nbench/net ({args.runs} rounds of {t} s, medians; tern under QEMU TCG, 2 vCPUs):")
    print(f"  veth (two namespaces in dom0)  {med['veth']:8.0f} Mbit/s")
    for key, label in (("g2d", "guest -> dom0"), ("d2g", "dom0 -> guest"), ("g2g", "guest -> guest")):
        ratios = [x / v for x, v in zip(res[key], res["veth"])]
        print(f"  {label:30s} {med[key]:8.0f} Mbit/s   ratio to veth {statistics.median(ratios):.2f}"
              f" (rounds: {', '.join(f'{x:.2f}' for x in ratios)})")
    print(f"  ping round trip: veth {med['ping_veth']:.3f} ms, dom0 <-> guest "
          f"{med['ping_vif']:.3f} ms (ratio {med['ping_vif'] / med['ping_veth']:.1f})")
    print(f"  tern-netback CPU during guest <-> dom0 runs: median {100 * statistics.median(cpu):.0f} % "
          f"of dom0's one vCPU (max {100 * max(cpu):.0f} %)")
    bad = [l for l in drops.splitlines() if re.match(r"(tx_(runt|oversize|bad|tap)|rx_(stall|bad|uns)|ring)", l)
           and not l.endswith(" 0")]
    print("  backend drop counters: " + ("all zero" if not bad else "; ".join(bad)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
