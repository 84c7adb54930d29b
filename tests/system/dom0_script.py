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

guest_results() reads the markers back from the console."""

import re

from domu_guests import guest_files, instances

DONE = r"^TERN-SCRIPT: done$"

RC_LOCAL = r"""#!/bin/sh
# Written by tests/system/dom0_script.py.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
dmesg -n 1

main() {
/usr/libexec/tern/xencommons start >/tmp/xencommons.log 2>&1 ||
	{ echo "TERN-SCRIPT: xencommons failed"; cat /tmp/xencommons.log; }
echo "TERN-SCRIPT: xl info"
xl info
echo "TERN-SCRIPT: xl info end"

# A guest's domUs: name, instances. Created paused, unpaused together.
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
	for id in $ids; do
		t=0 state=""
		while [ $t -lt {limit} ]; do
			state=$(xl list "$id" | awk 'NR == 2 { print $5 }')
			case $state in *s*|*c*) break ;; esac
			sleep 1
			t=$((t + 1))
		done
		echo "TERN-SCRIPT: guest $name d$id state $state"
		xl dmesg | grep -F "(d$id) "
		echo "TERN-SCRIPT: guest $name d$id end"
		xl destroy "$id"
	done
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


def script_files(names, commands="", limit=600):
    """The rc.local that runs `commands` (shell lines) after `xl info`, then
    guests `names` (each until it stops, at most `limit` seconds of dom0's
    time), and the guests' files."""
    calls = "\n".join(f"run_guest {n} {instances(n)}" for n in names)
    script = (RC_LOCAL.replace("{limit}", str(limit)).replace("{commands}", commands)
              .replace("{guests}", calls))
    return {"etc/rc.local": (0o100755, script.encode()), **guest_files(names)}


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
