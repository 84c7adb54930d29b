"""Fixtures for the system tests: a factory of QEMU machines that are always killed."""

import os
import re

import pytest

from qemu import Machine, TERN_ELF


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
        return m

    yield start
    for m in started:
        m.kill()


@pytest.fixture(scope="session", autouse=True)
def hypervisor_built():
    if not os.path.exists(TERN_ELF):
        pytest.fail(f"{TERN_ELF} is missing: run `make` first (make check does)")
