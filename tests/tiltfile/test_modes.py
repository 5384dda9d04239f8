"""The Tiltfile in every mode: what it names exists, and its resources fit together."""

from __future__ import annotations

import pytest

from tests.manifests.build import REPO, containers
from tests.tiltfile.lab import MODES, applied, params, procfile, referenced_paths, resources, run, workloads

pytestmark = pytest.mark.parametrize("mode", params(MODES))


def test_every_referenced_path_exists(mode: str) -> None:
    missing = sorted(path for path in referenced_paths(run(mode)) if not (REPO / path).exists())
    assert not missing, f"the Tiltfile names paths that do not exist: {missing}"


def test_resource_deps_name_resources(mode: str) -> None:
    found = resources(run(mode))
    dangling = {name: sorted(set(r["resource_deps"] or []) - set(found)) for name, r in found.items()}
    assert not {name: deps for name, deps in dangling.items() if deps}


def test_buttons_name_resources(mode: str) -> None:
    found = resources(run(mode))
    for button in run(mode).of("cmd_button"):
        assert button["resource"] in found, f"button {button['name']} is on a resource that does not exist"


def test_the_enabled_resources_are_all_of_them(mode: str) -> None:
    (enabled,) = run(mode).of("config.set_enabled_resources")
    assert enabled["resources"] == []


def test_every_resource_can_become_ready(mode: str) -> None:
    """`tilt ci` waits for all: a server needs a readiness probe, a job must end (auto_init=False is skipped)."""
    for name, resource in resources(run(mode)).items():
        if resource["kind"] == "local_resource" and resource["serve_cmd"] and resource["auto_init"]:
            assert resource["readiness_probe"], f"{name}: a server without a readiness probe never turns ready"
    for workload in workloads(run(mode)):
        if workload["kind"] in ("Job", "CronJob"):  # they end; they serve nothing to be ready for
            continue
        if workload["metadata"]["name"] != "locust-worker":  # no port to probe; ready once running
            for container in containers(workload):
                assert "readinessProbe" in container, workload["metadata"]["name"]


def test_parts_turned_off_are_gone(mode: str) -> None:
    settings = {"observability": True, "load": True, "registry": True, **MODES[mode]}
    names = set(resources(run(mode)))
    parts = {
        "observability": {"prometheus", "grafana"},
        "load": {"locust", "load-test"},
        "registry": {"mlflow", "canary-check"},
    }
    for part, members in parts.items():
        if settings.get("local"):  # local mode runs what the Procfile has (its lines come as the parts land)
            members = {m for m in members if m in procfile() or m == "load-test"}
        present = members & names
        assert present == (members if settings[part] else set()), f"{part} on={settings[part]}: {sorted(names)}"
        labelled = {o["metadata"].get("labels", {}).get("inferlab/part") for o in applied(run(mode))}
        assert part not in labelled or settings[part]
    buttons = {b["name"] for b in run(mode).of("cmd_button")}
    assert ("load-test-button" in buttons) == settings["load"]
    assert {"canary-button", "promote-button"} & buttons == (
        {"canary-button", "promote-button"} if settings["registry"] else set()
    )
