"""Virtual network (issue 12), on one boot of tern with the dom0 image and
an e1000e NIC on QEMU's user network (which answers DHCP, and ICMP echo to
its gateway 10.0.2.2 itself):

- dom0 puts the NIC in xenbr0 and gets 10.0.2.15 by DHCP (/etc/init.d/xen-bridge);
- a guest with vif = [ 'bridge=xenbr0' ] gets its address by DHCP through
  the bridge, pings dom0 and the gateway, with libxl's and netfront's
  xenstore keys in place and its tap vif<domid>.0 in the bridge; a second
  guest (mac=, vifname=, two vCPUs: two queues) pings the first; bulk TCP
  both ways arrives intact;
- xl network-attach / -list / -detach on a running guest, in Xen's formats;
- a missing bridge and a failing script= fail `xl create` naming the vif
  and the reason, and leave no domain, tap or backend behind;
- the backend worker killed with SIGKILL is restarted and the guest's
  interface carries on; a paused guest (its RX ring unread) costs only its
  own frames, dropped and counted; `xl reboot` reconnects;
- a hostile frontend (the test guest hostile_netfront) has its bad packets
  dropped and counted, breaks only its own ring, and harms nobody else.

Commands reach the guests' shells through their console ptys
(domu_shell.py)."""

import os
import re

import pytest

import domu_guests
from domu_shell import Guest, log_lines, put_file, wait_log
from dom0 import IMAGE, PROMPT, USERSPACE, VMLINUZ, check, image_with, run
from qemu import Machine

DOM0_IP = "10.0.2.15"
GATEWAY = "10.0.2.2"
NET_LINE = "TERN-NET: eth0 "
BE = "/local/domain/0/backend/vif"
HOSTILE = "hostile_netfront"

CFG = """name = "{name}"
type = "pvh"
kernel = "/srv/xen/vmlinuz"
ramdisk = "/srv/xen/domu.cpio.gz"
extra = "console=hvc0"
memory = 128
vcpus = {vcpus}
vif = [ {vif} ]
on_reboot = "restart"
"""
# Where xl's messages place the vif entry: "/etc/xen/<name>.cfg:<line>".
VIF_LINE = CFG.splitlines().index("vif = [ {vif} ]") + 1


@pytest.fixture(scope="module")
def dom0(tmp_path_factory):
    if not os.path.exists(IMAGE):
        pytest.fail(f"{IMAGE} is missing: run `make images`")
    initrd = image_with(IMAGE, domu_guests.guest_files([HOSTILE]), tmp_path_factory.mktemp("net"))
    m = Machine("test_net", append="dom0_mem=768M dom0_max_vcpus=1 dom0_vcpus_pin console=com1 "
                                   "com1=115200,8n1 noreboot",
                modules=[f"{VMLINUZ} console=ttyS0", initrd], smp=2, memory="2G",
                extra_args=["-nic", "user,model=e1000e"])
    m.start()
    try:
        m.wait_for(USERSPACE)
        m.wait_for(PROMPT, whole_lines=False)
        m.shell("stty -echo")
        # Kernel messages on the console would mix into commands' output.
        m.shell("dmesg -n 1")
        yield m
    finally:
        m.kill()


def create(m, name, vif, expect_ok=True, vcpus=1):
    """xl create of a guest from the dom0 image's kernel and initramfs."""
    check(m, f"rm -f /var/log/xen/console/guest-{name}.log")
    put_file(m, f"/etc/xen/{name}.cfg", CFG.format(name=name, vif=vif, vcpus=vcpus))
    status, out = run(m, f"xl create /etc/xen/{name}.cfg 2>&1", timeout=600)
    assert (status == 0) == expect_ok, f"xl create {name}: {status}\n{out}"
    return out


def address(m, name, count=1):
    """The guest's DHCP address, once it has one (count: the how-manyth lease)."""
    wait_log(m, name, NET_LINE, count)
    return re.findall(r"TERN-NET: eth0 ([\d.]+)/", log_lines(m, name, NET_LINE))[-1]


def xs(m, path):
    status, out = run(m, f"xenstore-read {path}")
    return out.strip() if status == 0 else None


def stats(m, ifname):
    out = check(m, f"cat /run/tern-netback/{ifname}.stats")
    return {k: int(v) for k, v in re.findall(r"^(\w+) (\d+)$", out, re.M)}


def domid(m, name):
    return int(check(m, f"xl domid {name}"))


def test_dom0_bridge_holds_the_nic_and_reaches_the_gateway(dom0):
    m = dom0
    assert "xen-bridge: xenbr0 up (ports: eth0; address: dhcp)" in m.output
    check(m, "/etc/init.d/xencommons status | grep -q 'tern-netback is running'")
    assert check(m, "ls /sys/class/net/xenbr0/brif") == "eth0"
    check(m, f"i=0; until ip addr show xenbr0 | grep -q 'inet {DOM0_IP}/24'; do "
             "i=$((i+1)); [ $i -gt 120 ] && break; sleep 1; done; ip addr show xenbr0 | "
             f"grep 'inet {DOM0_IP}/24'")
    # QEMU's user network answers echo to its gateway itself.
    check(m, f"ping -c 2 -W 10 {GATEWAY}")


def test_guest_gets_an_address_and_pings_dom0_and_gateway(dom0):
    m = dom0
    create(m, "net1", "'bridge=xenbr0'")
    ip = address(m, "net1")
    assert ip.startswith("10.0.2.") and ip != DOM0_IP, ip
    d = domid(m, "net1")
    be, fe = f"{BE}/{d}/0", f"/local/domain/{d}/device/vif/0"
    mac = xs(m, f"{be}/mac")
    assert re.fullmatch(r"00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}", mac), mac
    assert xs(m, f"{fe}/mac") == mac
    for key, want in {"bridge": "xenbr0", "handle": "0", "type": "vif", "state": "4",
                      "hotplug-status": "connected", "feature-rx-copy": "1", "feature-sg": "1",
                      "feature-gso-tcpv4": "1", "feature-split-event-channels": "1",
                      "script": "/etc/xen/scripts/vif-bridge"}.items():
        assert xs(m, f"{be}/{key}") == want, key
    for key, want in {"state": "4", "request-rx-copy": "1", "handle": "0", "mtu": "1500",
                      "trusted": "1"}.items():
        assert xs(m, f"{fe}/{key}") == want, key
    # Its interface in dom0, named as Xen names it, in the bridge.
    brif = check(m, "ls /sys/class/net/xenbr0/brif").split()
    assert f"vif{d}.0" in brif, brif
    assert check(m, f"cat /sys/class/net/vif{d}.0/address") == "fe:ff:ff:ff:ff:ff"
    g = Guest(m, "net1")
    assert mac in g.ok("cat /sys/class/net/eth0/address")
    g.ok(f"ping -c 3 -W 20 {DOM0_IP}", timeout=300)
    g.ok(f"ping -c 3 -W 20 {GATEWAY}", timeout=300)
    check(m, f"ping -c 3 -W 20 {ip}")
    s = stats(m, f"vif{d}.0")
    assert s["tx_packets"] > 0 and s["rx_packets"] > 0, s
    assert sum(v for k, v in s.items() if k not in ("tx_packets", "tx_bytes", "rx_packets",
                                                     "rx_bytes", "tx_rate_waits")) == 0, s
    # Xen's network-list.
    out = check(m, "xl network-list net1")
    assert out.splitlines()[0].split() == ["Idx", "BE", "Mac", "Addr.", "handle", "state",
                                           "evt-ch", "tx-/rx-ring-ref", "BE-path"], out
    row = out.splitlines()[1].split()
    assert row[:5] == ["0", "0", mac, "0", "4"] and row[-1] == be, out


def test_two_guests_on_the_bridge_and_bulk_tcp_both_ways(dom0):
    m = dom0
    # Two vCPUs: netfront opens a queue per vCPU, each a queue of the tap.
    create(m, "net2", "'mac=00:16:3e:00:00:22,vifname=web0,bridge=xenbr0'", vcpus=2)
    ip2 = address(m, "net2")
    ip1 = address(m, "net1")
    assert "web0" in check(m, "ls /sys/class/net/xenbr0/brif").split()
    fe2 = f"/local/domain/{domid(m, 'net2')}/device/vif/0"
    assert xs(m, f"{fe2}/multi-queue-num-queues") == "2"
    assert xs(m, f"{fe2}/queue-1/tx-ring-ref") is not None
    assert "queues 2" in check(m, "head -1 /run/tern-netback/web0.stats")
    g1, g2 = Guest(m, "net1"), Guest(m, "net2")
    assert "00:16:3e:00:00:22" in g2.ok("cat /sys/class/net/eth0/address")
    g2.ok(f"ping -c 3 -W 20 {ip1}", timeout=300)
    g1.ok(f"ping -c 3 -W 20 {ip2}", timeout=300)
    # 4 MiB each way over TCP (segmentation offload in both directions), intact.
    check(m, "dd if=/dev/urandom of=/tmp/blob bs=64k count=64 2>/dev/null; md5sum /tmp/blob")
    want = check(m, "md5sum < /tmp/blob").split()[0]
    # Listeners read from a pipe that stays open: busybox nc ends the
    # connection when its stdin ends.
    check(m, "(sleep 900 | nc -l -p 5001 > /tmp/from-guest &) ; sleep 1")
    g1.ok(f"dd if=/dev/zero bs=64k count=64 2>/dev/null | nc {DOM0_IP} 5001", timeout=600)
    check(m, "i=0; while [ $(stat -c %s /tmp/from-guest) -lt 4194304 ] && [ $i -lt 300 ]; do "
             "i=$((i+1)); sleep 1; done")
    assert check(m, "stat -c %s /tmp/from-guest") == "4194304"
    assert check(m, "tr -d '\\000' < /tmp/from-guest | wc -c") == "0"
    g1.ok("(sleep 900 | nc -l -p 5002 > /tmp/from-dom0 &) ; sleep 1")
    check(m, f"nc {ip1} 5002 < /tmp/blob", timeout=600)
    got = g1.ok("i=0; while [ $(stat -c %s /tmp/from-dom0) -lt 4194304 ] && [ $i -lt 300 ]; do "
                "i=$((i+1)); sleep 1; done; md5sum < /tmp/from-dom0")
    assert want in got, (want, got)


def test_network_attach_list_detach(dom0):
    m = dom0
    d = domid(m, "net1")
    g = Guest(m, "net1")
    check(m, "xl network-attach net1 bridge=xenbr0 mac=00:16:3e:00:01:01")
    g.ok("i=0; until [ -d /sys/class/net/eth1 ]; do i=$((i+1)); [ $i -gt 120 ] && break; "
         "sleep 1; done; cat /sys/class/net/eth1/address", timeout=300)
    check(m, f"i=0; until [ \"$(xenstore-read {BE}/{d}/1/state)\" = 4 ]; do i=$((i+1)); "
             "[ $i -gt 120 ] && break; sleep 1; done")
    out = check(m, "xl network-list net1").splitlines()
    assert len(out) == 3 and out[2].split()[2] == "00:16:3e:00:01:01", out
    assert f"vif{d}.1" in check(m, "ls /sys/class/net/xenbr0/brif").split()
    # By MAC, as Xen allows; the guest lets go and the tap goes.
    check(m, "xl network-detach net1 00:16:3e:00:01:01", timeout=300)
    assert len(check(m, "xl network-list net1").splitlines()) == 2
    check(m, f"i=0; while [ -d /sys/class/net/vif{d}.1 ] && [ $i -lt 60 ]; do i=$((i+1)); "
             f"sleep 1; done; ! [ -d /sys/class/net/vif{d}.1 ]")
    g.ok("i=0; while [ -d /sys/class/net/eth1 ] && [ $i -lt 60 ]; do i=$((i+1)); sleep 1; "
         "done; ! [ -d /sys/class/net/eth1 ]", timeout=300)
    status, out = run(m, "xl network-detach net1 7")
    assert status == 1 and "Unknown device 7." in out, out


def nothing_left(m, out):
    """The domain id xl create gave up on, and what of it is left: none."""
    failed = re.search(r"Domain (\d+): cannot add vif", out)
    assert failed, out
    d = failed.group(1)
    assert run(m, f"xenstore-read /local/domain/{d}/name")[0] != 0
    status, out = run(m, f"xenstore-list {BE}/{d}")
    assert status != 0 or not out.strip(), out
    check(m, f"i=0; while [ -d /sys/class/net/vif{d}.0 ] && [ $i -lt 30 ]; do i=$((i+1)); "
             f"sleep 1; done; ! [ -d /sys/class/net/vif{d}.0 ]")
    assert not re.search(r"^bad\s", check(m, "xl list"), re.M)


def test_missing_bridge_or_failing_script_fails_create_and_leaves_nothing(dom0):
    m = dom0
    out = create(m, "bad", "'bridge=xenbr9'", expect_ok=False)
    assert "Could not find bridge device xenbr9" in out, out
    assert f"cannot add vif 'bridge=xenbr9' (/etc/xen/bad.cfg:{VIF_LINE})" in out, out
    nothing_left(m, out)
    check(m, "printf '#!/bin/sh\\nxenstore-write $XENBUS_PATH/hotplug-error \"no uplink today\" "
             "$XENBUS_PATH/hotplug-status error\\nexit 1\\n' > /etc/xen/scripts/vif-fail; "
             "chmod 755 /etc/xen/scripts/vif-fail")
    out = create(m, "bad", "'bridge=xenbr0,script=vif-fail'", expect_ok=False)
    assert "no uplink today" in out and "vif-fail online exited with status 1" in out, out
    nothing_left(m, out)
    # A vifname dom0 already uses is refused before anything is built.
    out = create(m, "bad", "'vifname=eth0'", expect_ok=False)
    assert "vif 'vifname=eth0': vifname eth0: dom0 has an interface of that name" in out, out
    assert "bad" not in check(m, "xl list")


def test_backend_restart_and_a_stalled_guest_affect_nobody_else(dom0):
    m = dom0
    ip2 = address(m, "net2")
    g1 = Guest(m, "net1")
    worker = check(m, "cat /run/tern-netback.worker.pid")
    check(m, f"kill -9 {worker}")
    check(m, f"i=0; until [ -s /run/tern-netback.worker.pid ] && [ \"$(cat /run/tern-netback."
             f"worker.pid)\" != {worker} ]; do i=$((i+1)); [ $i -gt 60 ] && break; sleep 1; done")
    log = check(m, "cat /var/log/xen/netback.log")
    assert "killed by signal 9" in log and "re-attached" in log, log
    g1.ok(f"ping -c 3 -W 20 {DOM0_IP}", timeout=300)
    check(m, f"ping -c 3 -W 20 {ip2}")
    # net2 stops reading its RX ring: frames for it are dropped and counted,
    # net1 carries on.
    mac2 = xs(m, f"{BE}/{domid(m, 'net2')}/0/mac")
    check(m, f"xl pause net2; arp -s {ip2} {mac2}")
    run(m, f"ping -q -c 600 -i 0.01 -s 1000 {ip2}", timeout=600)
    check(m, "sleep 3")
    s = stats(m, "web0")
    assert s["rx_stall_dropped"] > 0, s
    g1.ok(f"ping -c 3 -W 20 {DOM0_IP}", timeout=300)
    assert "carrier off" in check(m, "cat /var/log/xen/netback.log")
    check(m, f"xl unpause net2; arp -d {ip2}")
    Guest(m, "net2").ok(f"ping -c 3 -W 30 {DOM0_IP}", timeout=300)
    assert stats(m, "web0")["ring_broken"] == 0


# What hostile_netfront's bad packets add to its vif's counters.
HOSTILE_DROPS = {"tx_runt": 2, "tx_oversize": 1, "tx_bad_slots": 3, "tx_bad_extra": 1,
                 "tx_bad_gso_info": 1, "tx_bad_gso": 1, "tx_bad_csum": 1, "tx_bad_grant": 1,
                 "ring_broken": 1}


def test_hostile_frontend_is_dropped_and_counted_and_harms_nobody(dom0):
    """The guest checks the answers itself (tests/guests/hostile_netfront);
    here: each bad packet counted once under its reason, the worker not
    restarted, and another guest's traffic carries on."""
    m = dom0
    if run(m, "xl list net1")[0] != 0:
        create(m, "net1", "'bridge=xenbr0'")
        address(m, "net1")
    worker = check(m, "cat /run/tern-netback.worker.pid").strip()
    domid = domu_guests.create(m, f"{domu_guests.GUEST_DIR}/{HOSTILE}.cfg", "-p",
                               'vif=["bridge=xenbr0"]')
    outcome, reason, console = domu_guests.unpause_and_wait_result(m, domid)
    assert outcome == "SUCCESS", f"{outcome} {reason}\n{console[-5000:]}"
    check(m, "sleep 2")  # the counters file is rewritten at most once a second
    s = stats(m, f"vif{domid}.0")
    assert {k: s[k] for k in HOSTILE_DROPS} == HOSTILE_DROPS, s
    assert s["rx_bad_grant"] >= 1 and s["tx_packets"] >= 4, s
    assert check(m, "cat /run/tern-netback.worker.pid").strip() == worker, \
        check(m, "tail -n 20 /var/log/xen/netback.log")
    check(m, f"xl destroy {domid}")
    Guest(m, "net1").ok(f"ping -c 3 -W 20 {DOM0_IP}", timeout=300)


def test_reboot_reconnects_and_destroy_leaves_nothing(dom0):
    m = dom0
    ip = address(m, "net1")
    old = domid(m, "net1")
    mac = xs(m, f"{BE}/{old}/0/mac")
    check(m, "xl reboot net1")
    assert address(m, "net1", count=2) == ip  # the same MAC, so the same lease
    new = domid(m, "net1")
    assert new != old and xs(m, f"{BE}/{new}/0/mac") == mac
    check(m, f"ping -c 3 -W 30 {ip}")
    check(m, "xl destroy net1; xl destroy net2")
    check(m, "i=0; while ls /sys/class/net | grep -q '^vif\\|^web0'; do i=$((i+1)); "
             "[ $i -gt 30 ] && break; sleep 1; done")
    assert check(m, "ls /sys/class/net/xenbr0/brif") == "eth0"
    status, out = run(m, f"xenstore-list {BE}")
    assert status != 0 or not out.strip(), out
    assert not check(m, "ls /run/tern-netback/").strip()
