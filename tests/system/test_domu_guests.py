"""Test guests as unprivileged domUs (those with a tests/guests/<name>/domu.cfg;
see domu_guests.py): one dom0 boot runs them all, one after the other. Each
must print "Test result: SUCCESS", leave tern and dom0 fine and, once
destroyed, have given back all its memory (domu_guests.release). The
unprivileged guest then runs once more against another domU (a second
instance of itself, made its victim), which must live on unharmed."""

import re

import pytest

import domu_guests

NAMES = domu_guests.domu_guest_names()


@pytest.fixture(scope="module")
def dom0(module_machine, tmp_path_factory):
    """One dom0 for every guest of this module."""
    return domu_guests.boot_dom0_for(module_machine, tmp_path_factory.mktemp("domu_guests"),
                                     NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_domu_guest(dom0, name):
    outcome, reason, lines = domu_guests.run_guest(dom0, name)
    assert outcome == "SUCCESS", f"guest {name}: {outcome} {reason}\n{lines[-4000:]}"


def test_unprivileged_domu_against_another_domu(dom0):
    victim = domu_guests.create(dom0, f"{domu_guests.GUEST_DIR}/unprivileged.cfg",
                                'name="victim"', 'cmdline="victim"')
    domu_guests.wait_line(dom0, victim, r"victim ready: ref \d+ granted to d0$")
    outcome, reason, lines = domu_guests.run_guest(dom0, "unprivileged", 'name="attacker"',
                                                   f'cmdline="victim={victim}"')
    assert outcome == "SUCCESS", f"{outcome} {reason}\n{lines[-4000:]}"
    assert re.search(rf"^sched_op\(remote_shutdown\) +d{victim} +-> -1$", lines, re.M), lines
    # The victim is still there, neither shut down nor crashed, and runs on.
    row = domu_guests.check(dom0, f"{domu_guests.XL} list victim").splitlines()[1].split()
    assert row[0] == "victim" and row[4] in ("-b----", "r-----"), row
    domu_guests.check(dom0, f"{domu_guests.XL} destroy victim")
