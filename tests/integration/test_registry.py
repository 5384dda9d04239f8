"""The registry against real processes: `python -m services.registry server` (MLflow on sqlite, bootstrapped),
the service on the committed fp32 model, and Debian's Pushgateway, all on free ports of 127.0.0.1.

One MLflow server for the module: it takes tens of seconds to start on 2 cores.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import mlflow
import pytest
from mlflow import MlflowClient
from prometheus_client.parser import text_string_to_metric_families

from services.registry import cli
from services.registry.errors import BELOW_THRESHOLD, OK
from tests.binaries import debian_binary
from tests.live import REPO, LiveProcess, free_port, inference_server, live_process

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

NAME = "efficientnet-lite0"
FP32, INT8 = REPO / "models/efficientnet-lite0.onnx", REPO / "models/efficientnet-lite0-int8.onnx"
# Ready once bootstrap has set the last alias: the registry answers 404 for it until then.
READY = f"/api/2.0/mlflow/registered-models/alias?name={NAME}&alias=challenger"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mlflow-data")


@pytest.fixture(scope="module")
def registry_server(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveProcess]:
    port = free_port()
    env = {  # explicit, so that the shell's INFERLAB_REGISTRY_* cannot change what is tested
        "INFERLAB_REGISTRY_HOST": "127.0.0.1",
        "INFERLAB_REGISTRY_PORT": str(port),
        "INFERLAB_REGISTRY_DATA_DIR": str(data_dir),
        "INFERLAB_REGISTRY_MODEL_NAME": NAME,
        "INFERLAB_REGISTRY_CHAMPION_FILE": str(FP32),
        "INFERLAB_REGISTRY_CHALLENGER_FILE": str(INT8),
        "INFERLAB_REGISTRY_LABELS_FILE": str(REPO / "samples/labels.json"),
    }
    command = [sys.executable, "-m", "services.registry", "server"]
    log = tmp_path_factory.mktemp("logs") / "registry-server.log"
    with live_process(command, f"http://127.0.0.1:{port}", READY, log, env=env, startup_timeout_s=180) as server:
        yield server


@pytest.fixture(scope="module")
def client(registry_server: LiveProcess) -> MlflowClient:
    return MlflowClient(tracking_uri=registry_server.url, registry_uri=registry_server.url)


@pytest.fixture(scope="module")
def fp32_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveProcess]:
    with inference_server([FP32], tmp_path_factory.mktemp("logs")) as server:
        yield server


@pytest.fixture(scope="module")
def pushgateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveProcess]:
    binary = debian_binary("prometheus-pushgateway", "prometheus-pushgateway")
    port = free_port()
    command = [str(binary), f"--web.listen-address=127.0.0.1:{port}"]
    log = tmp_path_factory.mktemp("logs") / "pushgateway.log"
    with live_process(command, f"http://127.0.0.1:{port}", "/-/ready", log, startup_timeout_s=30) as gateway:
        yield gateway


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bootstrap_made_fp32_the_champion_v1_and_int8_the_challenger_v2(client: MlflowClient) -> None:
    champion = client.get_model_version_by_alias(NAME, "champion")
    challenger = client.get_model_version_by_alias(NAME, "challenger")
    assert (str(champion.version), champion.tags["inferlab.variant"]) == ("1", "fp32")
    assert (str(challenger.version), challenger.tags["inferlab.variant"]) == ("2", "int8")


def test_a_client_with_only_the_tracking_uri_downloads_the_champion(
    registry_server: LiveProcess, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What the service does: `models:/NAME@champion` through the server, one .onnx file, the committed bytes."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", registry_server.url)
    folder = Path(mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{NAME}@champion", dst_path=str(tmp_path)))
    assert [path.name for path in folder.iterdir()] == [FP32.name]
    assert sha256(folder / FP32.name) == sha256(FP32)


def test_artifacts_are_served_by_the_server_and_stored_under_its_data_folder(
    client: MlflowClient, data_dir: Path
) -> None:
    run = client.get_run(client.get_model_version(NAME, "2").run_id)
    assert run.info.artifact_uri.startswith("mlflow-artifacts:/")  # proxied: no local path leaks to clients
    stored = {path.name for path in (data_dir / "artifacts").rglob("*") if path.is_file()}
    assert {FP32.name, INT8.name, "model_card.md", "predictions.csv", "signature.json"} <= stored


def test_each_registration_run_has_its_card_table_and_metrics(client: MlflowClient) -> None:
    for version in ("1", "2"):
        run = client.get_run(client.get_model_version(NAME, version).run_id)
        names = {item.path for item in client.list_artifacts(run.info.run_id)}
        assert {"model", "model_card.md", "predictions.csv", "signature.json"} <= names
        assert 0.6 <= run.data.metrics["top1_accuracy"] <= 1.0
    int8_run = client.get_run(client.get_model_version(NAME, "2").run_id)
    assert 0.6 <= int8_run.data.metrics["top1_agreement_with_champion"] <= 1.0
    assert int8_run.data.params["champion_version"] == "1"


def test_bootstrap_a_second_time_changes_nothing(registry_server: LiveProcess, client: MlflowClient) -> None:
    assert cli.main(["--tracking-uri", registry_server.url, "bootstrap"]) == OK
    assert len(client.search_model_versions(f"name = '{NAME}'")) == 2


def test_the_canary_scores_the_service_like_the_registration_and_records_it(
    registry_server: LiveProcess, client: MlflowClient, fp32_service: LiveProcess, pushgateway: LiveProcess
) -> None:
    served = httpx.get(f"{fp32_service.url}/v1/models", timeout=10).json()["models"][0]
    argv = ["--tracking-uri", registry_server.url, "--service", fp32_service.url]
    assert cli.main([*argv, "--pushgateway", pushgateway.url, "--rounds", "2", "canary"]) == OK

    # The same photos through the service score exactly what the in-process registration measured.
    registered = client.get_run(client.get_model_version(NAME, "1").run_id).data.metrics["top1_accuracy"]
    [run] = client.search_runs([client.get_experiment_by_name("inferlab-canary").experiment_id])
    assert run.data.metrics["accuracy"] == pytest.approx(registered)
    assert 0 < run.data.metrics["latency_p50_seconds"] <= run.data.metrics["latency_p95_seconds"] < 10
    assert (run.data.tags["inferlab.model"], run.data.tags["inferlab.version"]) == (served["name"], served["version"])

    pushed = gateway_samples(pushgateway.url)
    labels = {"job": "inferlab-canary", "model": served["name"], "version": served["version"]}
    assert pushed[sample("inferlab_canary_accuracy", labels)] == pytest.approx(registered)
    assert pushed[sample("inferlab_canary_latency_seconds", {**labels, "quantile": "0.95"})] > 0
    assert pushed[sample("inferlab_canary_last_run_timestamp_seconds", labels)] > 1.7e9


def sample(name: str, labels: dict[str, str]) -> tuple[str, tuple]:
    return name, tuple(sorted(labels.items()))


def gateway_samples(url: str) -> dict[tuple[str, tuple], float]:
    """(name, sorted labels without `instance`) -> value, from the Pushgateway's own /metrics."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    return {
        sample(s.name, {k: v for k, v in s.labels.items() if k != "instance"}): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name.startswith("inferlab_canary_")
    }


def test_the_canary_fails_when_accuracy_is_under_the_threshold(
    registry_server: LiveProcess, fp32_service: LiveProcess
) -> None:
    argv = ["--tracking-uri", registry_server.url, "--service", fp32_service.url, "--pushgateway", ""]
    assert cli.main([*argv, "--rounds", "1", "--min-accuracy", "1.0", "canary"]) == BELOW_THRESHOLD


def test_the_server_stops_cleanly_with_its_mlflow(registry_server: LiveProcess) -> None:
    """Last: SIGTERM (as honcho sends it) ends the launcher with 0 and MLflow's uvicorn with it."""
    assert registry_server.terminate(timeout_s=20) == 0
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{registry_server.url}/health", timeout=2)
