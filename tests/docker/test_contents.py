"""What goes into the images: everything their entry points import, and nothing of the checkout's clutter."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

from tests.docker import dockerfile
from tests.docker.dockerfile import dockerignored
from tests.manifests.build import REPO, tool

FIRST_PARTY = {"services", "telemetry", "ui", "locustfiles", "lab"}
# The modules each image starts (CMD, and the worker's locustfile).
ENTRY_POINTS = {
    # The registry's bootstrap Job and the canary CronJob run on the service's image too.
    "service": ["services/inference/__main__.py", "services/registry/__main__.py"],
    "ui": ["ui/__main__.py"],
    "locust": ["locustfiles/web.py", "locustfiles/run.py", "locustfiles/locustfile.py", "locustfiles/worker.py"],
}


def module_file(module: str) -> Path | None:
    path = REPO / module.replace(".", "/")
    return next((p for p in (path / "__init__.py", path.with_suffix(".py")) if p.is_file()), None)


def imported_files(start: Path) -> set[Path]:
    """The first-party files `start` imports, transitively (package __init__ files included)."""
    seen: set[Path] = set()
    todo = [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] in FIRST_PARTY:
                    todo += [f for i in range(len(parts)) if (f := module_file(".".join(parts[: i + 1])))]
    return seen


@pytest.mark.parametrize("image", dockerfile.IMAGES)
def test_the_image_holds_every_module_its_entry_points_import(image: str) -> None:
    copied = dockerfile.sources(image)
    for entry in ENTRY_POINTS[image]:
        for path in imported_files(REPO / entry):
            relative = str(path.relative_to(REPO))
            inside = any(relative == c or relative.startswith(c + "/") for c in copied)
            assert inside and not dockerignored(relative), f"{image}: {entry} imports {relative}, not in the image"


def test_the_import_walk_finds_what_it_should() -> None:
    found = {str(p.relative_to(REPO)) for p in imported_files(REPO / "ui/__main__.py")}
    assert {"ui/app.py", "lab/layout.py", "lab/__init__.py"} <= found


@pytest.mark.parametrize("path", [".venv/bin/python", "tests/conftest.py", "runs/x/summary.md", "Makefile",
                                  "services/__pycache__/lab.cpython-311.pyc", "services/export/bench.py"])  # fmt: skip
def test_the_checkout_s_clutter_stays_out_of_the_build_context(path: str) -> None:
    assert dockerignored(path)


def test_the_shell_scripts_pass_shellcheck() -> None:
    shellcheck = tool("shellcheck", "apt-get install shellcheck")
    scripts = sorted(str(p) for p in [*REPO.glob("tilt/*.sh"), REPO / "docker/install-deps.sh"])
    result = subprocess.run([shellcheck, *scripts], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
