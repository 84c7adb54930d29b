"""The test guests (tests/guests/<name>/main.c, built into build/guests/<name>.elf)
booted by tern as its initial domain through the PVH entry, one QEMU each.

Each guest prints "Test result: SUCCESS|SKIP|ERROR|FAILURE [reason]" through
console_io and then powers its domain off. The module line passes
"tern-test=<name>", which the start_info guest compares with its command line.
"""

import glob
import os
import re

import pytest

from domu_guests import runs_as_initial_domain
from qemu import BUILD, ROOT

GUEST_DIR = os.path.join(BUILD, "guests")
# Guests written for a domU only run in test_domu_guests.py (domu_guests.py).
GUESTS = sorted(name for name in (os.path.basename(os.path.dirname(p)) for p in
                                  glob.glob(os.path.join(ROOT, "tests", "guests", "*", "main.c")))
                if name != "lib" and runs_as_initial_domain(name))
RESULT = r"Test result: (SUCCESS|SKIP|ERROR|FAILURE)(.*)$"
POWEROFF = r"Dom0 halted"
# Signs that tern itself went down rather than the domain.
TERN_DIED = re.compile(r"Panic on CPU|FATAL TRAP|Manual reset required")


@pytest.mark.parametrize("name", GUESTS)
def test_guest(machine, name):
    elf = os.path.join(GUEST_DIR, name + ".elf")
    if not os.path.exists(elf):
        pytest.fail(f"{elf} is missing: build the guests first (make check builds them)")
    m = machine(append="loglvl=all guest_loglvl=all noreboot",
                modules=[f"{elf} tern-test={name}"])
    result = m.wait_for(RESULT)
    outcome, reason = result.group(1), result.group(2).strip()
    assert outcome == "SUCCESS", f"guest {name}: {outcome} {reason}\n" + m.output[-4000:]
    # The guest then powers its domain off: tern says so (as Xen does, it
    # then halts the machine) and must not have panicked on the way.
    m.wait_for(POWEROFF, start=result.end(), timeout=60)
    died = TERN_DIED.search(m.output, result.end())
    assert m.running() and not died, (
        f"tern went down after guest {name} finished:\n" + m.output[result.end():][-2000:])
