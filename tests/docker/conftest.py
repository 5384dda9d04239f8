"""A real Docker engine and the lab's images, for the tests that build and run them (`make test-images`).

The engine's image store is kept in a git-ignored cache folder (INFERLAB_DOCKER_CACHE, default
build/docker), with the stand-in's debootstrapped root file system: a second run reuses both. CI starts
from a fresh clone, so it takes the cold path: debootstrap, then every image built from scratch.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.binaries import debian_binary
from tests.docker import builds, standin
from tests.docker.engine import Engine, running_engine
from tests.manifests.build import BASE, REPO, containers, objects, workloads


def cache_dir() -> Path:
    return Path(os.environ.get("INFERLAB_DOCKER_CACHE") or REPO / "build" / "docker").resolve()


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("dockerd runs as root only, and CI runs as root: this run is not CI's")
        pytest.skip("dockerd needs root: run the image tests as root (sudo make test-images)")
    dockerd = debian_binary("dockerd", "docker.io")
    client = debian_binary("docker", "docker.io")
    debian_binary("debootstrap", "debootstrap")
    with running_engine(str(dockerd), str(client), cache_dir() / "data-root") as running:
        yield running


@pytest.fixture(scope="session")
def images(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    """Every image the topology runs: the stand-in Python, Tilt's three builds, and the MLflow stand-in.

    Answers how long each step took (seconds), printed for the record of cold and warm runs.
    """
    logs = tmp_path_factory.mktemp("build-logs")
    manifest_images = {c["image"] for w in workloads(objects(BASE)) for c in containers(w)}
    took: dict[str, float] = {}
    started = time.monotonic()
    standin.import_image(engine, standin.rootfs_tarball(cache_dir(), logs / "debootstrap.log"))
    took[standin.IMAGE + " (stand-in)"] = time.monotonic() - started
    for build in builds.tilt_builds():
        started = time.monotonic()
        builds.build_image(engine, build, build.tag(manifest_images), logs / f"{build.ref.replace('/', '-')}.log")
        took[build.ref] = time.monotonic() - started
    for image in sorted(i for i in manifest_images if builds.stand_in_dockerfile(i)):
        started = time.monotonic()
        builds.build_stand_in(engine, image, logs / "stand-in.log")
        took[image + " (stand-in)"] = time.monotonic() - started
    print("image build times (s): " + ", ".join(f"{k} {v:.0f}" for k, v in took.items()))
    return took
