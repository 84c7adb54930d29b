"""Protocol behaviour over the socket: transactions, watches, bad clients."""
import re
import signal
import time

import pytest

from xsclient import HDR, XsError


def test_transaction_conflict_eagain_no_partial_effect(xsd):
    a, b = xsd.client(), xsd.client()
    a.write("/acct/balance", "10")
    tx = a.start()
    assert a.read("/acct/balance", tx) == b"10"
    a.write("/acct/balance", "20", tx)
    a.write("/acct/log/1", "deposit", tx)
    b.write("/acct/balance", "11")
    with pytest.raises(XsError) as e:
        a.end(tx)
    assert e.value.name == "EAGAIN"
    assert b.read("/acct/balance") == b"11"
    assert b.directory("/acct") == ["balance"]
    # the retry succeeds
    tx = a.start()
    v = int(a.read("/acct/balance", tx))
    a.write("/acct/balance", str(v + 10), tx)
    a.end(tx)
    assert b.read("/acct/balance") == b"21"


def test_transaction_isolation_and_abort(xsd):
    a, b = xsd.client(), xsd.client()
    tx = a.start()
    a.write("/iso/x", "1", tx)
    with pytest.raises(XsError) as e:
        b.read("/iso/x")
    assert e.value.name == "ENOENT"
    a.end(tx, commit=False)
    with pytest.raises(XsError):
        a.read("/iso/x")


def test_watch_events(xsd):
    w, c = xsd.client(), xsd.client()
    w.watch("/watched", "tok")
    assert w.wait_event() == ("/watched", "tok")
    c.write("/watched/a/b", "1")
    assert w.wait_event() == ("/watched/a/b", "tok")
    c.set_perms("/watched/a", ["n0", "r3"])
    assert w.wait_event() == ("/watched/a", "tok")
    c.rm("/watched")
    assert w.wait_event() == ("/watched", "tok")
    w.unwatch("/watched", "tok")
    c.write("/watched", "again")
    # a request round trip proves no event was queued before its reply
    assert w.read("/watched") == b"again"
    assert w.events == []


def test_introduce_release_watches(xsd):
    w, c = xsd.client(), xsd.client()
    w.watch("@introduceDomain", "i")
    w.watch("@releaseDomain", "r")
    assert w.wait_event() == ("@introduceDomain", "i")
    assert w.wait_event() == ("@releaseDomain", "r")
    c.simple("INTRODUCE", "5", "123", "7")
    assert w.wait_event() == ("@introduceDomain", "i")
    assert c.simple("IS_DOMAIN_INTRODUCED", "5") == "T"
    assert c.simple("GET_DOMAIN_PATH", "5") == "/local/domain/5"
    c.simple("RELEASE", "5")
    assert w.wait_event() == ("@releaseDomain", "r")
    assert c.simple("IS_DOMAIN_INTRODUCED", "5") == "F"


def _still_serving(xsd):
    c = xsd.client()
    c.write("/alive", "yes")
    assert c.read("/alive") == b"yes"
    c.close()


def _expect_closed(c):
    with pytest.raises(ConnectionError):
        c.recv_msg()


def test_oversized_payload_disconnects(xsd):
    other = xsd.client()
    bad = xsd.client()
    bad.send_raw(HDR.pack(11, 1, 0, 4097))
    _expect_closed(bad)
    assert other.directory("/") == ["tool"]
    _still_serving(xsd)
    assert "4097-byte payload" in xsd.log_text()


def test_garbage_header(xsd):
    bad = xsd.client()
    bad.send_raw(b"\xff" * 16)
    _expect_closed(bad)
    _still_serving(xsd)


@pytest.mark.parametrize("payload,err", [
    (b"/no-nul", "EINVAL"),
    (b"//\0", "EINVAL"),
    (b"/trailing/\0", "EINVAL"),
    (b"/bad\x07char\0", "EINVAL"),
    (b"/" + b"a" * 3100 + b"\0", "EINVAL"),
    (b"\0", "EINVAL"),
])
def test_malformed_requests_get_errors(xsd, payload, err):
    c = xsd.client()
    with pytest.raises(XsError) as e:
        c.request("READ", payload)
    assert e.value.name == err
    # the same connection keeps working
    assert c.directory("/") == ["tool"]


def test_unknown_type(xsd):
    c = xsd.client()
    with pytest.raises(XsError) as e:
        c.request(20, b"/\0")
    assert e.value.name == "ENOSYS"


def test_half_message_does_not_block_others(xsd):
    slow = xsd.client()
    slow.send_raw(HDR.pack(2, 1, 0, 100)[:10])
    _still_serving(xsd)
    slow.send_raw(HDR.pack(2, 1, 0, 100)[10:] + b"x" * 50)
    _still_serving(xsd)
    slow.close()
    _still_serving(xsd)


def test_pipelined_requests(xsd):
    c = xsd.client()
    n = 2000
    msgs = b"".join(HDR.pack(10, i, 0, 2) + b"0\0" for i in range(n))
    c.send_raw(msgs)
    for i in range(n):
        typ, req_id, _, body = c.recv_msg()
        assert (typ, req_id, body) == (10, i, b"/local/domain/0\0")


def test_unread_watch_events_bounded(xsd):
    # a watcher that never reads is dropped once too much piles up
    lazy = xsd.client()
    token = "t" * 3000  # events carry the token: each is about 3 KiB
    lazy.watch("/flood", token)
    c = xsd.client()
    for i in range(20000):
        c.write("/flood/k%d" % (i % 10), str(i))
        if not any(line for line in xsd.log_text().splitlines() if "unread output" in line):
            continue
        break
    assert "too much unread output" in xsd.log_text()
    _still_serving(xsd)


def test_control_quota_and_check(xsd):
    c = xsd.client()
    assert c.control("check") == "OK"
    assert "transactions       10" in c.control("quota")
    assert c.control("quota", "0").startswith("domain 0")
    assert "fsync on" in c.control("journal")


def test_no_hypervisor_logged(xsd):
    assert "serving unix socket clients only" in xsd.log_text()


def test_directory_part_large(xsd):
    c = xsd.client()
    names = ["node-with-a-long-name-%04d" % i for i in range(400)]
    for n in names:
        c.mkdir("/many/" + n)
    with pytest.raises(XsError) as e:
        c.directory("/many")
    assert e.value.name == "E2BIG"
    # Each reply: the node's generation, then whole names from the offset on,
    # each NUL-terminated; the last one has one more NUL (alone if no names
    # are left). A reply without names that is not the last would send this
    # loop round forever, so it fails instead.
    got, off, gens, replies = b"", 0, set(), 0
    while True:
        body = c.request("DIRECTORY_PART", b"/many\0" + str(off).encode() + b"\0")
        replies += 1
        gen, rest = body.split(b"\0", 1)
        gens.add(gen)
        last = rest == b"\0" or rest.endswith(b"\0\0")
        chunk = rest[:-1] if last else rest
        assert chunk.endswith(b"\0") or (last and chunk == b""), body
        assert chunk or last, f"reply {replies} at offset {off} brings no names: {body!r}"
        got += chunk
        off += len(chunk)
        if last:
            break
    assert [x.decode() for x in got.split(b"\0") if x] == names
    assert replies > 1 and len(gens) == 1, (replies, gens)


def test_concurrent_increments_lose_nothing(xsd):
    """8 clients add 1 to one counter 50 times each inside transactions,
    retrying on EAGAIN: the final count proves no update was lost."""
    import threading
    clients = [xsd.client() for _ in range(8)]
    clients[0].write("/counter", "0")
    retries = []

    def work(c):
        n = 0
        for _ in range(50):
            while True:
                tx = c.start()
                v = int(c.read("/counter", tx))
                c.write("/counter", str(v + 1), tx)
                try:
                    c.end(tx)
                    break
                except XsError as e:
                    assert e.name == "EAGAIN"
                    n += 1
        retries.append(n)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(retries) == 8
    assert clients[0].read("/counter") == b"400"


def test_sigusr1_dumps_each_connection(xsd):
    """SIGUSR1 logs every connection's state (what a stuck client waits for)
    and the daemon goes on serving."""
    c = xsd.client()
    c.watch("/dumped", "tok")
    c.wait_event()  # the watch fires once when set
    tx = c.start()
    c.write("/dumped/a", "1", tx)
    xsd.proc.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 30
    while "state dump (SIGUSR1)" not in xsd.log_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = xsd.log_text()
    assert "state dump (SIGUSR1): 0 introduced domain(s)" in log, log
    assert re.search(r"conn \d+: dom0 fd \d+, 0 input byte\(s\) held, 0 outstanding, "
                     r"0 message\(s\) \(0 bytes\) to send, 1 watch\(es\), 1 transaction\(s\)$",
                     log, re.M), log
    c.end(tx)
    assert c.read("/dumped/a") == b"1"
