"""A small xenstore wire-protocol client for tests (raw access on purpose)."""
import socket
import struct

HDR = struct.Struct("=IIII")

TYPES = dict(
    CONTROL=0, DIRECTORY=1, READ=2, GET_PERMS=3, WATCH=4, UNWATCH=5,
    TRANSACTION_START=6, TRANSACTION_END=7, INTRODUCE=8, RELEASE=9,
    GET_DOMAIN_PATH=10, WRITE=11, MKDIR=12, RM=13, SET_PERMS=14,
    WATCH_EVENT=15, ERROR=16, IS_DOMAIN_INTRODUCED=17, RESUME=18,
    SET_TARGET=19, RESET_WATCHES=21, DIRECTORY_PART=22,
)
WATCH_EVENT = TYPES["WATCH_EVENT"]
ERROR = TYPES["ERROR"]

# Generous: tests wait for behaviour, they never judge time.
TIMEOUT = 60


class XsError(Exception):
    def __init__(self, name):
        super().__init__(name)
        self.name = name


class Client:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(TIMEOUT)
        self.sock.connect(path)
        self.req_id = 0
        self.events = []

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def _recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("closed by xenstored")
            buf += chunk
        return buf

    def recv_msg(self):
        typ, req_id, tx_id, length = HDR.unpack(self._recv_exact(HDR.size))
        return typ, req_id, tx_id, self._recv_exact(length)

    def request(self, typ, payload, tx=0):
        if isinstance(typ, str):
            typ = TYPES[typ]
        self.req_id += 1
        self.send_raw(HDR.pack(typ, self.req_id, tx, len(payload)) + payload)
        while True:
            rtyp, req_id, _, body = self.recv_msg()
            if rtyp == WATCH_EVENT:
                self.events.append(body.split(b"\0")[:2])
                continue
            assert req_id == self.req_id
            if rtyp == ERROR:
                raise XsError(body.rstrip(b"\0").decode())
            assert rtyp == typ
            return body

    @staticmethod
    def _args(*args):
        return b"".join(a.encode() + b"\0" for a in args)

    def read(self, path, tx=0):
        return self.request("READ", self._args(path), tx)

    def write(self, path, value, tx=0):
        if isinstance(value, str):
            value = value.encode()
        return self.request("WRITE", path.encode() + b"\0" + value, tx)

    def mkdir(self, path, tx=0):
        return self.request("MKDIR", self._args(path), tx)

    def rm(self, path, tx=0):
        return self.request("RM", self._args(path), tx)

    def directory(self, path, tx=0):
        body = self.request("DIRECTORY", self._args(path), tx)
        return [c.decode() for c in body.split(b"\0") if c]

    def get_perms(self, path, tx=0):
        body = self.request("GET_PERMS", self._args(path), tx)
        return [p.decode() for p in body.split(b"\0") if p]

    def set_perms(self, path, perms, tx=0):
        return self.request("SET_PERMS", self._args(path, *perms), tx)

    def watch(self, path, token):
        return self.request("WATCH", self._args(path, token))

    def unwatch(self, path, token):
        return self.request("UNWATCH", self._args(path, token))

    def start(self):
        return int(self.request("TRANSACTION_START", b"\0").rstrip(b"\0"))

    def end(self, tx, commit=True):
        return self.request("TRANSACTION_END", self._args("T" if commit else "F"), tx)

    def control(self, *args):
        return self.request("CONTROL", self._args(*args)).rstrip(b"\0").decode()

    def simple(self, typ, *args):
        return self.request(typ, self._args(*args)).rstrip(b"\0").decode()

    def wait_event(self):
        """The next watch event as (path, token), waiting as long as TIMEOUT."""
        while not self.events:
            typ, _, _, body = self.recv_msg()
            assert typ == WATCH_EVENT, typ
            self.events.append(body.split(b"\0")[:2])
        path, token = self.events.pop(0)
        return path.decode(), token.decode()
