"""overlays/minikube differs from the base only where development must: live-updatable Python processes."""

from __future__ import annotations

import shlex

import pytest

from tests.manifests.build import BASE, OVERLAY, containers, objects, pod_spec, workloads
from tests.tiltfile.lab import run

# Every test builds the manifests with kubectl kustomize (a process).
pytestmark = pytest.mark.integration

RELOADED = {"inference", "ui", "locust-master", "locust-worker"}


def by_id(build: str) -> dict[tuple[str, str], dict]:
    return {(o["kind"], o["metadata"]["name"]): o for o in objects(build)}


def without_reload(o: dict) -> dict:
    """The object minus what the overlay changes: commands, read-only root, /tmp's size, checkov's note."""
    for container in containers(o) if o["kind"] == "Deployment" else []:
        container.pop("command", None)
        container["securityContext"].pop("readOnlyRootFilesystem")
    for volume in pod_spec(o)["volumes"] if o["kind"] == "Deployment" else []:
        if volume["name"] == "tmp":
            volume["emptyDir"].pop("sizeLimit")
    annotations = o["metadata"].get("annotations", {})
    for key in [k for k, v in annotations.items() if v.startswith("CKV_K8S_22=")]:
        del annotations[key]
    return o


def test_only_the_reloaded_deployments_differ() -> None:
    base, overlay = by_id(BASE), by_id(OVERLAY)
    assert base.keys() == overlay.keys()
    changed = {name for (kind, name), o in overlay.items() if o != base[(kind, name)]}
    assert changed == RELOADED
    for key in [("Deployment", name) for name in RELOADED]:
        assert without_reload(overlay[key]) == without_reload(base[key])


def test_the_reloader_runs_the_base_command_and_watches_code_the_image_gets() -> None:
    base = {w["metadata"]["name"]: containers(w)[0].get("command") for w in workloads(objects(BASE))}
    synced = {b["ref"]: set(b["only"]) for b in run("default").of("docker_build")}
    for workload in workloads(objects(OVERLAY)):
        name = workload["metadata"]["name"]
        if name not in RELOADED:
            continue
        (container,) = containers(workload)
        reloader, wrapped, watched = container["command"][:5], container["command"][5], container["command"][6:]
        assert reloader == ["watchfiles", "--filter", "python", "--target-type", "command"]
        assert shlex.split(wrapped) == base[name], f"{name}: development must run the program the base runs"
        image = container["image"].rsplit(":", 1)[0]
        for path in watched:
            assert any(s == path or s.startswith(path + "/") for s in synced[image]), f"{name}: {path} is not synced"
        assert "lab" in watched, "live_update's pip step touches lab/__init__.py to restart the process"


def test_live_updated_pods_have_room_in_tmp_for_a_pip_run() -> None:
    """A live update reinstalls with pip when pyproject.toml changes: about 83 MB in /tmp for the service."""
    for workload in workloads(objects(OVERLAY)):
        if workload["metadata"]["name"] in RELOADED:
            (tmp,) = [v for v in pod_spec(workload)["volumes"] if v["name"] == "tmp"]
            size = tmp["emptyDir"]["sizeLimit"]
            assert size.endswith("Mi") and int(size[:-2]) >= 200, workload["metadata"]["name"]


def test_workers_run_under_the_supervisor_that_restarts_them() -> None:
    for build in (BASE, OVERLAY):
        (worker,) = [w for w in workloads(objects(build)) if w["metadata"]["name"] == "locust-worker"]
        command = " ".join(containers(worker)[0]["command"])
        assert "python -m locustfiles.worker --master-host locust-master" in command, build
