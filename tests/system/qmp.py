"""QEMU's machine protocol (QMP) on a Unix socket: for what only the
emulator can do to the machine, such as an external NMI (`inject-nmi`, the
monitor's `nmi`). Start QEMU with `extra_args=qmp_args(path)`."""

import json
import socket

from qemu import TIMEOUT_SCALE


def qmp_args(path):
    return ["-qmp", f"unix:{path},server=on,wait=off"]


def qmp_command(path, command, timeout=60):
    """Runs one QMP command; returns its "return" value (fails on "error")."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout * TIMEOUT_SCALE)
        s.connect(str(path))
        reader = s.makefile("r")

        def reply():
            while True:
                msg = json.loads(reader.readline())
                if "return" in msg or "error" in msg:
                    return msg

        assert "QMP" in json.loads(reader.readline())
        s.sendall(b'{"execute": "qmp_capabilities"}\n')
        assert "return" in reply()
        s.sendall(json.dumps({"execute": command}).encode() + b"\n")
        msg = reply()
        assert "error" not in msg, f"QMP {command}: {msg['error']}"
        return msg["return"]
