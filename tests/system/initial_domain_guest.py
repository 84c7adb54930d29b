"""A test guest (tests/guests/<name>, built into build/guests/<name>.elf) as
tern's initial domain, under either emulator: the boot module that names it,
and how its end is judged.

Each guest prints "Test result: SUCCESS|SKIP|ERROR|FAILURE [reason]" through
console_io and then powers its domain off. The module line passes
"tern-test=<name>", which the start_info guest compares with its command line.
"""

import os
import re

import pytest

from qemu import BUILD

GUEST_DIR = os.path.join(BUILD, "guests")
RESULT = r"Test result: (SUCCESS|SKIP|ERROR|FAILURE)(.*)$"
POWEROFF = r"Dom0 halted"
# Signs that tern itself went down rather than the domain.
TERN_DIED = re.compile(r"Panic on CPU|FATAL TRAP|Manual reset required")


def guest_module(name):
    """The boot module line for guest name."""
    elf = os.path.join(GUEST_DIR, name + ".elf")
    if not os.path.exists(elf):
        pytest.fail(f"{elf} is missing: build the guests first (make check builds them)")
    return f"{elf} tern-test={name}"


def expect_success(m, name):
    """Waits for the guest's result on machine m: SUCCESS, then its domain
    powered off (tern says so and, as Xen does, halts the machine) without
    tern going down on the way."""
    # A guest whose calls go wrong may power off without a word: say so
    # then, rather than wait out the timeout.
    result = m.wait_for(f"{RESULT}|{POWEROFF}")
    assert result.group(1), f"guest {name} ended without a result:\n" + m.output[-4000:]
    outcome, reason = result.group(1), result.group(2).strip()
    assert outcome == "SUCCESS", f"guest {name}: {outcome} {reason}\n" + m.output[-4000:]
    m.wait_for(POWEROFF, start=result.end(), timeout=60)
    died = TERN_DIED.search(m.output, result.end())
    assert m.running() and not died, (
        f"tern went down after guest {name} finished:\n" + m.output[result.end():][-2000:])
