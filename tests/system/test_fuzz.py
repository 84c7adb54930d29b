"""Both fuzzers against a running system (issue 10). In one dom0 boot with
the sample Debian guest running beside them:
  1. hcfuzz in dom0 (tools/tests/hcfuzz): raw and structure-aware
     hypercalls through privcmd, domctls and grant, event channel and memory
     calls aimed at a victim domU (the spin guest), which is then destroyed;
  2. the fuzz guest (tests/guests/fuzz) as an unprivileged domU: raw and
     structure-aware calls of every family, naming dom0 and the sample guest
     as other domains; it prints its seed first and its count last.
Afterwards tern answers, dom0 works, the sample guest still answers a ping
over its console, and once the others are gone free memory is where it was
before any of them was created.

`make check` runs TERN_FUZZ_CALLS (default 20000) calls each with seed
TERN_FUZZ_SEED (default 1); `make fuzz` a million each with a random seed,
printed (and in every assertion message) so a failure replays."""

import os
import random
import re
import time

import pytest

import domu_guests
from dom0 import CONSOLE_NONE, IMAGE, boot, check, free_memory, run
from qemu import BUILD, TIMEOUT_SCALE
from test_flood import ping
from test_lifecycle import listed, memory_back, wait_gone, wait_userspace

CALLS = int(os.environ.get("TERN_FUZZ_CALLS", "20000"))
SEED = os.environ.get("TERN_FUZZ_SEED", "1")
HCFUZZ = os.path.join(BUILD, "dist", "usr", "lib", "tern", "tests", "hcfuzz")
GUESTS = os.path.join(BUILD, "guests")


def guest_cfg(name, cmdline):
    return (f'name = "{name}"\ntype = "pvh"\nkernel = "/root/guests/{name}.elf"\n'
            f'cmdline = "{cmdline}"\nmemory = 32\nvcpus = 1\non_crash = "preserve"\n')


def wait_domain_result(m, domid, timeout):
    """The fuzz guest's lines in `xl dmesg` once it printed its result."""
    prefix = f"(d{domid}) "
    deadline = time.monotonic() + timeout * TIMEOUT_SCALE
    while True:
        lines = [l.split(prefix, 1)[1] for l in check(m, "xl dmesg").splitlines() if prefix in l]
        if any(l.startswith("Test result:") for l in lines):
            return lines
        assert time.monotonic() < deadline, "the fuzz guest printed no result:\n" + \
            "\n".join(lines[-20:])
        time.sleep(5)


def test_fuzzers_leave_tern_dom0_and_other_domains_alone(machine, tmp_path):
    for path in (HCFUZZ, os.path.join(GUESTS, "fuzz.elf"), os.path.join(GUESTS, "spin.elf")):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `make all guests`")
    seed = random.getrandbits(48) if SEED == "random" else int(SEED, 0)
    replay = f"(replay: TERN_FUZZ_SEED={seed} TERN_FUZZ_CALLS={CALLS})"
    print(f"fuzzing with seed {seed}, {CALLS} calls from dom0 and from a domU")
    files = {"usr/lib/tern/tests/hcfuzz": (0o100755, open(HCFUZZ, "rb").read())}
    for name in ("fuzz", "spin"):
        with open(os.path.join(GUESTS, name + ".elf"), "rb") as f:
            files[f"root/guests/{name}.elf"] = (0o100644, f.read())
    files["root/guests/spin.cfg"] = (0o100644, guest_cfg("spin", "spin").encode())
    files["root/guests/fuzz.cfg"] = (0o100644, guest_cfg("fuzz", "").encode())
    m = boot(machine, IMAGE, dom0_mem="512M", memory="2G", console=CONSOLE_NONE, files=files,
             tmp_path=tmp_path)
    free0 = free_memory(m)

    check(m, "xl create /etc/xen/sample.cfg")
    wait_userspace(m, "sample")
    ping(m, 0)
    sample = int(check(m, "xl domid sample").strip())

    # dom0's fuzzer, with the spin guest as its victim.
    check(m, "xl create /root/guests/spin.cfg")
    victim = int(check(m, "xl domid spin").strip())
    out = check(m, f"/usr/lib/tern/tests/hcfuzz -n {CALLS} -s {seed} -r 50 -V {victim}",
                timeout=600 + CALLS // 100)
    found = re.search(r"^hcfuzz: (\d+) calls, (\d+) errors returned$", out, re.M)
    assert found and int(found.group(1)) == CALLS, f"{replay}\n{out[-3000:]}"
    print("\n".join(out.splitlines()[-3:]))
    domu_guests.assert_host_healthy(m)
    ping(m, 1)
    if listed(m, "spin"):
        check(m, "xl destroy spin")

    # The domU fuzzer, naming dom0 and the sample guest.
    check(m, "xl create /root/guests/fuzz.cfg "
             f"'cmdline=\"seed={seed} count={CALLS} raw=25 victim={sample}\"'")
    fuzzer = int(check(m, "xl domid fuzz").strip())
    lines = wait_domain_result(m, fuzzer, 600 + CALLS // 100)
    assert any(l.startswith(f"fuzz: seed {seed} count {CALLS}") for l in lines[:3]), \
        "the fuzz guest did not print its seed first:\n" + "\n".join(lines[:5])
    assert f"fuzz: done, {CALLS} calls" in lines and "Test result: SUCCESS" in lines, \
        f"{replay}\n" + "\n".join(lines[-20:])
    print("\n".join(l for l in lines if l.startswith("fuzz:") and "errors" not in l))
    domu_guests.assert_host_healthy(m)
    ping(m, 2)

    # Everything gone again: free memory is back (give or take dom0's
    # nested page-table pages, as test_lifecycle allows).
    wait_gone(m, "fuzz")
    status, _ = run(m, "xl shutdown -w sample", timeout=300)
    assert status == 0
    wait_gone(m, "sample")
    memory_back(m, free0)
    domu_guests.assert_host_healthy(m)
