"""dom0's service scripts on the host (tools/init): tern-dom0's check, which
every systemd unit runs first, and xendomains with a stand-in xl."""

import os
import subprocess
import textwrap

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TERN_DOM0 = os.path.join(ROOT, "tools", "init", "tern-dom0")
XENDOMAINS = os.path.join(ROOT, "tools", "init", "xendomains")


def sysfs(tmp_path, **files):
    hv = tmp_path / "hypervisor"
    for name, value in files.items():
        path = hv / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value + "\n")
    return str(hv)


def check(hv):
    return subprocess.run([TERN_DOM0, "check"], env=dict(os.environ, TERN_SYSFS_HYPERVISOR=hv),
                          capture_output=True, text=True, timeout=60)


def test_check_passes_in_terns_dom0(tmp_path):
    r = check(sysfs(tmp_path, type="xen", version__extra=".0-tern0.1-dev", guest_type="HVM"))
    assert (r.returncode, r.stdout) == (0, ""), r


@pytest.mark.parametrize("files,said", [
    ({}, "not running on tern (no Xen-compatible hypervisor)"),
    ({"type": "kvm"}, "not running on tern"),
    ({"type": "xen", "version__major": "4", "version__minor": "17", "version__extra": ".7"},
     "running on Xen 4.17.7, not tern"),
    ({"type": "xen", "version__extra": ".0-tern0.1-dev", "guest_type": "PVH"},
     "a PVH-mode domain of tern, not its dom0"),
])
def test_check_skips_elsewhere_and_says_why(tmp_path, files, said):
    r = check(sysfs(tmp_path, **files))
    # 1: systemd's ExecCondition skips the unit; it does not fail.
    assert r.returncode == 1, r
    assert said in r.stdout, r


FAKE_XL = """\
#!/bin/sh
# A stand-in xl: domains are lines "name id" in $STATE; calls go to $CALLS.
echo "$*" >> "$CALLS"
case "$1" in
list)
	if [ -n "$2" ]; then grep -q "^$2 " "$STATE"; exit; fi
	echo "Name  ID  Mem VCPUs State Time(s)"
	echo "Domain-0 0 512 1 r----- 1.0"
	while read -r name id; do echo "$name $id 128 1 -b---- 0.1"; done < "$STATE"
	;;
create)
	name=$(sed -n 's/^name *= *"\\(.*\\)"/\\1/p' "$3")
	echo "$name $(( $(wc -l < "$STATE") + 1 ))" >> "$STATE"
	;;
shutdown)
	# Well-behaved guests go; one named stuck never does.
	grep '^stuck ' "$STATE" > "$STATE.new"; mv "$STATE.new" "$STATE"
	grep -q '^stuck ' "$STATE" && exec sleep 100000
	;;
destroy)
	grep -v "^$2 " "$STATE" > "$STATE.new"; mv "$STATE.new" "$STATE"
	;;
esac
"""


@pytest.fixture
def xendomains(tmp_path):
    xl = tmp_path / "xl"
    xl.write_text(FAKE_XL)
    xl.chmod(0o755)
    auto = tmp_path / "auto"
    auto.mkdir()
    config = tmp_path / "xendomains.conf"
    config.write_text(f"XENDOMAINS_AUTO={auto}\nXENDOMAINS_STOP_TIMEOUT=1\n")
    state, calls = tmp_path / "state", tmp_path / "calls"
    state.write_text("")
    env = dict(os.environ, XL=str(xl), XENDOMAINS_CONFIG=str(config), STATE=str(state),
               CALLS=str(calls))

    def run(*args):
        calls.write_text("")
        r = subprocess.run([XENDOMAINS, *args], env=env, capture_output=True, text=True,
                           timeout=120)
        return r, calls.read_text().splitlines(), state.read_text()

    run.auto = auto
    return run


def test_start_creates_the_guests_in_auto_once(xendomains):
    for name in ("web", "db"):
        (xendomains.auto / f"{name}.cfg").write_text(textwrap.dedent(f"""\
            name = "{name}"
            kernel = "/srv/xen/vmlinuz"
            """))
    (xendomains.auto / "notes.txt").write_text("not a config\n")
    r, calls, state = xendomains("start")
    assert r.returncode == 0, r
    assert sorted(line.split()[0] for line in state.splitlines()) == ["db", "web"]
    # Started again, running guests are left alone.
    r, calls, _ = xendomains("start")
    assert not [c for c in calls if c.startswith("create")], calls
    assert "web is already running" in r.stdout


def test_stop_shuts_every_guest_down_then_destroys_stragglers(xendomains):
    (xendomains.auto / "web.cfg").write_text('name = "web"\n')
    (xendomains.auto / "stuck.cfg").write_text('name = "stuck"\n')
    xendomains("start")
    r, calls, state = xendomains("stop")
    assert r.returncode == 0, r
    assert "shutdown -a -ww" in calls, calls
    # web went by itself; stuck outlived XENDOMAINS_STOP_TIMEOUT.
    assert "destroy stuck" in calls and "destroy web" not in calls, calls
    assert "stuck did not shut down within 1s; destroying it" in r.stdout, r.stdout
    assert state == "" and "all guests stopped" in r.stdout


def test_stop_without_guests(xendomains):
    r, calls, _ = xendomains("stop")
    assert r.returncode == 0 and "no guests running" in r.stdout, r
    assert not [c for c in calls if c.startswith(("shutdown", "destroy"))], calls
