"""Virtual disks (issue 11), on one boot of tern with the dom0 image and a
virtio disk of dom0's (two partitions, the second ext4) for phy: disks:

- the sample guest boots Debian's kernel from its disk (root=/dev/xvda1 on
  a partitioned ext4 image served by tern-blkback), writes a file, is shut
  down and created again, and the file is still there;
- Xen's safety rules: a missing file or a non-raw format fails `xl create`
  naming the disk line, a disk in use read-write by one guest is refused to
  another, a device mounted in dom0 is refused, and nothing is left behind;
- `xl block-attach`/`-detach`/`-list` on a running guest with a file, a
  read-only file, a partition, a loop device and an LVM volume, data checked
  on both sides;
- data integrity: what the guest wrote with O_DIRECT and through its page
  cache and synced is in the image after `xl destroy` without shutdown;
- a hostile frontend (the test guest hostile_blkfront) gets an error for
  every bad request, breaks only its own ring, and harms nobody else;
- the backend worker killed with SIGKILL under load is restarted, re-attaches,
  and the guest goes on with every synced write in place.

Commands reach the guest's shell by writing to its console's pty (the
tty xenconsoled publishes in xenstore); its answers are read from
xenconsoled's log of that console."""

import os
import re
import subprocess

import pytest

import domu_guests
import domu_shell
from dom0 import IMAGE, PROMPT, USERSPACE, VMLINUZ, check, image_with, run
from domu_shell import LOG, log_lines, wait_log
from qemu import Machine, TIMEOUT_SCALE

ROOT_LINE = "TERN-DOMU: root file system on /dev/xvda1"
DOMU_UP = "TERN-DOMU: userspace up"
HOSTILE = "hostile_blkfront"
HOSTILE_MAGIC = "tern hostile blkfront disk"  # what the guest expects at sector 0
HOSTILE_WRITTEN = "written by hostile_blkfront"  # what it writes at sector 16


def make_virtio_disk(path):
    """64 MiB: partition 1 (16 MiB, raw data), partition 2 (ext4)."""
    subprocess.run(["truncate", "-s", "64M", path], check=True)
    subprocess.run(["/usr/sbin/sfdisk", "-q", path], check=True,
                   input=b"label: dos\nstart=2048, size=32768, type=83\nstart=34816, type=83\n")
    part = path + ".p2"
    subprocess.run(["truncate", "-s", str((131072 - 34816) * 512), part], check=True)
    subprocess.run(["/usr/sbin/mkfs.ext4", "-q", "-F", part], check=True)
    subprocess.run(["dd", f"if={part}", f"of={path}", "bs=512", "seek=34816", "conv=notrunc",
                    "status=none"], check=True)
    os.unlink(part)


@pytest.fixture(scope="module")
def dom0(tmp_path_factory):
    if not os.path.exists(IMAGE):
        pytest.fail(f"{IMAGE} is missing: run `make images`")
    tmp = tmp_path_factory.mktemp("blk")
    disk = str(tmp / "virtio.img")
    make_virtio_disk(disk)
    elf = os.path.join(domu_guests.GUEST_BIN, HOSTILE + ".elf")
    assert os.path.exists(elf), f"{elf} is missing: run `make guests`"
    with open(elf, "rb") as f:
        initrd = image_with(IMAGE, {
            f"root/guests/{HOSTILE}.elf": (0o100644, f.read()),
            f"root/guests/{HOSTILE}.cfg": (0o100644, domu_guests.guest_config(HOSTILE).encode()),
        }, tmp)
    m = Machine("test_blk", append="dom0_mem=768M dom0_max_vcpus=1 dom0_vcpus_pin console=com1 "
                                   "com1=115200,8n1 noreboot",
                modules=[f"{VMLINUZ} console=ttyS0 quiet", initrd], smp=2, memory="2G",
                extra_args=["-drive", f"file={disk},format=raw,if=virtio"])
    m.start()
    try:
        m.wait_for(USERSPACE)
        m.wait_for(PROMPT, whole_lines=False)
        m.shell("stty -echo")
        yield m
    finally:
        m.kill()


class Guest(domu_shell.Guest):
    def wait_disk(self, vdev):
        """Waits for /dev/<vdev> in the guest (blkfront connected it)."""
        self.ok(f"i=0; until [ -b /dev/{vdev} ]; do i=$((i+1)); [ $i -gt 300 ] && break; "
                f"sleep 0.2; done; [ -b /dev/{vdev} ]")


def create_sample(m, *overrides, expect_boot=True):
    args = " ".join(f"'{o}'" for o in overrides)
    check(m, f"rm -f {LOG.format('sample')}; xl create /etc/xen/sample.cfg {args}")
    if expect_boot:
        wait_log(m, "sample", DOMU_UP)
        assert ROOT_LINE in log_lines(m, "sample", "TERN-DOMU: root")
    return Guest(m, "sample")


def md5(out):
    """The md5 sum in a command's output (dom0's kernel may print around it)."""
    found = re.search(r"\b([0-9a-f]{32})\b", out)
    assert found, out
    return found.group(1)


def xs_keys(m, path, keys):
    """{key: value} of several keys of a xenstore directory (one command, each
    answer on a tagged line: the console can mix a stray prompt into output)."""
    out = check(m, f"for k in {' '.join(keys)}; do echo \"XS:$k=$(xenstore-read {path}/$k)\"; done")
    return dict(re.findall(r"^XS:([^=]+)=(.*)$", out, re.M))


def backends(m, domid=None):
    path = "/local/domain/0/backend/vbd" + (f"/{domid}" if domid is not None else "")
    status, out = run(m, f"xenstore-list {path} 2>/dev/null")
    return out.split() if status == 0 else []


def test_sample_guest_boots_from_its_disk_and_keeps_a_file(dom0):
    m = dom0
    g = create_sample(m)
    domid = check(m, "xl domid sample").strip()
    be = f"/local/domain/0/backend/vbd/{domid}/51712"
    fe = f"/local/domain/{domid}/device/vbd/51712"
    # What blkfront reads, and what a PVH guest needs on its frontend node.
    want = {"feature-max-indirect-segments": "256", "multi-queue-max-queues": "4",
            "max-ring-page-order": "4", "feature-flush-cache": "1", "sector-size": "512",
            "sectors": "131072", "info": "0", "state": "4", "hotplug-status": "connected",
            "type": "phy", "mode": "w", "dev": "xvda", "feature-persistent": ""}
    assert xs_keys(m, be, want) == want
    want = {"virtual-device": "51712", "device-type": "disk", "state": "4", "backend": be}
    assert xs_keys(m, fe, want) == want
    listing = check(m, "xl block-list sample").splitlines()
    assert listing[0].rstrip() == "Vdev  BE  handle state evt-ch ring-ref BE-path"
    assert re.match(rf"^51712 0   {domid:<6} 4     \d+\s+\d+\s+{be}\s*$", listing[1]), listing

    g.ok("echo tern-was-here > /root/persist && sync")
    out = check(m, "xl shutdown -w sample", timeout=600)
    assert "has been" in out, out
    for _ in range(int(120 * TIMEOUT_SCALE)):
        if run(m, "xl list sample")[0] != 0:
            break
        check(m, "sleep 1")
    assert backends(m, domid) == []
    g = create_sample(m)
    assert "tern-was-here" in g.ok("cat /root/persist")


def test_safety_rules_and_nothing_left_behind(dom0):
    m = dom0
    if run(m, "xl list sample")[0] != 0:
        create_sample(m)
    before = backends(m)
    free0 = check(m, "xl info free_memory").strip()
    check(m, "cat /etc/xen/sample.cfg > /root/other.cfg && "
             "sed -i 's/^name = .*/name = \"other\"/' /root/other.cfg && "
             "printf 'disk = [ \"file:/root/nope.img,xvda,w\" ]\\n' > /root/missing.cfg && "
             "grep -v '^disk' /root/other.cfg >> /root/missing.cfg && "
             "printf 'disk = [ \"/srv/xen/sample-disk.img,qcow2,xvda,w\" ]\\n' > /root/qcow.cfg && "
             "grep -v '^disk' /root/other.cfg >> /root/qcow.cfg")
    # A missing file: named with its file, line and disk line, before anything is built.
    status, out = run(m, "xl create /root/missing.cfg")
    # (3: xl's exit status for a create that failed, as Xen's xl gives)
    assert status == 3, out
    assert ("libxl: error: /root/missing.cfg:1: disk 'file:/root/nope.img,xvda,w': cannot use "
            "/root/nope.img: No such file or directory") in out, out
    # Formats other than raw say how to convert.
    status, out = run(m, "xl create /root/qcow.cfg")
    assert status == 3 and "format qcow2 is not supported" in out and "qemu-img convert" in out, out
    # The sample disk is in use read-write by "sample": refused to "other".
    status, out = run(m, "xl create /root/other.cfg")
    assert status == 3, out
    assert "File /srv/xen/sample-disk.img is already in use" in out, out
    assert run(m, "xl list other")[0] == 1
    # A device mounted in dom0 is refused too.
    check(m, "mkdir -p /mnt/p2 && mount -t ext4 /dev/vda2 /mnt/p2")
    status, out = run(m, "xl block-attach sample phy:/dev/vda2,xvdd,w")
    assert status == 1 and "is mounted in the privileged domain" in out, out
    assert "libxl_device_disk_add failed." in out
    check(m, "umount /mnt/p2")
    # Nothing left behind: no domain, no backend, no leftover memory.
    assert backends(m) == before
    assert check(m, f"xenstore-list /local/domain/0/backend/vbd/{check(m, 'xl domid sample').strip()}"
                 ).split() == ["51712"]
    # (give or take the page-table pages dom0 keeps after mapping a ring: test_lifecycle)
    assert int(free0) - 1 <= int(check(m, "xl info free_memory").strip()) <= int(free0)
    status, out = run(m, "xl block-detach sample xvdz")
    assert status == 1 and "Error: Device xvdz not connected." in out, out


def test_block_attach_detach_file_ro_partition_loop(dom0):
    m = dom0
    if run(m, "xl list sample")[0] != 0:
        create_sample(m)
    g = Guest(m, "sample")
    # A file, written by the guest with O_DIRECT, read back in dom0.
    check(m, "dd if=/dev/zero of=/root/extra.img bs=1M count=16 2>/dev/null")
    check(m, "xl block-attach sample file:/root/extra.img,xvdb,w")
    g.wait_disk("xvdb")
    g.ok("cat /sys/block/xvdb/size")
    out = g.ok("dd if=/dev/urandom of=/tmp/pat bs=1M count=4 2>/dev/null && "
               "dd if=/tmp/pat of=/dev/xvdb bs=1M oflag=direct 2>/dev/null && md5sum /tmp/pat")
    guest_md5 = re.search(r"^([0-9a-f]{32})  /tmp/pat", out, re.M).group(1)
    assert md5(check(m, "dd if=/root/extra.img bs=1M count=4 2>/dev/null | md5sum")) == guest_md5
    # Read-only, in the key=value form: the guest sees it so and cannot write.
    check(m, "dd if=/dev/zero of=/root/ro.img bs=1M count=4 2>/dev/null")
    check(m, "xl block-attach sample vdev=xvdc access=ro devtype=disk target=/root/ro.img")
    assert xs_keys(m, "/local/domain/0/backend/vbd/$(xl domid sample)/51744", ["mode"]) == \
        {"mode": "r"}
    g.wait_disk("xvdc")
    out = g.ok("cat /sys/block/xvdc/ro")
    assert out.strip().endswith("1"), out
    status, _ = g.sh("dd if=/tmp/pat of=/dev/xvdc bs=1M count=1 oflag=direct 2>/dev/null")
    assert status != 0
    # A partition of dom0's disk (phy:), filled in dom0, read by the guest.
    pmd5 = md5(check(m, "dd if=/dev/urandom of=/dev/vda1 bs=1M count=2 2>/dev/null && sync && "
                    "dd if=/dev/vda1 bs=1M count=2 2>/dev/null | md5sum"))
    check(m, "xl block-attach sample phy:/dev/vda1,xvde,r")
    g.wait_disk("xvde")
    out = g.ok("dd if=/dev/xvde bs=1M count=2 2>/dev/null | md5sum")
    assert pmd5 in out, out
    # A loop device (any block device is a block device).
    check(m, "dd if=/dev/zero of=/root/loop.img bs=1M count=8 2>/dev/null")
    loop = check(m, "losetup -f").strip()
    check(m, f"losetup {loop} /root/loop.img")
    check(m, f"xl block-attach sample phy:{loop},xvdf,w")
    g.wait_disk("xvdf")
    g.ok("dd if=/tmp/pat of=/dev/xvdf bs=1M count=1 oflag=direct 2>/dev/null")
    assert md5(check(m, f"dd if={loop} bs=1M count=1 2>/dev/null | md5sum")) == \
        md5(g.ok("dd if=/tmp/pat bs=1M count=1 2>/dev/null | md5sum"))
    # An LVM logical volume (on a physical volume on a second loop device).
    check(m, "dd if=/dev/zero of=/root/pv.img bs=1M count=32 2>/dev/null")
    pv = check(m, "losetup -f").strip()
    check(m, f"losetup {pv} /root/pv.img && pvcreate -q {pv} && vgcreate -q vg0 {pv} && "
             "lvcreate -q -L 8M -n guest1 vg0 && test -b /dev/vg0/guest1")
    check(m, "xl block-attach sample phy:/dev/vg0/guest1,xvdg,w")
    g.wait_disk("xvdg")
    g.ok("dd if=/tmp/pat of=/dev/xvdg bs=1M count=1 oflag=direct 2>/dev/null")
    assert md5(check(m, "dd if=/dev/vg0/guest1 bs=1M count=1 2>/dev/null | md5sum")) == \
        md5(g.ok("dd if=/tmp/pat bs=1M count=1 2>/dev/null | md5sum"))
    listing = check(m, "xl block-list sample")
    for devid in ("51712", "51728", "51744", "51776", "51792", "51808"):
        assert re.search(rf"^{devid} ", listing, re.M), listing
    # Detach: the guest lets go, the devices are gone on both sides.
    for vdev in ("xvdb", "xvdc", "xvde", "xvdf", "xvdg"):
        check(m, f"xl block-detach sample {vdev}")
    g.ok("i=0; while [ -b /dev/xvdb ] || [ -b /dev/xvdf ]; do i=$((i+1)); [ $i -gt 300 ] && break; "
         "sleep 0.2; done")
    assert not re.search(r"xvd[b-g]", g.ok("ls /sys/block")), "detached disks still in the guest"
    assert re.findall(r"^(\d+) ", check(m, "xl block-list sample"), re.M) == ["51712"]
    check(m, f"losetup -d {loop} && vgchange -q -an vg0 && losetup -d {pv}")


def worker_pid(m):
    return re.findall(r"^\d+$", check(m, "cat /run/tern-blkback.worker.pid"), re.M)[-1]


def test_hostile_frontend_gets_errors_and_harms_nobody(dom0):
    """The guest checks each answer itself (tests/guests/hostile_blkfront);
    here: the worker was not restarted, its log names the broken ring, the
    good write reached the image, and the sample guest's disk works on."""
    m = dom0
    if run(m, "xl list sample")[0] != 0:
        create_sample(m)
    check(m, "dd if=/dev/zero of=/root/hostile-a.img bs=1M count=4 2>/dev/null && "
             f"printf '{HOSTILE_MAGIC}' | dd of=/root/hostile-a.img conv=notrunc 2>/dev/null && "
             "dd if=/dev/zero of=/root/hostile-b.img bs=1M count=1 2>/dev/null")
    worker = worker_pid(m)
    domid = domu_guests.create(m, f"{domu_guests.GUEST_DIR}/{HOSTILE}.cfg", "-p",
                               'disk=["file:/root/hostile-a.img,xvda,w",'
                               '"file:/root/hostile-b.img,xvdb,r"]')
    # tern prints the guest's lines from the guest's pCPU onto the serial
    # line dom0's shell writes to, character against character: the shell
    # stays quiet from the unpause (a second after its prompt) until the
    # guest has stopped.
    start = len(m.output)
    check(m, f"(sleep 1; xl unpause {domid}) >/dev/null 2>&1 & sleep 0")
    result = m.wait_for(rf"^\(tern\) \(d{domid}\) Test result: (\w+)(.*)$", start=start,
                        timeout=300)
    m.wait_for(rf"^\(tern\) Domain {domid} shut down", start=start)
    assert result.group(1) == "SUCCESS", result.group(0) + "\n" + m.output[start:][-5000:]
    assert worker_pid(m) == worker, "tern-blkback's worker died: " + \
        check(m, "tail -n 20 /var/log/xen/blkback.log")
    log = check(m, "tail -n 40 /var/log/xen/blkback.log")
    assert re.search(rf"backend/vbd/{domid}/51712 queue 0: the frontend's ring indexes are "
                     r"impossible", log), log
    written = check(m, "dd if=/root/hostile-a.img bs=512 skip=16 count=1 2>/dev/null | "
                       "tr -d '\\000'; echo")
    assert HOSTILE_WRITTEN in written, written
    check(m, f"xl destroy {domid}")
    assert backends(m, domid) == []
    domu_guests.assert_host_healthy(m)
    assert "after-hostile" in Guest(m, "sample").ok(
        "echo after-hostile > /root/after-hostile && sync && cat /root/after-hostile")


def test_synced_data_survives_destroy_without_shutdown(dom0):
    m = dom0
    if run(m, "xl list sample")[0] != 0:
        create_sample(m)
    g = Guest(m, "sample")
    check(m, "dd if=/dev/zero of=/root/int.img bs=1M count=16 2>/dev/null")
    check(m, "xl block-attach sample /root/int.img,raw,xvdb,w")
    g.wait_disk("xvdb")
    # 4 MiB with O_DIRECT at 0, 4 MiB through the page cache at 8 MiB, then sync.
    out = g.ok("dd if=/dev/urandom of=/tmp/a bs=1M count=4 2>/dev/null && "
               "dd if=/dev/urandom of=/tmp/b bs=1M count=4 2>/dev/null && "
               "dd if=/tmp/a of=/dev/xvdb bs=1M oflag=direct 2>/dev/null && "
               "dd if=/tmp/b of=/dev/xvdb bs=1M seek=8 2>/dev/null && sync && md5sum /tmp/a /tmp/b")
    a = re.search(r"^([0-9a-f]{32})  /tmp/a", out, re.M).group(1)
    b = re.search(r"^([0-9a-f]{32})  /tmp/b", out, re.M).group(1)
    check(m, "xl destroy sample")
    assert md5(check(m, "dd if=/root/int.img bs=1M count=4 2>/dev/null | md5sum")) == a
    assert md5(check(m, "dd if=/root/int.img bs=1M skip=8 count=4 2>/dev/null | md5sum")) == b
    assert backends(m) == []


def test_backend_killed_under_load_comes_back(dom0):
    m = dom0
    if run(m, "xl list sample")[0] == 0:
        check(m, "xl destroy sample")
    g = create_sample(m)
    check(m, "dd if=/dev/zero of=/root/load.img bs=1M count=48 2>/dev/null")
    check(m, "xl block-attach sample /root/load.img,raw,xvdb,w")
    g.wait_disk("xvdb")
    g.ok("dd if=/dev/urandom of=/tmp/pat bs=1M count=1 2>/dev/null")
    # 40 synced 1 MiB writes in the background, each reported when synced.
    g.ok("(for i in $(seq 1 40); do dd if=/tmp/pat of=/dev/xvdb bs=64k count=16 seek=$((i*16)) "
         "oflag=direct conv=fsync 2>/dev/null && echo LOAD-WROTE-$i || echo LOAD-FAILED-$i; done; "
         "echo LOAD-DONE-$i) & sleep 0")
    wait_log(m, "sample", "LOAD-WROTE-5")
    worker = worker_pid(m)
    check(m, f"kill -9 {worker}")
    # (a pattern the guest's echo of the command line does not hold)
    wait_log(m, "sample", "LOAD-DONE-40")
    text = log_lines(m, "sample", "LOAD-")
    log = check(m, "tail -n 20 /var/log/xen/blkback.log")
    assert f"worker (pid {worker}) killed by signal 9" in log, log
    assert re.search(r"backend/vbd/\d+/51728: re-attached", log), log[-2000:]
    new_worker = re.findall(r"^\d+$", check(m, "cat /run/tern-blkback.worker.pid"), re.M)
    assert new_worker and new_worker[-1] != worker
    # Every write the guest saw synced is in the file.
    pat = md5(g.ok("md5sum /tmp/pat"))
    wrote = [int(n) for n in re.findall(r"LOAD-WROTE-(\d+)$", text, re.M)]
    # Requests in flight at the kill are carried out again: none fails.
    assert wrote == list(range(1, 41)), text[-3000:] + "\n" + \
        check(m, "tail -n 30 /var/log/xen/blkback.log")
    # (dom0's kernel messages share the console: take the sums alone)
    sums = re.findall(r"([0-9a-f]{32})  -", check(
        m, "for i in $(seq 1 40); do dd if=/root/load.img bs=64k count=16 skip=$((i*16)) "
           "2>/dev/null | md5sum; done"))
    assert len(sums) == 40, sums
    for i in wrote:
        assert sums[i - 1] == pat, f"synced write {i} lost"
    # The guest goes on with its root disk and the new worker.
    assert "after-kill" in g.ok("echo after-kill > /root/after && sync && cat /root/after")
    check(m, "xl destroy sample")
    assert backends(m) == []
