"""The images, built as `tilt up` builds them, and stand-ins for the third-party images no registry serves here.

The Tiltfile says how (its `docker_build` calls, read through the Tilt stand-in of tests/tiltfile): the
context, the Dockerfile, the build arguments and `only`. Tilt sends the daemon a context of the `only`
paths less what .dockerignore leaves out, and the Dockerfile; so does `context_tar`. Each image is tagged
as the base manifests name it (`inferlab/service:local`), which is what Tilt's own tag replaces there.
"""

from __future__ import annotations

import io
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.docker.dockerfile import dockerignored
from tests.docker.engine import Engine
from tests.docker.standin import IMAGE as PYTHON_IMAGE
from tests.manifests.build import REPO
from tests.tiltfile.stub import evaluate

BUILD_TIMEOUT_S = 1200
# The official MLflow image is `pip install mlflow==VERSION` on a slim Python: so is its stand-in.
MLFLOW_IMAGE = re.compile(r"^ghcr\.io/mlflow/mlflow:v(?P<version>[0-9][0-9.]*)$")


@dataclass(frozen=True)
class Build:
    """One `docker_build` of the Tiltfile."""

    ref: str
    context: str
    dockerfile: str
    build_args: dict[str, str]
    only: tuple[str, ...]

    @classmethod
    def from_tilt(cls, call: dict[str, Any]) -> Build:
        return cls(
            ref=call["ref"],
            context=call["context"],
            dockerfile=call["dockerfile"],
            build_args=dict(call["build_args"] or {}),
            only=tuple(call["only"] or ()),
        )

    def tag(self, manifest_images: set[str]) -> str:
        """The manifests' name of this image (Tilt matches its ref whatever the tag)."""
        named = sorted(image for image in manifest_images if image.split(":")[0] == self.ref)
        assert named, f"no manifest runs {self.ref}: the Tiltfile builds it for nothing"
        return named[0]


def tilt_builds() -> list[Build]:
    return [Build.from_tilt(call) for call in evaluate({}).of("docker_build")]


def context_files(build: Build) -> list[str]:
    """What Tilt sends: the files under `only`, less .dockerignore's, relative to the context."""
    root = REPO / build.context
    found: set[str] = set()
    for entry in build.only:
        path = root / entry
        files = [p for p in sorted(path.rglob("*")) if p.is_file()] if path.is_dir() else [path]
        found |= {str(p.relative_to(root)) for p in files if p.is_file()}
    return sorted(f for f in found if not dockerignored(f))


def context_tar(build: Build) -> bytes:
    root = REPO / build.context
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:  # no PAX: docker sniffs a tar
        for name in [*context_files(build), build.dockerfile]:
            tar.add(root / name, arcname=name, recursive=False)
    return buffer.getvalue()


def build_image(engine: Engine, build: Build, tag: str, log: Path) -> None:
    args = ["--network", "host", "--file", build.dockerfile, "--tag", tag]
    args += [arg for key, value in build.build_args.items() for arg in ("--build-arg", f"{key}={value}")]
    engine.build(args, context_tar(build), log, BUILD_TIMEOUT_S)


def stand_in_dockerfile(image: str) -> str | None:
    """The Dockerfile of a stand-in for a third-party image the manifests run, or None if there is none."""
    match = MLFLOW_IMAGE.match(image)
    if match is None:
        return None
    return (
        f"# A stand-in for {image}: MLflow {match['version']} from PyPI on the stand-in Python image.\n"
        f"FROM {PYTHON_IMAGE}\n"
        f"RUN pip install --no-cache-dir mlflow=={match['version']}\n"
        'CMD ["mlflow", "server"]\n'
    )


def build_stand_in(engine: Engine, image: str, log: Path) -> None:
    dockerfile = stand_in_dockerfile(image)
    assert dockerfile, f"no stand-in for {image}"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:  # no PAX: docker sniffs a tar
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile.encode())
        tar.addfile(info, io.BytesIO(dockerfile.encode()))
    engine.build(["--network", "host", "--tag", image], buffer.getvalue(), log, BUILD_TIMEOUT_S)
