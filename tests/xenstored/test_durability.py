"""The store survives restarts: clean stop, kill -9, torn journal tail."""
import glob
import os
import subprocess

from xsdaemon import DAEMON, Daemon, _wait_until


def _fill(c):
    c.write("/local/domain/3/name", "guest")
    c.set_perms("/local/domain/3", ["n0", "r3"])
    c.write("/vm/u/name", "guest")
    tx = c.start()
    for i in range(10):
        c.write("/tx/k%d" % i, str(i), tx)
    c.end(tx)
    c.rm("/vm")
    c.simple("INTRODUCE", "3", "77", "9")


def _check(c):
    assert c.read("/local/domain/3/name") == b"guest"
    assert c.get_perms("/local/domain/3") == ["n0", "r3"]
    # set after the child was made: the child keeps what it inherited then
    assert c.get_perms("/local/domain/3/name") == ["n0"]
    assert c.directory("/tx") == ["k%d" % i for i in range(10)]
    assert sorted(c.directory("/")) == ["local", "tool", "tx"]
    assert c.simple("IS_DOMAIN_INTRODUCED", "3") == "T"
    assert c.control("check") == "OK"


def test_clean_restart(xsd):
    c = xsd.client()
    _fill(c)
    c.close()
    xsd.restart()
    _check(xsd.client())


def test_kill9_keeps_acknowledged_changes(xsd):
    c = xsd.client()
    _fill(c)
    # every change above was acknowledged, so it is on disk
    xsd.kill9()
    xsd.start()
    _check(xsd.client())
    assert "store restored" in xsd.log_text()


def test_kill9_fsync_never(tmp_path, daemon_bin):
    d = Daemon(tmp_path, ["--fsync=never"])
    d.start()
    try:
        _fill(d.client())
        d.kill9()
        d.start()
        _check(d.client())
    finally:
        d.stop()


def test_torn_tail_is_dropped(xsd):
    c = xsd.client()
    _fill(c)
    c.close()
    xsd.stop()
    journal = glob.glob(os.path.join(xsd.root, "*.journal"))[0]
    with open(journal, "ab") as f:
        # the start of a record header, as a crash during a write leaves it
        f.write(b"XSJR\x40\x00")
    xsd.start()
    c = xsd.client()
    _check(c)
    assert "torn or corrupt tail" in xsd.log_text()
    c.write("/after", "ok")
    c.close()
    xsd.restart()
    assert xsd.client().read("/after") == b"ok"


def test_many_changes_compact(xsd):
    c = xsd.client()
    for i in range(600):
        c.write("/hot/k%d" % (i % 7), "x" * 2000 + str(i))
    stats = dict(line.split(" ", 1) for line in c.control("journal").splitlines())
    # 600 x 2 KiB passes the 1 MiB threshold at least once
    assert int(stats["compactions"]) >= 2
    xsd.kill9()
    xsd.start()
    c = xsd.client()
    last = max(i for i in range(600) if i % 7 == 5)
    assert c.read("/hot/k5") == ("x" * 2000 + str(last)).encode()
    assert c.control("check") == "OK"


def test_no_journal_option(tmp_path, daemon_bin):
    d = Daemon(tmp_path, ["--no-journal"])
    d.start()
    try:
        d.client().write("/gone", "1")
        d.restart()
        c = d.client()
        assert c.directory("/") == ["tool"]
        assert "journal off" in d.log_text()
    finally:
        d.stop()


def test_fork_and_pid_file(tmp_path, daemon_bin):
    env = dict(os.environ, XENSTORED_ROOTDIR=str(tmp_path / "root"),
               XENSTORED_PATH=str(tmp_path / "sock"))
    pid_file = tmp_path / "xenstored.pid"
    log = tmp_path / "log"
    subprocess.run([DAEMON, "--pid-file", str(pid_file), "--log-file", str(log)], env=env,
                   check=True, timeout=60)
    _wait_until(lambda: pid_file.exists() and pid_file.read_text().strip(), "the pid file")
    pid = int(pid_file.read_text())
    try:
        _wait_until(lambda: os.path.exists(env["XENSTORED_PATH"]), "the socket")
        from xsclient import Client
        c = Client(env["XENSTORED_PATH"])
        c.write("/forked", "1")
        assert c.read("/forked") == b"1"
        c.close()
    finally:
        os.kill(pid, 15)
    _wait_until(lambda: not os.path.exists(f"/proc/{pid}") or
                open(f"/proc/{pid}/stat").read().split()[2] == "Z", "the daemon to exit")
    assert "listening on" in log.read_text()


def test_bad_option_fails(daemon_bin):
    p = subprocess.run([DAEMON, "--no-such-option"], capture_output=True, text=True, timeout=60)
    assert p.returncode != 0
    assert "Usage" in p.stderr
