"""Load tests from Tilt's UI (a button with inputs) and `tilt trigger load-test`; the smoke test."""

from __future__ import annotations

import re
import typing

import pytest
import starlark

from locustfiles.settings import LoadSettings, Shape
from tests.manifests.build import OVERLAY, REPO, containers, find, objects
from tests.tiltfile.lab import lab_ports, params, resources, run
from tests.tiltfile.stub import evaluate

MODES_WITH_LOAD = ["default", "local", "no-registry"]


@pytest.mark.parametrize("mode", params(MODES_WITH_LOAD))
def test_the_button_asks_for_users_rate_duration_and_a_shape_locust_knows(mode: str) -> None:
    (button,) = [b for b in run(mode).of("cmd_button") if b["resource"] == "locust"]
    inputs = {i["name"]: i for i in button["inputs"]}
    assert list(inputs) == ["USERS", "SPAWN_RATE", "RUN_TIME", "SHAPE"]
    choices = inputs["SHAPE"]["choice"]["choices"]
    assert choices[0] == "steady" and set(choices) <= set(typing.get_args(Shape))
    assert all(i["text"]["defaultValue"] == "" for name, i in inputs.items() if name != "SHAPE")


@pytest.mark.parametrize("mode", params(MODES_WITH_LOAD))
def test_the_manual_resource_runs_what_the_button_runs(mode: str) -> None:
    (button,) = [b for b in run(mode).of("cmd_button") if b["resource"] == "locust"]
    manual = resources(run(mode))["load-test"]
    assert button["argv"] == ["sh", "-c", manual["cmd"]]
    assert manual["auto_init"] is False and manual["trigger_mode"] == "manual"
    assert {"service", "locust"} <= set(manual["resource_deps"])


@pytest.mark.integration  # the cluster Tiltfile and the manifests run kubectl kustomize
def test_in_the_cluster_the_run_happens_in_the_locust_pod_and_locally_through_make() -> None:
    assert resources(run("default"))["load-test"]["cmd"] == "tilt/load-test.sh"
    local = resources(run("local"))["load-test"]["cmd"]
    assert local.startswith("make load ") and all(f'{v}="${v}"' in local for v in ("USERS", "SHAPE"))
    makefile = (REPO / "Makefile").read_text()
    assert "LOAD_VARIABLES := HOST USERS SPAWN_RATE RUN_TIME SHAPE" in makefile


@pytest.mark.parametrize("mode", params(["default", "local"]))
def test_the_smoke_test_classifies_a_photo_once_the_service_is_ready(mode: str) -> None:
    smoke = resources(run(mode))["smoke"]
    assert smoke["resource_deps"] == ["service"]
    assert smoke["cmd"] == f"tilt/smoke.sh http://localhost:{lab_ports()['service']}"
    assert "samples/cat.jpg" in (REPO / "tilt/smoke.sh").read_text() and (REPO / "samples/cat.jpg").is_file()


def test_the_uibutton_extension_has_no_choice_input_so_the_tiltfile_defines_its_own() -> None:
    tiltfile = (REPO / "Tiltfile").read_text()
    loading = tiltfile.replace("'cmd_button', 'text_input')", "'cmd_button', 'text_input', 'choice_input')", 1)
    assert loading != tiltfile
    with pytest.raises(starlark.StarlarkError):
        evaluate({}, files={"Tiltfile": loading})


@pytest.mark.integration  # the manifests are built with kubectl kustomize
def test_the_cluster_script_sets_load_settings_that_exist_in_the_pod_and_container_it_names() -> None:
    script = (REPO / "tilt/load-test.sh").read_text()
    assert "python -m locustfiles.remote" in script, "the running master and its workers run the test"
    variables = re.findall(r"INFERLAB_LOAD_(\w+)=", script)
    assert variables and {v.lower() for v in variables} <= set(LoadSettings.model_fields)
    master = find(objects(OVERLAY), "Deployment", "locust-master")
    labels = master["spec"]["template"]["metadata"]["labels"]
    selector = re.search(r"-l (\S+)", script).group(1)
    assert all(labels[key] == value for key, value in (pair.split("=") for pair in selector.split(",")))
    (container,) = containers(master)
    assert f"-c {container['name']}" in script
    assert "/app/runs" in {mount["mountPath"] for mount in container["volumeMounts"]}


@pytest.mark.parametrize("mode", params(["default", "local-all-parts"]))
def test_the_canary_button_and_manual_resource_run_the_same_check(mode: str) -> None:
    tilt = run(mode)
    (button,) = [b for b in tilt.of("cmd_button") if b["name"] == "canary-button"]
    (manual,) = [r for r in tilt.of("local_resource") if r["name"] == "canary-check"]
    assert button["argv"][-1] == manual["cmd"]
    local = mode.startswith("local")
    assert ("make canary" in manual["cmd"]) == local
    assert ("cronjob/inferlab-canary" in manual["cmd"]) == (not local)
