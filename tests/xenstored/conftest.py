"""Fixtures: a xenstored in a temporary directory, and Debian's xenstore-utils."""
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from xsclient import TIMEOUT  # noqa: E402
from xsdaemon import DAEMON, REPO, UTILS, Daemon  # noqa: E402


@pytest.fixture(scope="session")
def daemon_bin():
    if not os.access(DAEMON, os.X_OK):
        subprocess.run(["make", "-C", REPO, "build/dist/usr/sbin/xenstored"], check=True)
    return DAEMON


@pytest.fixture
def xsd(tmp_path, daemon_bin):
    d = Daemon(tmp_path)
    d.start()
    yield d
    d.stop()


@pytest.fixture(scope="session")
def utils():
    subprocess.run([os.path.join(os.path.dirname(__file__), "fetch-xenstore-utils.sh"), UTILS],
                   check=True)
    return UTILS


@pytest.fixture
def xs(xsd, utils):
    """Runs a Debian xenstore tool against the test daemon: xs("read", "/a")."""
    env = dict(os.environ, XENSTORED_PATH=xsd.sock,
               LD_LIBRARY_PATH=os.path.join(utils, "usr", "lib", "x86_64-linux-gnu"))

    def run(tool, *args, check=True):
        p = subprocess.run([os.path.join(utils, "usr", "bin", "xenstore-" + tool), *args],
                           env=env, capture_output=True, text=True, timeout=TIMEOUT)
        if check and p.returncode != 0:
            raise AssertionError(f"xenstore-{tool} {args}: rc {p.returncode}: {p.stderr}")
        return p

    run.env = env
    return run
