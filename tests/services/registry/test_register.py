"""`register`: one run with params, metrics and artifacts; a version that is the run's `model/` folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from mlflow import MlflowClient
from mlflow.models import ModelSignature

from services.registry import store
from services.registry.errors import RegistryError
from services.registry.register import register
from services.registry.settings import RegistrySettings
from tests.services.registry.conftest import BGR_ACCURACY, BGR_AGREEMENT, MODEL_NAME, TINY_ACCURACY


def artifacts(client: MlflowClient, run_id: str, path: str = "") -> set[str]:
    return {item.path for item in client.list_artifacts(run_id, path)}


def test_the_first_version_records_params_metrics_and_artifacts(client: MlflowClient, settings, tiny_models) -> None:
    registered = register(client, settings, tiny_models.rgb)
    assert (registered.version, registered.variant) == ("1", "rgb")
    run = client.get_run(registered.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.metrics == {"top1_accuracy": TINY_ACCURACY, "labelled_photos": 5.0}  # no champion yet
    assert run.data.params["sha256"] == hashlib.sha256(tiny_models.rgb.read_bytes()).hexdigest()
    assert run.data.tags["inferlab.sha256"] == run.data.params["sha256"]
    assert run.data.params["preprocess.channel_order"] == "RGB" and run.data.params["variant"] == "rgb"
    assert artifacts(client, registered.run_id) == {"model", "model_card.md", "predictions.csv", "signature.json"}
    assert artifacts(client, registered.run_id, "model") == {"model/tiny-rgb.onnx"}


def registered_version(client: MlflowClient, version: str = "1"):
    return client.get_model_version(MODEL_NAME, version)


def test_the_version_is_the_runs_model_folder_tagged_with_its_variant(client: MlflowClient, settings, tiny_models):
    registered = register(client, settings, tiny_models.rgb)
    version = registered_version(client)
    run = client.get_run(registered.run_id)
    assert version.source == f"{run.info.artifact_uri}/model"
    assert version.run_id == registered.run_id
    assert version.tags["inferlab.variant"] == "rgb"
    assert "top-1 accuracy 80%" in version.description


def test_the_signature_artifact_reads_back_as_an_mlflow_signature(client: MlflowClient, settings, tiny_models):
    registered = register(client, settings, tiny_models.rgb)
    text = Path(client.download_artifacts(registered.run_id, "signature.json")).read_text()
    signature = ModelSignature.from_dict(json.loads(text))
    assert signature.inputs.input_names() == ["input"]
    assert signature.outputs.inputs[0].shape == (-1, 4)


def test_a_later_version_is_compared_with_the_champion(client: MlflowClient, settings, tiny_models) -> None:
    register(client, settings, tiny_models.rgb, alias="champion")
    registered = register(client, settings, tiny_models.bgr, alias="challenger")
    run = client.get_run(registered.run_id)
    assert registered.version == "2"
    assert run.data.metrics["top1_accuracy"] == pytest.approx(BGR_ACCURACY)
    assert run.data.metrics["top1_agreement_with_champion"] == pytest.approx(BGR_AGREEMENT)
    assert run.data.params["champion_version"] == "1"
    assert store.aliases_of(client, MODEL_NAME) == {"champion": "1", "challenger": "2"}
    card = Path(client.download_artifacts(registered.run_id, "model_card.md")).read_text()
    assert card.startswith(f"# {MODEL_NAME}, version 2 (bgr)") and "champion (version 1): 60%" in card


def test_a_sidecar_travels_beside_the_onnx_file(client: MlflowClient, settings, tmp_path: Path, tiny_models) -> None:
    path = tmp_path / "with-sidecar.onnx"
    path.write_bytes(tiny_models.rgb.read_bytes())
    path.with_suffix(".json").write_text(json.dumps({"name": "tiny", "version": "sidecar"}))
    registered = register(client, settings, path)
    assert registered.variant == "sidecar"  # the sidecar wins over the file's metadata, as in the service
    assert artifacts(client, registered.run_id, "model") == {"model/with-sidecar.onnx", "model/with-sidecar.json"}


def test_the_version_downloads_as_the_one_onnx_file(client: MlflowClient, settings, tiny_models, tmp_path) -> None:
    register(client, settings, tiny_models.rgb)
    downloaded = store.download_onnx(client, MODEL_NAME, "1", tmp_path / "download")
    assert downloaded.read_bytes() == tiny_models.rgb.read_bytes()


def test_a_broken_file_is_refused_before_any_run(client: MlflowClient, settings: RegistrySettings, tmp_path) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"nonsense")
    with pytest.raises(RegistryError, match=r"broken\.onnx"):
        register(client, settings, broken)
    assert client.get_experiment_by_name(settings.experiment) is None
    assert store.versions_of(client, MODEL_NAME) == []
