"""The Tiltfile's cluster modes: images, live update, one resource per workload, ports from lab.json."""

from __future__ import annotations

import json

import pytest

from services.inference.settings import DEFAULT_MODELS
from tests.docker import dockerfile
from tests.manifests.build import REPO, containers
from tests.tiltfile.entities import is_workload
from tests.tiltfile.lab import MODES, deployment, lab_ports, resources, run, workloads

CLUSTER_MODES = [mode for mode, settings in MODES.items() if not settings.get("local")]
# The cluster modes' Tiltfile runs kubectl kustomize (a process).
pytestmark = [pytest.mark.integration, pytest.mark.parametrize("mode", CLUSTER_MODES)]


def image_name(reference: str) -> str:
    return reference.rsplit(":", 1)[0]


def test_every_image_built_is_deployed_and_every_lab_image_is_built(mode: str) -> None:
    built = {build["ref"] for build in run(mode).of("docker_build")}
    used = {image_name(c["image"]) for w in workloads(run(mode)) for c in containers(w)}
    assert built <= used, f"built but never deployed: {sorted(built - used)}"
    assert {image for image in used if image.startswith("inferlab/")} == built


def test_each_build_sends_what_its_dockerfile_copies(mode: str) -> None:
    for build in run(mode).of("docker_build"):
        image = build["ref"].removeprefix("inferlab/")
        assert build["dockerfile"] == f"docker/{image}.Dockerfile"
        assert (REPO / build["dockerfile"]).is_file()
        assert build["context"] == "."
        assert set(build["only"]) == dockerfile.sources(image), f"{image}: only= and the COPY lines differ"


def test_live_update_syncs_the_code_and_reinstalls_only_for_pyproject(mode: str) -> None:
    for build in run(mode).of("docker_build"):
        image = build["ref"].removeprefix("inferlab/")
        steps = build["live_update"]
        syncs = {s["local_path"]: s["remote_path"] for s in steps if s["step"] == "sync"}
        assert syncs == {path: f"/app/{path}" for path in set(build["only"]) - {"docker/install-deps.sh"}}
        (install,) = [s for s in steps if s["step"] == "run"]
        assert install["trigger"] == ["pyproject.toml"]
        assert install["cmd"].startswith(f"install-deps.sh {dockerfile.installed_extra(image)} ")
        assert "restart_container" not in {s["step"] for s in steps}, "restart_container() is for Docker Compose"
        assert build["build_args"] == {"RELOAD": "true"}, "the reloader (watchfiles) is installed with RELOAD"


def test_one_resource_per_workload_each_labelled(mode: str) -> None:
    assembled = run(mode).assembly.resources
    for name, resource in assembled.items():
        assert len([o for o in resource.entities if is_workload(o)]) <= 1, f"{name} holds several workloads"
        assert any(call["labels"] for call in resource.calls), f"{name} has no label in Tilt's UI"
    held = sorted(o["metadata"]["name"] for r in assembled.values() for o in r.entities if is_workload(o))
    assert held == sorted(w["metadata"]["name"] for w in workloads(run(mode)))


def test_nothing_is_left_uncategorized(mode: str) -> None:
    """Tilt joins Services to the workload they select; every other object is named in some resource."""
    left = [f"{o['kind']}/{o['metadata']['name']}" for o in run(mode).assembly.unresourced]
    assert not left, f"in Tilt's 'uncategorized': {left}"


def test_port_forwards_and_links_come_from_lab_json(mode: str) -> None:
    ports = lab_ports()
    for name, resource in resources(run(mode)).items():
        for forward in resource.get("port_forwards") or []:
            assert forward["local_port"] == forward["container_port"] == ports[name], name
    forwarded = {name for name, r in resources(run(mode)).items() if r.get("port_forwards")}
    assert forwarded == set(ports) & set(resources(run(mode))), "a component of lab.json without a port forward"


def test_links_reach_the_ui_the_api_docs_and_the_tools(mode: str) -> None:
    links = {f["name"]: f["link_path"] for r in resources(run(mode)).values() for f in r.get("port_forwards") or []}
    assert links["API docs"] == "/schema"
    assert {"UI", "API docs"} <= set(links)


def test_worker_count_and_model_reach_the_deployments(mode: str) -> None:
    settings = MODES[mode]
    if settings.get("load", True):
        assert deployment(run(mode), "locust-worker")["spec"]["replicas"] == int(settings.get("workers", "2"))
    (container,) = deployment(run(mode), "inference")["spec"]["template"]["spec"]["containers"]
    models = json.loads({e["name"]: e.get("value") for e in container["env"]}["INFERLAB_MODELS"])
    if "model" in settings:
        assert models == [settings["model"]]
    elif settings.get("registry", True):
        assert models == ["models:/efficientnet-lite0@champion"], "the registry's champion, as `make up` serves"
    else:
        assert models == list(DEFAULT_MODELS), "without the registry, the service's own files"


def test_the_telemetry_files_of_the_configmaps_are_watched(mode: str) -> None:
    watched = {call["file_path"] for call in run(mode).of("watch_file")}
    expected = {"telemetry/prometheus/prometheus-k8s.yml", "telemetry/grafana/dashboards/inferlab-service.json"}
    assert expected <= watched
