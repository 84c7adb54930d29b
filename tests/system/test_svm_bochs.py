"""tern's SVM path under Bochs, a second emulator beside QEMU
(docs/svm-bochs.md): Bochs's SVM has next-RIP save and flush by ASID, which
QEMU's lacks, and its nested paging is its own code. The guest that calls
from a 32-bit code segment in long mode runs here as well as under QEMU
(test_guests.py, test_domu_guests.py), so what it shows does not rest on
one emulator (docs/compat-abi.md)."""

from bochs import SVM_MODEL, BochsMachine
from initial_domain_guest import expect_success, guest_module

CMDLINE = "console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all noreboot"
SVM_FEATURES = r"SVM: \d+ ASIDs, nested paging, next-RIP save, flush by ASID"


def test_long_mode_compat_guest_under_bochs():
    name = "compat32_longmode"
    with BochsMachine(f"svm-bochs-{name}", SVM_MODEL, CMDLINE, modules=[guest_module(name)]) as m:
        m.wait_for("HVM: AMD-V \\(SVM\\)")
        m.wait_for(SVM_FEATURES)
        expect_success(m, name)
