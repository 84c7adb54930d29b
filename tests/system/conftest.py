"""Fixtures for the system tests: a factory of QEMU machines that are always
killed, and one retry for a test whose QEMU died of an assertion inside QEMU
itself (an emulator bug, not the guest's: see docs/design.md, "Testing")."""

import os
import re

import pytest
from _pytest.runner import runtestprotocol

from qemu import Machine, TERN_ELF

# QEMU 7.2's own assertion failures, e.g. "../../hw/pci/msix.c:218:
# msix_table_mmio_write: Assertion `...' failed." (seen during dom0's PCI scan).
QEMU_ASSERTION = re.compile(r"^qemu-system-x86_64: \S+: \S+: Assertion .* failed\.$", re.M)


def pytest_runtest_protocol(item, nextitem):
    """Runs a test once more if it failed because QEMU crashed on an internal
    assertion; every other failure stands as it is. The retry is reported."""
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    reports = runtestprotocol(item, nextitem=nextitem, log=False)
    crashed = [m for m in getattr(item, "qemu_machines", []) if QEMU_ASSERTION.search(m.output)]
    if any(r.failed for r in reports) and crashed:
        print(f"\n{item.nodeid}: QEMU itself crashed ({QEMU_ASSERTION.search(crashed[0].output).group(0)}); "
              "running the test once more")
        item.qemu_machines = []
        reports = runtestprotocol(item, nextitem=nextitem, log=False)
    for report in reports:
        item.ihook.pytest_runtest_logreport(report=report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


@pytest.fixture
def machine(request):
    """machine(**kwargs) starts a Machine named after the test; every machine
    started this way is killed (by PID) when the test ends."""
    started = []

    def start(**kwargs):
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        if started:
            name += f"-{len(started)}"
        m = Machine(name, **kwargs).start()
        started.append(m)
        request.node.qemu_machines = getattr(request.node, "qemu_machines", []) + [m]
        return m

    yield start
    for m in started:
        m.kill()


@pytest.fixture(scope="session", autouse=True)
def hypervisor_built():
    if not os.path.exists(TERN_ELF):
        pytest.fail(f"{TERN_ELF} is missing: run `make` first (make check does)")
