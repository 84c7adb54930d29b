"""The test guests (tests/guests/<name>/main.c, built into build/guests/<name>.elf)
booted by tern as its initial domain through the PVH entry, one QEMU each
(initial_domain_guest.py says how a result is judged)."""

import glob
import os

import pytest

from domu_guests import runs_as_initial_domain
from initial_domain_guest import expect_success, guest_module
from qemu import ROOT

# Guests written for a domU only run in test_domu_guests.py (domu_guests.py).
GUESTS = sorted(name for name in (os.path.basename(os.path.dirname(p)) for p in
                                  glob.glob(os.path.join(ROOT, "tests", "guests", "*", "main.c")))
                if name != "lib" and runs_as_initial_domain(name))


@pytest.mark.parametrize("name", GUESTS)
def test_guest(machine, name):
    m = machine(append="loglvl=all guest_loglvl=all noreboot", modules=[guest_module(name)])
    expect_success(m, name)
