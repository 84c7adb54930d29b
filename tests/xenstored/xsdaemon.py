"""A xenstored started by tests in a temporary directory, always stopped by pid."""
import os
import signal
import socket
import subprocess
import time

from xsclient import TIMEOUT, Client

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DAEMON = os.path.join(REPO, "build", "dist", "usr", "sbin", "xenstored")
UTILS = os.path.join(REPO, "build", "xenstore-utils")


def _wait_until(cond, what):
    """Polls cond until true; the deadline only guards against a hang."""
    deadline = time.monotonic() + TIMEOUT
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.02)


class Daemon:
    def __init__(self, tmp, args=()):
        self.dir = str(tmp)
        self.root = os.path.join(self.dir, "root")
        self.sock = os.path.join(self.dir, "socket")
        self.log = os.path.join(self.dir, "xenstored.log")
        self.args = list(args)
        self.proc = None
        self.env = dict(os.environ, XENSTORED_ROOTDIR=self.root, XENSTORED_PATH=self.sock)

    def start(self, extra=()):
        assert self.proc is None
        logf = open(self.log, "a")
        self.proc = subprocess.Popen([DAEMON, "-N", *self.args, *extra], env=self.env,
                                     stdout=logf, stderr=subprocess.STDOUT)
        logf.close()
        _wait_until(self._accepting, "xenstored to accept connections")

    def _accepting(self):
        if self.proc.poll() is not None:
            raise AssertionError("xenstored exited:\n" + self.log_text())
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(self.sock)
            return True
        except OSError:
            return False
        finally:
            s.close()

    def stop(self, sig=signal.SIGTERM):
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc = None
        return rc

    def kill9(self):
        return self.stop(signal.SIGKILL)

    def restart(self):
        self.stop()
        self.start()

    def client(self):
        return Client(self.sock)

    def log_text(self):
        with open(self.log) as f:
            return f.read()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None
