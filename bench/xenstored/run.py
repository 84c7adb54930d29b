#!/usr/bin/python3
"""xenstored benchmark: ops/s over the socket for read, write, directory and a
transaction of 10 writes, with 1 and 16 clients, under three journal modes
measured in the same run: off (baseline), on without fsync, on with fsync.
Prints each figure and its ratio to the journal-off baseline."""
import argparse
import os
import signal
import socket
import subprocess
import tempfile
import time

MODES = [("journal off", ["--no-journal"]),
         ("journal, no fsync", ["--fsync=never"]),
         ("journal + fsync", ["--fsync=always"])]
OPS = ["read", "write", "directory", "txn10"]
CLIENTS = [1, 16]


def start(daemon, tmp, args):
    env = dict(os.environ, XENSTORED_ROOTDIR=os.path.join(tmp, "root"),
               XENSTORED_PATH=os.path.join(tmp, "sock"))
    log = open(os.path.join(tmp, "log"), "w")
    proc = subprocess.Popen([daemon, "-N", *args], env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while True:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(env["XENSTORED_PATH"])
            return proc, env["XENSTORED_PATH"]
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("xenstored did not start")
            time.sleep(0.05)
        finally:
            s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--client", required=True)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per figure; the median is shown")
    a = ap.parse_args()
    results = {}
    daemons = {}
    tmps = [tempfile.TemporaryDirectory() for _ in MODES]
    try:
        for (mode, args), tmp in zip(MODES, tmps):
            daemons[mode] = start(a.daemon, tmp.name, args)
        # Modes take turns within each figure, so a change in the machine's
        # load hits the baseline and the journal modes alike.
        for op in OPS:
            for n in CLIENTS:
                runs = {mode: [] for mode, _ in MODES}
                for _ in range(a.repeat):
                    for mode, _ in MODES:
                        out = subprocess.run(
                            [a.client, daemons[mode][1], op, str(n), str(a.seconds)],
                            check=True, capture_output=True, text=True,
                            timeout=120).stdout.split()
                        runs[mode].append((float(out[2]), int(out[3])))
                for mode, _ in MODES:
                    results[(mode, op, n)] = sorted(runs[mode])[len(runs[mode]) // 2]
    finally:
        for proc, _ in daemons.values():
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        for tmp in tmps:
            tmp.cleanup()
    base = MODES[0][0]
    print("xenstored ops/s over the unix socket, median of %d runs of %.1f s "
          "(ratio: against %s, measured in turn with it)" % (a.repeat, a.seconds, base))
    print("%-20s %-10s %7s %12s %8s %8s" % ("mode", "op", "clients", "ops/s", "ratio",
                                          "EAGAIN"))
    for mode, _ in MODES:
        for op in OPS:
            for n in CLIENTS:
                ops, retries = results[(mode, op, n)]
                ratio = ops / results[(base, op, n)][0]
                print("%-20s %-10s %7d %12.0f %8.2f %8d" % (mode, op, n, ops, ratio, retries))


if __name__ == "__main__":
    main()
