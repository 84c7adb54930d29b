"""One dom0 that the tests of a module share: tern booted with the dom0 image
as dom0.boot_image() boots it by default (a dom0 boot under emulation costs
a good ten seconds). The `shared_dom0` fixture (conftest.py) hands it out.

A test gets it with dom0's shell at its prompt, no domU, xencommons' daemons
running and no guest console logs (/var/log/xen/console/guest-*.log), so
names and the logs' markers are the test's own. After the test, the domUs it
left are destroyed and the logs removed. A machine that died, or that cannot
be brought back to that state (a test that failed while attached to a
guest's console, say), is killed: its test gets an error at teardown saying
why, and the next test boots a fresh one instead of failing in its wake.

Only for tests that leave dom0 as they found it: one that kills tern or
dom0, or needs other boot options, boots its own with the `machine` fixture."""

import re

from dom0 import boot_image, run

# `xl list`: a header, Domain-0, then one line per domU.
DOMU_ROW = re.compile(r"^(?!Name\s|Domain-0\s)(\S+)\s+(\d+)\s", re.M)


class SharedDom0:
    """The shared machine of one module, started by `start` (the
    module_machine factory, which kills every machine at the module's end)."""

    def __init__(self, start):
        self._start = start
        self.machine = None

    def get(self):
        """The machine, booted (again) if there is none."""
        if self.machine is not None and not self.machine.running():
            self.stop()
        if self.machine is None:
            started = []

            def start(**kwargs):
                started.append(self._start(**kwargs))
                return started[-1]

            try:
                self.machine = boot_image(start)
                self.clean()
            except BaseException:
                # A boot that failed is not left running until the module ends.
                for m in started:
                    m.kill()
                self.machine = None
                raise
        return self.machine

    def release(self, test):
        """Brings dom0 back to its clean state after `test`; if it cannot,
        kills the machine and raises AssertionError saying why."""
        m = self.machine
        try:
            assert m.running(), "QEMU exited"
            self.clean()
        except AssertionError as exc:
            self.stop()
            raise AssertionError(f"the dom0 shared with later tests ({m.name}) was "
                                 f"unusable after {test}; the next test boots a fresh one: "
                                 f"{exc}") from exc

    def stop(self):
        """Kills the machine (by PID); the next get() boots a fresh one."""
        if self.machine is not None:
            self.machine.kill()
            self.machine = None

    def clean(self):
        """Destroys every domU (twice over: xl's watcher may be building one
        again for on_reboot), removes the guest console logs, and checks that
        xencommons' daemons run."""
        m = self.machine
        for _ in range(2):
            listed = self._xl_list()
            for _name, domid in DOMU_ROW.findall(listed):
                run(m, f"xl destroy {domid}")
        listed = self._xl_list()
        assert not DOMU_ROW.search(listed), f"domUs left after xl destroy:\n{listed}"
        status, out = run(m, "rm -f /var/log/xen/console/guest-*.log && "
                             "/etc/init.d/xencommons status")
        assert status == 0, f"xencommons' daemons are not all running:\n{out}"

    def _xl_list(self):
        status, out = run(self.machine, "xl list")
        assert status == 0 and "Domain-0" in out, f"`xl list` in dom0 failed ({status}):\n{out}"
        return out
