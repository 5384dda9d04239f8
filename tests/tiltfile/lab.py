"""What an evaluated Tiltfile amounts to: its resources, the objects it applies, the paths it names."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable
from functools import cache
from typing import Any

import pytest
import yaml

from tests.manifests.build import LOADER, REPO
from tests.tiltfile.entities import is_workload
from tests.tiltfile.stub import Tilt, evaluate

# Each way the lab is brought up: tilt_config.json / flags -> what Tilt parses.
MODES: dict[str, dict[str, Any]] = {
    "default": {},
    "local": {"local": True},
    "no-observability": {"observability": False},
    "no-load": {"load": False},
    "no-registry": {"registry": False},
    "local-all-parts": {"local": True, "registry": True},
    "local-no-registry": {"local": True, "registry": False},
    "local-no-load": {"local": True, "load": False, "observability": False},
    "workers-and-model": {"workers": "3", "model": "models/efficientnet-lite0-int8.onnx"},
}


def params(modes: Iterable[str]) -> list[Any]:
    """Modes as test parameters: a cluster mode's Tiltfile runs `kubectl kustomize` (a process), so its
    tests are integration tests; the local modes' stay unit tests."""
    return [
        pytest.param(mode, id=mode, marks=() if MODES[mode].get("local") else pytest.mark.integration) for mode in modes
    ]


@cache
def run(mode: str) -> Tilt:
    return evaluate(MODES[mode])


def procfile() -> dict[str, str]:
    """The local lab's processes by name (`make up` and Tilt's local mode run the same lines)."""
    lines = [line for line in (REPO / "Procfile").read_text().splitlines() if line and not line.startswith("#")]
    return {name.strip(): command.strip() for name, command in (line.split(":", 1) for line in lines)}


def lab_ports() -> dict[str, int]:
    lab = json.loads((REPO / "lab.json").read_text())
    return {name: spec["port"] for name, spec in lab.items() if not name.startswith("_")}


def resources(tilt: Tilt) -> dict[str, dict[str, Any]]:
    """Every resource by name, with its arguments (k8s_resource named by new_name, else workload)."""
    found: dict[str, dict[str, Any]] = {}
    for kind, name_of in (("k8s_resource", lambda a: a["new_name"] or a["workload"]), ("local_resource", None)):
        for arguments in tilt.of(kind):
            name = name_of(arguments) if name_of else arguments["name"]
            assert name not in found, f"resource {name} defined twice"
            found[name] = {"kind": kind, **arguments}
    return found


def applied(tilt: Tilt) -> list[dict[str, Any]]:
    return [o for call in tilt.of("k8s_yaml") for o in yaml.load_all(call["yaml"], Loader=LOADER) if o]


def workloads(tilt: Tilt) -> list[dict[str, Any]]:
    """What Tilt makes a resource of: an object with a container image, or a Job or CronJob."""
    return [o for o in applied(tilt) if is_workload(o)]


def deployment(tilt: Tilt, name: str) -> dict[str, Any]:
    (found,) = [o for o in workloads(tilt) if o["metadata"]["name"] == name]
    return found


def script_paths(command: str | list[str]) -> list[str]:
    """The repository scripts a command runs (`tilt/x.sh ...`, or inside `sh -c '...'`)."""
    words = command if isinstance(command, list) else shlex.split(command)
    if words[:2] == ["sh", "-c"]:
        return script_paths(words[2])
    return [word for word in words if word.endswith(".sh") and "/" in word]


def referenced_paths(tilt: Tilt) -> set[str]:
    """Every repository path the Tiltfile names: read, watched, built, synced, run."""
    paths = set(tilt.read) | {c["file_path"] for c in tilt.of("watch_file")}
    paths |= {c["pathToDir"] for c in tilt.of("kustomize")}
    for build in tilt.of("docker_build"):
        paths |= {build["context"], build["dockerfile"], *build["only"]}
        for step in build["live_update"]:
            paths |= {step["local_path"]} if step["step"] == "sync" else set(step.get("trigger", []))
    for local in tilt.of("local_resource"):
        paths |= set(local["deps"] or []) | set(script_paths(local["cmd"] or "true"))
    for button in tilt.of("cmd_button"):
        paths |= set(script_paths(button["argv"]))
    return paths
