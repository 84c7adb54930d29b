"""Fixtures for the system tests: a factory of QEMU machines that are always
killed, and one retry for a test whose QEMU died of an assertion inside QEMU
itself (an emulator bug, not the guest's: see docs/design.md, "Testing").
A retry hides nothing: the first attempt's failure is printed in the summary
with its console log kept beside the retry's, and the retries are counted.
The tests run in pytest-xdist workers (Makefile: one test file per worker at a
time), so a retry travels to the summary inside the retried test's reports."""

import os
import re

import pytest
from _pytest.runner import runtestprotocol

from qemu import LOG_DIR, Machine, TERN_ELF
from shared_dom0 import SharedDom0

# QEMU 7.2's own assertion failures, e.g. "../../hw/pci/msix.c:218:
# msix_table_mmio_write: Assertion `...' failed." (seen during dom0's PCI scan).
QEMU_ASSERTION = re.compile(r"^qemu-system-x86_64: \S+: \S+: Assertion .* failed\.$", re.M)
# The user property a retried test's reports carry: (QEMU's assertion line,
# the first attempt's failure report, its logs).
RETRY_PROPERTY = "qemu_assertion_retry"


def keep_first_attempt_logs(machines):
    """Renames the first attempt's console logs (<name>.log) to
    <name>.attempt1.log, so the retry's machines do not overwrite them."""
    kept = []
    for m in machines:
        path = os.path.join(LOG_DIR, m.name + ".log")
        if os.path.exists(path):
            first = os.path.join(LOG_DIR, m.name + ".attempt1.log")
            os.replace(path, first)
            kept.append(first)
    return kept


def pytest_runtest_protocol(item, nextitem):
    """Runs a test once more if it failed because QEMU crashed on an internal
    assertion; every other failure stands as it is. The retry is reported."""
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    reports = runtestprotocol(item, nextitem=nextitem, log=False)
    crashed = [m for m in getattr(item, "qemu_machines", []) if QEMU_ASSERTION.search(m.output)]
    if any(r.failed for r in reports) and crashed:
        assertion = QEMU_ASSERTION.search(crashed[0].output).group(0)
        failure = "\n".join(r.longreprtext for r in reports if r.failed)
        logs = keep_first_attempt_logs(item.qemu_machines)
        print(f"\n{item.nodeid}: QEMU itself crashed ({assertion}); running the test once more")
        item.qemu_machines = []
        reports = runtestprotocol(item, nextitem=nextitem, log=False)
        reports[-1].user_properties.append((RETRY_PROPERTY, (assertion, failure, logs)))
    for report in reports:
        item.ihook.pytest_runtest_logreport(report=report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


def pytest_terminal_summary(terminalreporter):
    """Every retry, with the failure that caused it, whatever the retry did."""
    retries = [(report.nodeid, *value)
               for reports in terminalreporter.stats.values() for report in reports
               for name, value in getattr(report, "user_properties", ()) if name == RETRY_PROPERTY]
    if not retries:
        return
    terminalreporter.section(f"{len(retries)} test(s) run again after QEMU crashed")
    for nodeid, assertion, failure, logs in retries:
        terminalreporter.line(f"{nodeid}: {assertion}")
        terminalreporter.line(f"first attempt's console: {', '.join(logs) or '(none)'}")
        terminalreporter.line("first attempt's failure:")
        terminalreporter.line(failure)
    terminalreporter.line(f"QEMU assertion retries: {len(retries)}")


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


@pytest.fixture(scope="module")
def module_machine(request):
    """machine(**kwargs) for a machine the tests of one module share (a dom0
    boot costs half a minute): named after the module, killed (by PID) when
    the module's tests are done."""
    started = []

    def start(**kwargs):
        name = request.module.__name__ + (f"-{len(started)}" if started else "")
        m = Machine(name, **kwargs).start()
        started.append(m)
        return m

    yield start
    for m in started:
        m.kill()


def uses_shared_dom0(item):
    return "shared_dom0" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items):
    """Within each module, the tests that use shared_dom0 run first (each
    group in file order), so they share one boot and it is stopped before
    the others boot machines of their own."""
    order = {}
    for i, item in enumerate(items):
        order.setdefault(item.fspath, i)
    items.sort(key=lambda item: (order[item.fspath], not uses_shared_dom0(item)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Stops the shared dom0 after the last test that uses it: an idle
    emulator would take CPU time from the next test's."""
    yield
    shared = getattr(item, "shared_dom0", None)
    if shared and (nextitem is None or not uses_shared_dom0(nextitem)):
        shared.stop()


@pytest.fixture(scope="module")
def shared_dom0_of_module(module_machine):
    return SharedDom0(module_machine)


@pytest.fixture
def shared_dom0(request, shared_dom0_of_module):
    """The dom0 (dom0.boot_image()'s defaults) the tests of this module share,
    clean: no domU, daemons up (shared_dom0.py). A test that leaves it
    unusable gets an error at teardown; the next one boots a fresh one."""
    shared = request.node.shared_dom0 = shared_dom0_of_module
    m = shared.get()
    request.node.qemu_machines = getattr(request.node, "qemu_machines", []) + [m]
    m.note(f"{request.node.nodeid} begins")
    yield m
    shared.release(request.node.nodeid)


@pytest.fixture(scope="session", autouse=True)
def hypervisor_built():
    if not os.path.exists(TERN_ELF):
        pytest.fail(f"{TERN_ELF} is missing: run `make` first (make check does)")
