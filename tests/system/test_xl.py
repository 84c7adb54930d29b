"""The dom0 tools on tern (issue 4): Debian's kernel as dom0 in Xen HVM mode,
its /dev/xen devices, and `xl info`, `xl list`, `xl dmesg` in Xen's formats
(docs/toolstack.md), plus a hypercall fuzz run from dom0 that
must leave the hypervisor and dom0 alive.

dom0 boots the test initramfs with build/dist appended
(build/images/dom0-tools.cpio.gz)."""

import json
import os
import re

from dom0 import TOOLS_IMAGE, XL, boot, check, run

HCFUZZ = "/usr/lib/tern/tests/hcfuzz"

INFO_FIELDS = [
    "host", "release", "version", "machine", "nr_cpus", "max_cpu_id", "nr_nodes",
    "cores_per_socket", "threads_per_core", "cpu_mhz", "hw_caps", "virt_caps",
    "total_memory", "free_memory", "sharing_freed_memory", "sharing_used_memory",
    "outstanding_claims", "free_cpus", "xen_major", "xen_minor", "xen_extra",
    "xen_version", "xen_caps", "xen_scheduler", "xen_pagesize", "platform_params",
    "xen_changeset", "xen_commandline", "cc_compiler", "cc_compile_by",
    "cc_compile_domain", "cc_compile_date", "build_id", "xend_config_format",
]
LIST_HEADER = "Name                                        ID   Mem VCPUs\tState\tTime(s)"


def xen_dom0(machine):
    """Boots tern with dom0 and the tools; dom0 must run in Xen mode."""
    m = boot(machine, TOOLS_IMAGE)
    hv_type = run(m, "cat /sys/hypervisor/type")[1].strip()
    assert "Hypervisor detected: Xen HVM" in m.output
    assert hv_type == "xen", f"/sys/hypervisor/type reads {hv_type!r}"
    check(m, f"test -x {XL} && test -x {HCFUZZ}")
    return m


def info_fields(out):
    """`xl info` lines as (name, value), checking the `%-23s: ` layout."""
    fields = []
    for line in out.splitlines():
        if line.startswith("virt_caps") and line.rstrip() == "virt_caps              :":
            fields.append(("virt_caps", ""))
            continue
        assert len(line) >= 25 and line[23:25] == ": ", f"bad xl info line {line!r}"
        name = line[:23].rstrip()
        assert re.fullmatch(r"[a-z_]+", name) and line[:23] == name.ljust(23), line
        fields.append((name, line[25:]))
    return fields


def test_xl_info_list_dmesg_in_dom0(machine):
    m = xen_dom0(machine)

    # Xen mode and the devices the tools use.
    check(m, "test -c /dev/xen/privcmd && test -c /dev/xen/evtchn && test -c /dev/xen/gntdev")
    # xenfs is mounted (on /proc/xen when Linux's xenbus created that mount
    # point, else on /run/xenfs: see images/test-initramfs.sh).
    assert re.search(r"^xenfs /(proc/xen|run/xenfs) xenfs ", check(m, "cat /proc/mounts"), re.M)

    # xl info: Xen's fields, in Xen's order, with tern's values.
    out = check(m, f"{XL} info")
    fields = info_fields(out)
    assert [n for n, _ in fields] == INFO_FIELDS
    info = dict(fields)
    assert info["release"] == check(m, "uname -r").strip()
    assert info["machine"] == "x86_64"
    assert info["nr_cpus"] == "2" and info["max_cpu_id"] == "1"
    assert int(info["nr_nodes"]) >= 1
    assert re.fullmatch(r"\d+\.\d{3}", info["cpu_mhz"]) and float(info["cpu_mhz"]) > 0
    assert re.fullmatch(r"[0-9a-f]{8}(:[0-9a-f]{8}){7}", info["hw_caps"])
    assert "hvm" in info["virt_caps"].split()
    total, free = int(info["total_memory"]), int(info["free_memory"])
    assert 1024 < total <= 2048, info["total_memory"]
    assert 0 < free < total - 200  # dom0's 256M are not free
    assert info["xen_major"] == "4" and info["xen_minor"] == "17"
    assert info["xen_version"] == f"4.17{info['xen_extra']}"
    assert "hvm-3.0-x86_64" in info["xen_caps"].split()
    assert info["xen_scheduler"] == "credit"
    assert info["xen_pagesize"] == "4096"
    assert re.fullmatch(r"virt_start=0x[0-9a-f]+", info["platform_params"])
    assert "dom0_mem=256M" in info["xen_commandline"]
    assert info["cc_compiler"]
    assert re.fullmatch(r"[0-9a-f]{40}", info["build_id"])
    assert info["xend_config_format"] == "4"
    assert check(m, f"{XL} info xen_scheduler").strip() == "credit"

    # xl list: the table with Domain-0's row, columns where Xen puts them.
    lines = check(m, f"{XL} list").splitlines()
    assert lines[0] == LIST_HEADER
    row = lines[1]
    assert len(row) == 79, repr(row)
    rm = re.fullmatch(r"(Domain-0) {32} {5}0 ([ \d]{5}) ([ \d]{5})     ([-rbpscd?S]{6})  ([ \d.]{8})",
                      row)
    assert rm, repr(row)
    assert 200 <= int(rm.group(2)) <= 256 and int(rm.group(3)) == 1
    assert rm.group(4)[0] == "r"  # dom0 is running xl right now
    assert re.fullmatch(r" *\d+\.\d", rm.group(5))
    one = check(m, f"{XL} list 0").splitlines()
    assert len(one) == 2 and one[0] == LIST_HEADER and one[1][:70] == row[:70]
    assert check(m, f"{XL} list Domain-0").splitlines()[1].startswith("Domain-0 ")

    # xl list -l: valid JSON, an array with dom0.
    doms = json.loads(check(m, f"{XL} list -l"))
    assert isinstance(doms, list) and doms[0]["domid"] == 0
    assert doms[0]["config"]["c_info"]["name"] == "Domain-0"

    # Errors: unknown domain and subcommand exit non-zero with xl's messages.
    status, out = run(m, f"{XL} list 4321")
    assert status == 1 and "Error: Domain '4321' does not exist." in out
    status, out = run(m, f"{XL} list no-such-domain")
    assert status == 1 and "no-such-domain is an invalid domain identifier" in out
    status, out = run(m, f"{XL} frobnicate")
    assert status == 1 and "command not implemented" in out

    # xl dmesg: tern's own boot lines; -c clears, so the next read is shorter.
    check(m, f"{XL} dmesg > /tmp/dmesg1")
    size1 = int(check(m, "wc -c < /tmp/dmesg1").split()[-1])
    assert int(check(m, "grep -c '(tern)' /tmp/dmesg1").split()[-1]) >= 5
    check(m, f"{XL} dmesg -c > /tmp/dmesg2")
    assert int(check(m, "wc -c < /tmp/dmesg2").split()[-1]) >= size1
    check(m, f"{XL} dmesg > /tmp/dmesg3")
    size3 = int(check(m, "wc -c < /tmp/dmesg3").split()[-1])
    assert size3 < size1, (size1, size3)


def test_hcfuzz_leaves_tern_and_dom0_alive(machine):
    # 2000 calls, seed 1 (HCFUZZ_COUNT, HCFUZZ_SEED=random to vary it: hcfuzz
    # prints the seed it used). The long runs are test_fuzz.py's (`make fuzz`).
    count = int(os.environ.get("HCFUZZ_COUNT", "2000"))
    seed = os.environ.get("HCFUZZ_SEED", "1")
    m = xen_dom0(machine)
    seed_arg = "" if seed == "random" else f" -s {seed}"
    out = check(m, f"{HCFUZZ} -n {count}{seed_arg}", timeout=900 + count // 50)
    fm = re.search(r"^hcfuzz: (\d+) calls, (\d+) errors returned$", out, re.M)
    assert fm and int(fm.group(1)) == count, out
    # The hypervisor still answers, dom0 still works.
    fields = dict(info_fields(check(m, f"{XL} info")))
    assert fields["xen_major"] == "4"
    assert check(m, f"{XL} list").splitlines()[1].startswith("Domain-0 ")
    assert check(m, "echo still here").endswith("still here")
    assert m.running()
