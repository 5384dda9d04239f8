"""A stand-in for `python:3.11-slim-bookworm`, built from Debian's packages: no container registry answers here.

`debootstrap --variant=minbase` lays Debian bookworm with its Python 3.11, from the mirror this machine's
own apt sources name (read now, never written down); `docker import` makes it an image of that name, so
the Dockerfiles' `FROM` finds it without a pull. What the Dockerfiles rely on behaves as in the official
image: `python` and `pip` on PATH, `python -m venv`, `useradd`, root may `pip install` (no
EXTERNALLY-MANAGED marker), LANG=C.UTF-8. It differs in what they do not rely on: Debian's Python (3.11.2,
in /usr) instead of one built in /usr/local. The machine's CA bundle, and the part of its pip
configuration that makes sense inside an image, are copied in, so that pip reaches PyPI from the builds.
The root file system is kept as a tarball in the cache folder: debootstrap runs once per cache.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.docker.engine import Engine

IMAGE = "python:3.11-slim-bookworm"
SUITE = "bookworm"
# python-is-python3: `python`; python3-venv: `python -m venv`; ca-certificates, netbase, tzdata: as the official image.
PACKAGES = ("python3", "python3-venv", "python3-pip", "python-is-python3", "ca-certificates", "netbase", "tzdata")
CA_BUNDLE = "etc/ssl/certs/ca-certificates.crt"
# pip settings that still mean something inside an image: where the index is and how to trust it.
PIP_KEYS = ("index-url", "extra-index-url", "trusted-host", "default-timeout", "timeout", "proxy")
DEBOOTSTRAP_TIMEOUT_S = 900
LABEL = "inferlab.stand-in"


class StandInFailed(RuntimeError):
    """The stand-in could not be made; the message says what to check."""


def debian_mirror(apt_dir: Path = Path("/etc/apt")) -> str:
    """The first mirror of the machine's apt sources that serves `SUITE` (deb822 `.sources` or one-line)."""
    for path in sorted((apt_dir / "sources.list.d").glob("*.sources")):
        for block in re.split(r"\n\s*\n", path.read_text()):
            fields = dict(re.findall(r"^([A-Za-z-]+):\s*(.+)$", block, flags=re.MULTILINE))
            if "deb" in fields.get("Types", "").split() and SUITE in fields.get("Suites", "").split():
                return fields["URIs"].split()[0]
    lists = [apt_dir / "sources.list", *sorted((apt_dir / "sources.list.d").glob("*.list"))]
    for path in (p for p in lists if p.is_file()):
        for line in path.read_text().splitlines():
            words = re.sub(r"\[[^]]*\]", "", line.split("#")[0]).split()
            if len(words) >= 3 and words[0] == "deb" and words[2] == SUITE:
                return words[1]
    raise StandInFailed(f"no Debian {SUITE} mirror in {apt_dir}'s sources: the stand-in needs one to debootstrap")


def host_pip_config() -> dict[str, str]:
    """This machine's pip settings (files and PIP_* variables, as `pip config list` shows them)."""
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    ).stdout
    found: dict[str, str] = {}
    for scope_key, value in re.findall(r"^[^.\s]*\.([a-z-]+)='(.*)'$", listing, flags=re.MULTILINE):
        found.setdefault(scope_key, value)
    return found


def image_pip_conf(host: dict[str, str]) -> str:
    """/etc/pip.conf of the image: the host's index settings that reach out over the network, and its CAs."""
    lines = ["[global]", f"cert = /{CA_BUNDLE}"]
    for key in PIP_KEYS:
        remote = [v for v in host.get(key, "").split() if key not in ("index-url", "extra-index-url") or "://" in v]
        remote = [v for v in remote if not v.startswith("file:")]
        if remote:
            lines.append(f"{key} = {' '.join(remote)}")
    return "\n".join(lines) + "\n"


def host_ca_bundle(host: dict[str, str]) -> Path:
    bundle = Path(host.get("cert") or ssl.get_default_verify_paths().cafile or f"/{CA_BUNDLE}")
    if not bundle.is_file():
        raise StandInFailed(f"no CA bundle at {bundle}: pip inside the builds could not verify PyPI")
    return bundle


def recipe() -> dict[str, str]:
    """Everything the root file system is made of; its hash names the cached tarball."""
    host = host_pip_config()
    return {
        "mirror": debian_mirror(),
        "suite": SUITE,
        "packages": ",".join(PACKAGES),
        "pip.conf": image_pip_conf(host),
        "ca": hashlib.sha256(host_ca_bundle(host).read_bytes()).hexdigest(),
        "ca_path": str(host_ca_bundle(host)),
    }


def rootfs_tarball(cache: Path, log: Path) -> Path:
    """The stand-in's root file system as a tarball in `cache`, debootstrapped unless it is there already."""
    spec = recipe()
    key = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]
    tarball = cache / f"python-stand-in-{key}.tar"
    if tarball.is_file():
        return tarball
    for stale in cache.glob("python-stand-in-*.tar"):
        stale.unlink()
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix="rootfs-") as work:
        rootfs = Path(work) / "rootfs"
        debootstrap(rootfs, spec["mirror"], log)
        customise(rootfs, Path(spec["ca_path"]), spec["pip.conf"])
        partial = Path(work) / "rootfs.tar"
        subprocess.run(["tar", "--numeric-owner", "-C", str(rootfs), "-cf", str(partial), "."], check=True)
        partial.rename(tarball)
    return tarball


def debootstrap(rootfs: Path, mirror: str, log: Path) -> None:
    debootstrap_bin = shutil.which("debootstrap")
    if debootstrap_bin is None:
        raise StandInFailed("no debootstrap: apt-get install debootstrap (.ci/run does)")
    command = [debootstrap_bin, "--variant=minbase", f"--include={','.join(PACKAGES)}", SUITE, str(rootfs), mirror]
    with log.open("wb") as out:
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=DEBOOTSTRAP_TIMEOUT_S)
    if result.returncode != 0:
        raise StandInFailed(f"debootstrap failed ({result.returncode}); its log ends with:\n{log.read_text()[-3000:]}")


def customise(rootfs: Path, ca_bundle: Path, pip_conf: str) -> None:
    shutil.copyfile(ca_bundle, rootfs / CA_BUNDLE)
    (rootfs / "etc/pip.conf").write_text(pip_conf)
    for marker in (rootfs / "usr/lib").glob("python3*/EXTERNALLY-MANAGED"):
        marker.unlink()  # the official image lets root pip install into the system Python
    for leftovers in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for path in (rootfs / leftovers).glob("*"):
            if path.is_file():
                path.unlink()


def import_image(engine: Engine, tarball: Path) -> None:
    """`docker import` the tarball as IMAGE, unless the engine holds this very tarball's image already."""
    existing = engine.docker("image", "inspect", "--format", f'{{{{index .Config.Labels "{LABEL}"}}}}', IMAGE,
                             check=False).stdout.strip()  # fmt: skip
    if existing == tarball.name:
        return
    changes = [
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "ENV LANG=C.UTF-8",
        f"LABEL {LABEL}={tarball.name}",
        'CMD ["python3"]',
    ]
    engine.docker("import", *(arg for change in changes for arg in ("--change", change)), str(tarball), IMAGE,
                  timeout_s=600)  # fmt: skip
