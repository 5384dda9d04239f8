"""The service on a real MLflow registry (sqlite in a temp folder): champion/challenger, hot swap
under concurrent requests with zero failures, a broken version refused, shadow metrics, and a
clear error when the registry cannot be reached at start."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures import solid_jpeg, write_tiny_classifier
from tests.live import LiveProcess, free_port, inference_command, inference_server

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]
NAME = "tiny"


class Registry:
    """Registers files as versions of NAME and moves aliases, through MLflow's own client.

    Only through a client object: mlflow.set_tracking_uri() would change the whole test process.
    """

    def __init__(self, root: Path) -> None:
        from mlflow import MlflowClient

        self.uri = f"sqlite:///{root / 'mlflow.db'}"
        self.client = MlflowClient(self.uri, self.uri)
        self.experiment = self.client.create_experiment("models", artifact_location=(root / "artifacts").as_uri())
        self.client.create_registered_model(NAME)

    def register(self, path: Path) -> str:
        run = self.client.create_run(self.experiment)
        self.client.log_artifact(run.info.run_id, str(path), artifact_path="model")
        self.client.set_terminated(run.info.run_id)
        source = f"{run.info.artifact_uri}/model"
        return str(self.client.create_model_version(NAME, source=source, run_id=run.info.run_id).version)

    def alias(self, alias: str, version: str) -> None:
        self.client.set_registered_model_alias(NAME, alias, version)


# Each test has a registry and a service of its own: none depends on what another test moved.
@pytest.fixture
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    """Versions 1 and 2 of the tiny model and a broken 3; the champion is 1, no challenger yet."""
    root = tmp_path_factory.mktemp("mlflow")
    registry = Registry(root)
    models = tmp_path_factory.mktemp("files")
    assert registry.register(write_tiny_classifier(models, "v1.onnx")) == "1"
    assert registry.register(write_tiny_classifier(models, "v2.onnx", labels=["r", "g", "b", "grey"])) == "2"
    broken = models / "broken.onnx"
    broken.write_bytes(b"this is not an ONNX model")
    assert registry.register(broken) == "3"
    registry.alias("champion", "1")
    return registry


@pytest.fixture
def server(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveProcess]:
    env = {
        "MLFLOW_TRACKING_URI": registry.uri,
        "INFERLAB_REGISTRY_POLL_S": "0.2",
        "INFERLAB_SHADOW_FRACTION": "1.0",
        "INFERLAB_MODEL_CACHE_DIR": str(tmp_path_factory.mktemp("cache")),
        "INFERLAB_WORKERS": "2",
    }
    with inference_server([f"models:/{NAME}@champion"], tmp_path_factory.mktemp("logs"), env=env) as server:
        yield server


def predict(client: httpx.Client, url: str) -> httpx.Response:
    return client.post(f"{url}/v1/predict", content=solid_jpeg((200, 30, 30)), headers={"content-type": "image/jpeg"})


def metric(client: httpx.Client, url: str, name: str, **labels: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for family in text_string_to_metric_families(client.get(f"{url}/metrics").text):
        for sample in family.samples:
            if sample.name == name and labels.items() <= sample.labels.items():
                total += sample.value
    return total


def wait_for(condition, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def served(client: httpx.Client, url: str) -> dict[str, str]:
    """alias -> version, from the model-info metric."""
    from prometheus_client.parser import text_string_to_metric_families

    info = {}
    for family in text_string_to_metric_families(client.get(f"{url}/metrics").text):
        for sample in family.samples:
            if sample.name == "inferlab_model_info":
                info[sample.labels["model_alias"]] = sample.labels["model_version"]
    return info


def test_lifecycle(server: LiveProcess, registry: Registry):
    """One story, in order: serve the champion, add a challenger and shadow it, swap under load,
    refuse a broken version."""
    url = server.url
    with httpx.Client(timeout=10) as client:
        first = predict(client, url)
        assert first.status_code == 200 and first.json()["version"] == "1"
        assert client.get(f"{url}/v2/models/{NAME}").json()["versions"] == ["1"]

        # A challenger appears: served beside the champion, and shadowed.
        registry.alias("challenger", "2")
        wait_for(lambda: served(client, url).get("challenger") == "2")
        for _ in range(5):
            assert predict(client, url).json()["version"] == "1"
        wait_for(lambda: metric(client, url, "inferlab_shadow_comparisons_total") >= 5)
        assert metric(client, url, "inferlab_shadow_comparisons_total", agreement="agree") >= 5
        assert metric(client, url, "inferlab_shadow_duration_seconds_count", role="challenger") >= 5

        # Promote version 2 under concurrent load: every request answered, versions only move forward.
        outcomes: list[tuple[float, int, str]] = []
        stop = threading.Event()

        def hammer() -> None:
            with httpx.Client(timeout=10) as own:
                while not stop.is_set():
                    response = predict(own, url)
                    version = response.json().get("version", "") if response.status_code == 200 else ""
                    outcomes.append((time.monotonic(), response.status_code, version))

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for thread in threads:
            thread.start()
        wait_for(lambda: len(outcomes) >= 20)  # under load before the promote
        registry.alias("champion", "2")
        wait_for(lambda: served(client, url).get("champion") == "2")
        wait_for(lambda: sum(version == "2" for _, _, version in list(outcomes)) >= 20)  # and after it
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        assert outcomes and all(status == 200 for _, status, _ in outcomes), {s for _, s, _ in outcomes}
        versions = [v for _, _, v in sorted(outcomes)]
        assert versions[0] == "1" and versions[-1] == "2"
        assert metric(client, url, "inferlab_model_swaps_total", model_alias="champion", outcome="success") == 1
        # The challenger equal to the champion is dropped: nothing left to compare.
        wait_for(lambda: "challenger" not in served(client, url))

        # A broken version is refused: version 2 keeps serving, the failure is counted.
        registry.alias("champion", "3")
        wait_for(lambda: metric(client, url, "inferlab_model_swaps_total", outcome="failed") == 1)
        assert predict(client, url).json()["version"] == "2"
        assert client.get(f"{url}/v2/health/ready").status_code == 200
        assert "refused tiny version 3" in server.stderr()


def test_the_champion_vs_challenger_dashboard_shows_data(server: LiveProcess, registry: Registry, tmp_path: Path):
    """Every query of the Champion vs challenger dashboard, on a real Prometheus scraping this service."""
    from telemetry.panels import REGISTRY_DASHBOARD
    from tests.integration.prometheus import instant, poll, prometheus_process

    registry.alias("challenger", "2")  # shadow version 2 against the champion, version 1
    with httpx.Client(timeout=10) as client:
        wait_for(lambda: served(client, server.url).get("challenger") == "2")
        port = int(server.url.rsplit(":", 1)[1])
        config = {
            "global": {"scrape_interval": "1s"},
            "scrape_configs": [{"job_name": "inference", "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]}],
        }
        targets = [(p.title, t.expr) for p in REGISTRY_DASHBOARD.panels() for t in p.targets]
        with (
            prometheus_process(config, free_port(), tmp_path) as prometheus,
            httpx.Client(base_url=prometheus.url, timeout=5) as api,
        ):

            def finite(expr: str) -> bool:
                return any(math.isfinite(float(series["value"][1])) for series in instant(api, expr))

            def empty() -> list[str]:
                for _ in range(3):  # keep shadowed traffic coming while Prometheus scrapes
                    predict(client, server.url)
                return [f"{title}: {expr}" for title, expr in targets if not finite(expr)]

            missing = poll(empty, timeout_s=30)
        assert not missing, "panels without data:\n" + "\n".join(missing)


def test_unreachable_registry_at_start_names_the_uri(tmp_path: Path):
    import subprocess

    dead = f"http://127.0.0.1:{free_port()}"
    command = inference_command([f"models:/{NAME}@champion"], free_port())
    env = {"MLFLOW_TRACKING_URI": dead, "INFERLAB_REGISTRY_WAIT_S": "1", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, cwd=Path(__file__).parents[2])
    assert result.returncode != 0
    assert f"models:/{NAME}@champion" in result.stderr and dead in result.stderr
