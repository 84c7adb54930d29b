"""The Debian packages `make deb` builds (build/deb): lintian finds nothing
above info, tern-utils holds every dom0 file the build installs under
build/dist (so new tools and scripts are packaged without being listed),
tern-hypervisor holds the hypervisor and its GRUB generator, and the
settings are conffiles. Installing, booting and purging them is
tests/system/test_debian_install.py."""

import glob
import gzip
import io
import os
import subprocess
import struct
import tarfile

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, "build")
DEBS = sorted(glob.glob(os.path.join(BUILD, "deb", "*.deb")))

pytestmark = pytest.mark.skipif(len(DEBS) != 2, reason="build/deb has no packages (make deb)")


def deb(name):
    return next(d for d in DEBS if os.path.basename(d).startswith(name + "_"))


def contents(path):
    """{path in the package: bytes} of its regular files and symbolic links
    (a link's bytes are its target)."""
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", path], capture_output=True,
                          check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        return {m.name[1:]: m.linkname.encode() if m.issym() else t.extractfile(m).read()
                for m in t.getmembers() if m.isfile() or m.issym()}


def field(path, name):
    return subprocess.run(["dpkg-deb", "-f", path, name], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_lintian_finds_no_error_or_warning():
    r = subprocess.run(["lintian", "--fail-on", "error,warning", *DEBS], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr


def test_tools_package_holds_everything_the_build_installs():
    dist = os.path.join(BUILD, "dist")
    built = set()
    for top, _, files in os.walk(dist):
        for f in files:
            path = "/" + os.path.relpath(os.path.join(top, f), dist)
            if not path.startswith("/usr/lib/tern/tests/"):
                built.add(path)
    packaged = contents(deb("tern-utils"))
    assert built <= set(packaged), built - set(packaged)
    assert not [p for p in packaged if p.startswith("/usr/lib/tern/tests/")]
    for must in ("/usr/sbin/xl", "/usr/sbin/xenstored", "/usr/sbin/xenconsoled",
                 "/lib/systemd/system/xendomains.service", "/usr/share/man/man1/xl.1.gz",
                 "/usr/sbin/tern-netback", "/lib/systemd/system/tern-netback.service",
                 "/usr/share/man/man8/tern-netback.8.gz", "/etc/xen/scripts/vif-bridge",
                 "/usr/share/doc/tern-utils/copyright"):
        assert must in packaged, must
    conffiles = subprocess.run(["dpkg-deb", "--info", deb("tern-utils"), "conffiles"],
                               capture_output=True, text=True, check=True).stdout.split()
    # Every file under /etc, as debhelper would: an admin's edits to the
    # settings or to a hotplug script survive upgrades.
    assert conffiles == sorted(p for p in packaged if p.startswith("/etc/")), conffiles
    assert {"/etc/default/xencommons", "/etc/default/xendomains",
            "/etc/xen/scripts/block", "/etc/xen/scripts/vif-bridge"} <= set(conffiles), conffiles


def test_hypervisor_package_holds_tern_and_its_grub_generator():
    path = deb("tern-hypervisor")
    packaged = contents(path)
    version = field(path, "Version")          # 0.1~dev for tern 0.1-dev
    image = f"/boot/tern-{version.replace('~', '-')}.gz"
    # A gzip'ed ELF32 file carrying a multiboot (v1) header, as GRUB loads it.
    elf = gzip.decompress(packaged[image])
    assert elf[:5] == b"\x7fELF\x01", elf[:5]
    assert struct.pack("<I", 0x1BADB002) in elf[:8192]
    with open(os.path.join(ROOT, "hypervisor", "grub", "20_linux_tern"), "rb") as f:
        assert packaged["/etc/grub.d/20_linux_tern"] == f.read()
    assert field(path, "Architecture") == "amd64"
    assert field(deb("tern-utils"), "Version") == version
