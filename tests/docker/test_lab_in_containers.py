"""The images for real: built by a real Docker engine as `tilt up` builds them, run as the manifests run them.

No container registry answers here, so `python:3.11-slim-bookworm` is a stand-in made from Debian's
packages (standin.py) and so is MLflow's official image (builds.py); the Pushgateway is Debian's binary
on the host. Everything else is the real thing: Tilt's three images from this checkout, non-root, on
read-only roots, without capabilities, each Service a port on 127.0.0.1 (pods.py, lab.py).
The journeys run in file order: the promote and the master's restart change the lab, so they come last.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from playwright import sync_api
from prometheus_client.parser import text_string_to_metric_families

from tests.binaries import debian_binary
from tests.docker import kubectl
from tests.docker.engine import Engine
from tests.docker.lab import PREFIX, ContainerLab, container_lab
from tests.docker.pods import pods
from tests.docker.standin import IMAGE as PYTHON_IMAGE
from tests.docker.standin import LABEL as STAND_IN_LABEL
from tests.integration import test_ui_browser as browser_test
from tests.manifests.build import OVERLAY, REPO, objects, workloads
from tests.tiltfile.stub import evaluate

pytestmark = [pytest.mark.integration, pytest.mark.docker, pytest.mark.timeout(2400)]

PROJECT_VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
CAT = REPO / "samples" / "cat.jpg"
CAT_LABELS = {"tabby", "tiger cat", "Egyptian cat"}
MODEL = "efficientnet-lite0"
LOAD_USERS, LOAD_SECONDS = 4, 15
RUNS = REPO / "runs"  # where Tilt's Load test button leaves its reports
WAIT_S = 120.0


@pytest.fixture(scope="module")
def lab(engine: Engine, images: dict[str, float], tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContainerLab]:
    with container_lab(engine, tmp_path_factory.mktemp("container-lab")) as running:
        yield running


def service_url(lab: ContainerLab) -> str:
    return lab.url("inference", 8000)


def master_url(lab: ContainerLab) -> str:
    return lab.url("locust-master", 8089)


def until(what: str, check, timeout_s: float = WAIT_S, every_s: float = 1.0):
    """Poll `check()` until it answers something true; fail saying `what` did not happen."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(every_s)
    pytest.fail(f"{what}: not within {timeout_s:g} s")


def classify(url: str, photo: Path = CAT) -> dict:
    response = httpx.post(f"{url}/v1/predict", files={"file": (photo.name, photo.read_bytes())}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def samples(text: str, name: str) -> list:
    return [s for family in text_string_to_metric_families(text) for s in family.samples if s.name == name]


# ---- what the images are ----


def test_the_base_image_is_the_stand_in_made_from_debian_packages(engine: Engine, images: dict[str, float]) -> None:
    label = engine.docker("image", "inspect", "--format", f'{{{{index .Config.Labels "{STAND_IN_LABEL}"}}}}',
                          PYTHON_IMAGE).stdout.strip()  # fmt: skip
    assert label.startswith("python-stand-in-"), "the images were built on something else than the stand-in"


@pytest.mark.parametrize("image", ["inferlab/service:local", "inferlab/ui:local", "inferlab/locust:local"])
def test_every_image_knows_the_project_s_version(engine: Engine, images: dict[str, float], image: str) -> None:
    script = "import importlib.metadata as m; print(m.version('inferlab'))"
    found = engine.docker("run", "--rm", "--network", "none", image, "python", "-c", script).stdout.strip()
    assert found == PROJECT_VERSION


def test_the_image_holds_the_project_s_metadata_but_none_of_its_code(engine: Engine, images: dict[str, float]) -> None:
    """The code runs from /app, where Tilt syncs each edit: a copy in the venv would be a stale second one."""
    script = "import services, importlib.metadata as m; print(services.__file__); print(m.files('inferlab'))"
    found = engine.docker("run", "--rm", "--network", "none", "inferlab/service:local", "python", "-c", script)
    path, files = found.stdout.splitlines()
    assert path == "/app/services/__init__.py"
    assert "services/" not in files


# ---- the lab ----


def test_the_service_reports_the_project_s_version_at_v2_and_in_its_metrics(lab: ContainerLab) -> None:
    assert httpx.get(f"{service_url(lab)}/v2", timeout=10).json()["version"] == PROJECT_VERSION
    metrics = httpx.get(f"{service_url(lab)}/metrics", timeout=10).text
    assert {s.labels.get("service_version") for s in samples(metrics, "target_info")} == {PROJECT_VERSION}


def test_every_container_runs_as_a_user_of_its_own_on_a_read_only_root(lab: ContainerLab) -> None:
    assert {pod.workload for pod in lab.containers()} >= {"inference", "ui", "locust-master", "locust-worker", "mlflow"}
    for pod in lab.containers():
        config = json.loads(lab.engine.docker("inspect", pod.name).stdout)[0]
        assert config["HostConfig"]["ReadonlyRootfs"], pod.name
        assert config["HostConfig"]["CapDrop"] == ["ALL"], pod.name
        assert "no-new-privileges" in config["HostConfig"]["SecurityOpt"], pod.name
        # Asked from inside: the process's user, how its root is mounted, and whether /tmp (an emptyDir) takes a file.
        script = "id -u; awk '$2 == \"/\" {print $4}' /proc/mounts; touch /tmp/probe && echo writable"
        uid, root_mount, tmp = lab.engine.docker("exec", pod.name, "sh", "-c", script).stdout.splitlines()
        assert uid != "0", f"{pod.name} runs as root"
        assert root_mount.split(",")[0] == "ro", f"{pod.name}: its root is mounted {root_mount}"
        assert tmp == "writable", f"{pod.name}: its /tmp is not writable"


def test_the_service_serves_the_registry_s_champion(lab: ContainerLab) -> None:
    models = httpx.get(f"{service_url(lab)}/v1/models", timeout=10).json()["models"]
    roles = {m.get("alias"): m["version"] for m in models if m["name"] == MODEL}
    assert roles == {"champion": "1", "challenger": "2"}, models
    assert classify(service_url(lab))["predictions"][0]["label"] in CAT_LABELS


def test_a_cat_photo_uploaded_to_the_ui_in_chromium_is_labelled_a_cat(lab: ContainerLab) -> None:
    """The UI's container, reached by a real browser: its server calls the service's container."""
    chromium = debian_binary("chromium", "chromium")
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(chromium), args=browser_test.CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport=browser_test.VIEWPORT)
            page.set_default_timeout(browser_test.WAIT_MS)
            page.goto(lab.url("ui", 8600) + "/")
            page.get_by_text("service ready").wait_for()
            page.locator("input[type=file]").set_input_files(CAT)
            label = page.get_by_test_id("top-label").inner_text()
        finally:
            browser.close()
    assert label in CAT_LABELS, f"the cat was labelled {label!r}"


def test_the_canary_cronjob_pushes_its_figures_to_the_pushgateway(lab: ContainerLab) -> None:
    result = lab.run_to_completion(lab.workload("inferlab-canary"), "canary")
    assert result.returncode == 0, result.stdout + result.stderr
    gateway = lab.url("pushgateway", 9091)
    pushed = samples(httpx.get(f"{gateway}/metrics", timeout=10).text, "inferlab_canary_accuracy")
    assert pushed, "the canary pushed nothing to the Pushgateway"
    assert all(s.labels["job"] == "inferlab-canary" and 0.6 <= s.value <= 1 for s in pushed)


def test_the_load_test_button_runs_on_both_workers_and_shows_in_the_master_s_metrics(
    lab: ContainerLab, tmp_path: Path
) -> None:
    """The Tiltfile's Load test button, its own command (tilt/load-test.sh) with kubectl's stand-in on PATH."""
    (button,) = [b for b in evaluate({}).of("cmd_button") if b["name"] == "load-test-button"]
    master, before = master_url(lab), set(RUNS.glob("*")) if RUNS.is_dir() else set()
    inputs = {"USERS": LOAD_USERS, "SPAWN_RATE": LOAD_USERS, "RUN_TIME": f"{LOAD_SECONDS}s", "SHAPE": "steady"}
    env = {**os.environ, **kubectl_stand_in(lab, tmp_path), **{k: str(v) for k, v in inputs.items()}}
    with (tmp_path / "button.log").open("wb") as log:
        run = subprocess.Popen(button["argv"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        busy = until("users on both workers", lambda: [w for w in workers(master) if w["user_count"] > 0])
        status = run.wait(LOAD_SECONDS + WAIT_S)
    finally:
        run.kill()
        run.wait()
        reports = set(RUNS.glob("*")) - before
        for report in reports:  # the test leaves the work tree as it found it
            shutil.rmtree(report)
    output = (tmp_path / "button.log").read_text()
    assert len(busy) == 2, busy
    assert status == 0, output
    assert len(reports) == 1 and "report: runs/" in output
    metrics = httpx.get(f"{master}/metrics", timeout=10).text
    assert sum(s.value for s in samples(metrics, "locust_requests_total")) > LOAD_SECONDS


def kubectl_stand_in(lab: ContainerLab, folder: Path) -> dict[str, str]:
    """The environment that makes `kubectl` the stand-in of tests/docker/kubectl.py, on this lab's engine."""
    shim = folder / "bin" / "kubectl"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tests.docker.kubectl "$@"\n')
    shim.chmod(0o755)
    return {
        "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
        kubectl.ENGINE: f"unix://{lab.engine.socket}",
        kubectl.CLIENT: lab.engine.client,
    }


def workers(master: str) -> list[dict]:
    return httpx.get(f"{master}/stats/requests", timeout=10).json().get("workers", [])


def test_the_promote_button_hot_swaps_what_the_service_answers_with_no_failed_request(
    lab: ContainerLab, tmp_path: Path
) -> None:
    """The Tiltfile's Promote button, its own command (kubectl exec in the service's pod), challenger to champion."""
    (button,) = [b for b in evaluate({}).of("cmd_button") if b["name"] == "promote-button"]
    service = service_url(lab)
    assert classify(service)["version"] == "1"
    failures: list[str] = []
    stop = threading.Event()

    def traffic() -> None:
        with httpx.Client(timeout=30) as client:
            while not stop.is_set():
                response = client.post(f"{service}/v1/predict", files={"file": ("cat.jpg", CAT.read_bytes())})
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text[:200]}")

    sender = threading.Thread(target=traffic, daemon=True)
    sender.start()
    try:
        env = {**os.environ, **kubectl_stand_in(lab, tmp_path), "VERSION": "2", "ALIAS": "champion"}
        promote = subprocess.run(button["argv"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
        assert promote.returncode == 0, promote.stdout + promote.stderr
        until("the service answering with version 2", lambda: classify(service)["version"] == "2")
    finally:
        stop.set()
        sender.join(30)
    assert not failures, f"{len(failures)} requests failed during the swap, the first: {failures[0]}"


def test_the_workers_come_back_after_the_master_restarts(lab: ContainerLab) -> None:
    """Issue 12's defect 5: a worker must come back by itself after any restart of the master, with the
    base manifests' command and with the one Tilt deploys (overlays/minikube, watchfiles as PID 1)."""
    overlay = next(w for w in workloads(objects(OVERLAY)) if w["metadata"]["name"] == "locust-worker")
    (live,) = pods(overlay, lab.network, lab.claims, PREFIX + "overlay-")
    lab.engine.docker(*live.docker_run(), timeout_s=60)
    master = master_url(lab)
    until("the overlay's worker joining", lambda: len(workers(master)) == 3)
    (pod,) = lab.running["locust-master"]
    lab.engine.docker("restart", pod.name, timeout_s=60)
    lab.wait_ready(pod)
    joined = until("three workers back at the restarted master", lambda: len(workers(master)) == 3 and workers(master))
    assert {w["state"] for w in joined} <= {"ready", "running", "stopped"}, joined


def test_a_classified_photo_is_a_row_of_the_cluster_s_prediction_log(lab: ContainerLab) -> None:
    answer = classify(service_url(lab))
    database = lab.databases["postgres"]

    def row() -> tuple | None:
        with psycopg.connect(database.url("inferlab")) as connection:
            query = "SELECT label, route FROM predictions WHERE id = %s"
            return connection.execute(query, (answer["id"],)).fetchone()

    assert until("the answer's row in the cluster's PostgreSQL", row) == (answer["predictions"][0]["label"], "v1")
