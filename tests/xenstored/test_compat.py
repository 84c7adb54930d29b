"""Debian's own xenstore-utils (libxenstore 4.17) against tern's xenstored."""
import os
import subprocess

from xsclient import TIMEOUT


def test_write_read(xs):
    xs("write", "/local/domain/0/name", "Domain-0", "/vm/abc/name", "guest")
    assert xs("read", "/local/domain/0/name").stdout == "Domain-0\n"
    assert xs("read", "-p", "/vm/abc/name").stdout == "/vm/abc/name: guest\n"


def test_read_missing_fails(xs):
    p = xs("read", "/no/such/node", check=False)
    assert p.returncode == 1
    assert "couldn't read path /no/such/node" in p.stderr


def test_exists(xs):
    xs("write", "/e/x", "1")
    assert xs("exists", "/e/x").returncode == 0
    assert xs("exists", "/e/y", check=False).returncode == 1


def test_list_and_ls(xs):
    xs("write", "/l/a", "1", "/l/b/c", "two words")
    assert xs("list", "/l").stdout == "a\nb\n"
    assert xs("ls", "/l").stdout == 'a = "1"\nb = ""\n c = "two words"\n'
    assert xs("ls", "-f", "/l").stdout == '/l/a = "1"\n/l/b = ""\n/l/b/c = "two words"\n'


def test_rm(xs):
    xs("write", "/r/a/b", "1", "/r/c", "2")
    xs("rm", "/r/a")
    assert xs("list", "/r").stdout == "c\n"
    # xenstore-rm -t removes the parent too once it is empty
    xs("rm", "-t", "/r/c")
    assert xs("exists", "/r", check=False).returncode == 1


def test_chmod(xs):
    xs("write", "/p/a/b", "1")
    xs("chmod", "/p/a", "n0", "r5", "w6")
    out = xs("ls", "-p", "/p").stdout
    assert "(n0,r5,w6)" in out.splitlines()[0]
    assert "(n0)" in out.splitlines()[1]
    xs("chmod", "-r", "/p", "b7")
    assert all("(b7)" in line for line in xs("ls", "-p", "/p").stdout.splitlines())


def test_watch(xs):
    xs("write", "/w/x", "0")
    env = xs.env
    tool = os.path.join(os.path.dirname(env["LD_LIBRARY_PATH"]), "..", "bin", "xenstore-watch")
    proc = subprocess.Popen([os.path.normpath(tool), "-n", "3", "/w"], env=env,
                            stdout=subprocess.PIPE, text=True)
    try:
        # The first line is the event sent when the watch is set up.
        assert proc.stdout.readline() == "/w\n"
        xs("write", "/w/x", "1")
        assert proc.stdout.readline() == "/w/x\n"
        xs("rm", "/w")
        assert proc.stdout.readline() == "/w\n"
        assert proc.wait(timeout=TIMEOUT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_binary_and_escapes(xs, xsd):
    c = xsd.client()
    c.write("/bin", b"a\x01b")
    out = xs("ls", "/").stdout
    assert 'bin = "a\\001b"' in out
    c.close()


def test_transaction_mode(xs):
    # xenstore-write -t... every xenstore tool runs in a transaction by default
    xs("write", "/tx/a", "1", "/tx/b", "2")
    assert xs("read", "/tx/a", "/tx/b").stdout == "1\n2\n"
