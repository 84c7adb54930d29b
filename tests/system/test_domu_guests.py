"""Test guests as unprivileged domUs (those with a tests/guests/<name>/domu.cfg;
see domu_guests.py): one dom0 boot runs them all, one after the other. Each
must print "Test result: SUCCESS", leave tern and dom0 fine and, once
destroyed, have given back all its memory (domu_guests.release)."""

import pytest

import domu_guests

NAMES = domu_guests.domu_guest_names()


@pytest.fixture(scope="module")
def dom0(tmp_path_factory):
    """One dom0 for every guest of this module (a boot costs half a minute)."""
    started = []

    def start(**kwargs):
        from qemu import Machine
        m = Machine("test_domu_guests", **kwargs).start()
        started.append(m)
        return m

    m = domu_guests.boot_dom0_for(start, tmp_path_factory.mktemp("domu_guests"), NAMES)
    yield m
    for machine in started:
        machine.kill()


@pytest.mark.parametrize("name", NAMES)
def test_domu_guest(dom0, name):
    outcome, reason, lines = domu_guests.run_guest(dom0, name)
    assert outcome == "SUCCESS", f"guest {name}: {outcome} {reason}\n{lines[-4000:]}"
