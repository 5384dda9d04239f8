"""The lab's Dockerfiles read as instructions: what each copies, which extra it installs, what it runs."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from tests.manifests.build import REPO

DOCKER_DIR = REPO / "docker"
IMAGES = ("service", "ui", "locust")  # docker/<name>.Dockerfile builds inferlab/<name>


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def path(image: str) -> Path:
    return DOCKER_DIR / f"{image}.Dockerfile"


def instructions(image: str) -> list[Instruction]:
    """Instructions with continuation lines joined; comments and blank lines dropped."""
    text = re.sub(r"\\\n", " ", path(image).read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [Instruction(*[*line.split(None, 1), ""][:2]) for line in lines if line and not line.startswith("#")]


def copies(image: str) -> list[tuple[list[str], str]]:
    """(sources, destination) of each COPY, flags (--chown) left out."""
    found = []
    for instruction in instructions(image):
        if instruction.keyword == "COPY":
            words = [word for word in shlex.split(instruction.arguments) if not word.startswith("--")]
            found.append((words[:-1], words[-1]))
    return found


def sources(image: str) -> set[str]:
    """Every repository path the image copies, without trailing slashes."""
    return {source.rstrip("/") for found, _ in copies(image) for source in found}


def installed_extra(image: str) -> str:
    (extra,) = [i.arguments.split()[1] for i in instructions(image) if i.arguments.startswith("install-deps.sh")]
    return extra


def command(image: str) -> list[str]:
    (cmd,) = [i.arguments for i in instructions(image) if i.keyword == "CMD"]
    return json.loads(cmd)


def dockerignored(path: str) -> bool:
    """Docker's rule: the last matching line of .dockerignore decides; `!` lets a path back in."""
    ignored = False
    for line in (REPO / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pattern = line.removeprefix("!").rstrip("/").removeprefix("**/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes) or fnmatch.fnmatch(parts[-1], pattern):
            ignored = not line.startswith("!")
    return ignored
