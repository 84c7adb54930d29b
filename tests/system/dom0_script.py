"""dom0 that runs a script of its own and powers off, for emulators whose
serial port nothing can type into (Bochs writes it to a file).

dom0's initramfs runs /etc/rc.local after "TERN-INIT: userspace up"
(images/test-initramfs.sh). script_files() returns that rc.local and the
test guests' ELFs and configs (domu_guests.guest_files) as files for
dom0.image_with: the script starts xencommons, prints `xl info`, runs the
test's own commands, then for each guest creates its domUs paused (as many
as its "# instances: N"), unpauses them together, waits quietly until each
has shut down or crashed, notes each one's state and its lines from `xl
dmesg` between markers and destroys it; at the end it prints all it noted
and powers dom0 off. Nothing is printed while domains live: tern writes its lines and a domU's
straight to the serial port from any CPU while dom0's wait in the tty's
buffer, and they would land inside one another.

The commands may call `run_debian NAME VCPUS` (Debian's kernel as a domU,
watched through xenconsoled's log of its console until its userspace runs,
then shut down) and `run_guest NAME COUNT DRIVER`, where DRIVER is a shell
function they define that drives the running domUs (given their ids).

guest_results() and debian_result() read the markers back from the console."""

import os
import re

from dom0 import IMAGES, VMLINUZ
from domu_guests import guest_files, instances

# The sample guest's initramfs (images/dom0-image.sh): "TERN-DOMU: userspace
# up", then "TERN-DOMU: timers work", on its console.
DOMU_IMAGE = os.path.join(IMAGES, "domu.cpio.gz")

DONE = r"^TERN-SCRIPT: done$"

RC_LOCAL = r"""#!/bin/sh
# Written by tests/system/dom0_script.py.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
dmesg -n 1
# xenconsoled gives each guest's console a pty: this image's /init mounts
# no devpts, and without it a domU's console ring is never drained.
mkdir -p /dev/pts
grep -q " /dev/pts " /proc/mounts || mount -t devpts devpts /dev/pts

main() {
/usr/libexec/tern/xencommons start >/tmp/xencommons.log 2>&1 ||
	{ echo "TERN-SCRIPT: xencommons failed"; cat /tmp/xencommons.log; }
echo "TERN-SCRIPT: xl info"
xl info
echo "TERN-SCRIPT: xl info end"

# Waits until domain $1 has shut down or crashed, at most {limit} s; its
# state in $state.
wait_stopped() {
	t=0 state=""
	while [ $t -lt {limit} ]; do
		state=$(xl list "$1" | awk 'NR == 2 { print $5 }')
		case $state in *s*|*c*) return ;; esac
		sleep 1
		t=$((t + 1))
	done
}

# A guest's domUs: name, instances, and optionally a shell function that
# drives them. Created paused, unpaused together.
run_guest() {
	name=$1 count=$2 ids="" i=0
	while [ $i -lt "$count" ]; do
		dom=$name
		[ "$count" -gt 1 ] && dom=$name-$i
		if ! xl create -p /root/guests/$name.cfg "name=\"$dom\"" >/tmp/create.log 2>&1; then
			echo "TERN-SCRIPT: $dom create failed"
			cat /tmp/create.log
		else
			ids="$ids $(xl domid "$dom")"
		fi
		i=$((i + 1))
	done
	for id in $ids; do xl unpause "$id"; done
	# A guest driven from dom0: its driver (a shell function) with the ids.
	[ -z "$3" ] || $3 $ids
	for id in $ids; do
		wait_stopped "$id"
		echo "TERN-SCRIPT: guest $name d$id state $state"
		xl dmesg | grep -F "(d$id) "
		echo "TERN-SCRIPT: guest $name d$id end"
		xl destroy "$id"
	done
}

# Debian's kernel as a domU: name, vCPUs. The sample guest's initramfs
# without disk or network; its console is xenconsoled's log. Waits until its
# userspace has run a timer (or it stopped, or {limit} s passed), shuts it
# down, waits for it to stop, and prints its state and console.
run_debian() {
	name=$1 log=/var/log/xen/console/guest-$1.log
	cat >/tmp/$name.cfg <<CFG
name = "$name"
type = "pvh"
kernel = "/root/debian/vmlinuz"
ramdisk = "/root/debian/domu.cpio.gz"
extra = "console=hvc0"
memory = 128
vcpus = $2
on_poweroff = "preserve"
on_crash = "preserve"
CFG
	if ! xl create /tmp/$name.cfg >/tmp/create.log 2>&1; then
		echo "TERN-SCRIPT: debian $name create failed"
		cat /tmp/create.log
		return
	fi
	t=0 state=""
	while [ $t -lt {limit} ] && ! grep -q "TERN-DOMU: timers work" $log 2>/dev/null; do
		state=$(xl list $name | awk 'NR == 2 { print $5 }')
		case $state in *s*|*c*) break ;; esac
		sleep 5
		t=$((t + 5))
	done
	echo "TERN-SCRIPT: debian $name ran $t s"
	[ $t -lt {limit} ] || xl debug-keys q
	xl shutdown $name >/dev/null 2>&1
	wait_stopped $name
	echo "TERN-SCRIPT: debian $name state $state"
	cat $log
	echo "TERN-SCRIPT: debian $name end"
	xl destroy $name
}

{commands}
{guests}
}

# All at the end, once no domain is left to print: tern writes its lines
# straight to the UART, dom0's wait in the tty's buffer, and the two would
# interleave. The tty drains before the poweroff.
main >/tmp/script.out 2>&1
cat /tmp/script.out
echo "TERN-SCRIPT: done"
sleep 20
poweroff -f
"""


def script_files(names, commands="", limit=600, debian=False, driven=()):
    """The rc.local that runs `commands` (shell lines) after `xl info`, then
    guests `names` (each until it stops, at most `limit` seconds of dom0's
    time), and the guests' files, those of guests `driven` (for `commands`
    to run) and, with `debian`, Debian's kernel and the sample guest's
    initramfs for `run_debian` in `commands`, with xenconsoled keeping each
    guest's console in its log."""
    calls = "\n".join(f"run_guest {n} {instances(n)}" for n in names)
    script = (RC_LOCAL.replace("{limit}", str(limit)).replace("{commands}", commands)
              .replace("{guests}", calls))
    files = {"etc/rc.local": (0o100755, script.encode()), **guest_files([*names, *driven])}
    if debian:
        for path in (VMLINUZ, DOMU_IMAGE):
            with open(path, "rb") as f:
                files[f"root/debian/{os.path.basename(path)}"] = (0o100644, f.read())
        files["etc/default/xencommons"] = (0o100644, b"XENCONSOLED_TRACE=guest\n")
    return files


def xl_info(output):
    """`xl info` as the script printed it: {key: value}."""
    found = re.search(r"^TERN-SCRIPT: xl info$(.*?)^TERN-SCRIPT: xl info end$", output, re.M | re.S)
    assert found, "the script printed no `xl info`"
    return dict((k.strip(), v.strip()) for k, _, v in
                (l.partition(":") for l in found.group(1).splitlines() if ":" in l))


def guest_results(output, name):
    """[(domid, state, the domain's console lines)] for each domU of guest
    `name`, as the script printed them."""
    runs = re.findall(rf"^TERN-SCRIPT: guest {name} d(\d+) state (\S*)$(.*?)"
                      rf"^TERN-SCRIPT: guest {name} d\1 end$", output, re.M | re.S)
    return [(int(d), state, "\n".join(l[l.index(f"(d{d}) ") + len(f"(d{d}) "):]
                                      for l in lines.splitlines() if f"(d{d}) " in l))
            for d, state, lines in runs]


def debian_result(output, name):
    """(seconds until its userspace ran a timer, its state at the end, its
    console) of `run_debian name`, as the script printed them, or None."""
    found = re.search(rf"^TERN-SCRIPT: debian {name} ran (\d+) s$.*?"
                      rf"^TERN-SCRIPT: debian {name} state (\S*)$(.*?)"
                      rf"^TERN-SCRIPT: debian {name} end$", output, re.M | re.S)
    return found and (int(found.group(1)), found.group(2), found.group(3))
