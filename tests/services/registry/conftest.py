"""Fixtures of the registry's tests: tiny models, a labelled set of solid colours, a real MLflow on sqlite.

Each test gets its own sqlite database, copied from one made at the start of the session: MLflow takes
seconds to create and migrate a new one, a copy takes milliseconds.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from mlflow import MlflowClient

from services.registry.settings import RegistrySettings
from services.registry.store import connect
from tests.fixtures import encode, solid, write_tiny_classifier

# photo -> (colour, acceptable labels). The tiny model ranks "grey" first on black: one wrong answer of five.
COLOURS = {
    "red.png": ((255, 0, 0), ["red"]),
    "green.png": ((0, 255, 0), ["green"]),
    "blue.png": ((0, 0, 255), ["blue"]),
    "white.png": ((255, 255, 255), ["grey"]),
    "black.png": ((0, 0, 0), ["red"]),
}
TINY_ACCURACY = 4 / 5
# The BGR model reads red as blue and blue as red: it agrees with the RGB one on green, white and black.
BGR_ACCURACY, BGR_AGREEMENT = 2 / 5, 3 / 5
MODEL_NAME = "tiny"


@dataclass(frozen=True)
class TinyModels:
    rgb: Path  # variant "rgb": the right channel order
    bgr: Path  # variant "bgr": channels swapped, so it disagrees on red and blue


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> TinyModels:
    folder = tmp_path_factory.mktemp("tiny-models")
    return TinyModels(
        rgb=write_tiny_classifier(folder, "tiny-rgb.onnx", version="rgb"),
        bgr=write_tiny_classifier(folder, "tiny-bgr.onnx", version="bgr", preprocess={"channel_order": "BGR"}),
    )


@pytest.fixture(scope="session")
def labels_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("labelled")
    for name, (colour, _) in COLOURS.items():
        (folder / name).write_bytes(encode(solid(colour)))
    labels = {"_doc": "solid colours for the tiny model", **{name: labels for name, (_, labels) in COLOURS.items()}}
    path = folder / "labels.json"
    path.write_text(json.dumps(labels))
    return path


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mlflow-template") / "mlflow.db"
    MlflowClient(f"sqlite:///{path}").search_experiments()  # creates and migrates the tables
    return path


@pytest.fixture
def settings(tmp_path: Path, empty_database: Path, labels_file: Path, tiny_models: TinyModels) -> RegistrySettings:
    """Explicit values for everything the tests depend on, so that the shell's variables do not leak in."""
    database = tmp_path / "mlflow.db"
    shutil.copy(empty_database, database)
    return RegistrySettings(
        tracking_uri=f"sqlite:///{database}",
        artifact_root=str(tmp_path / "artifacts"),
        model_name=MODEL_NAME,
        experiment="inferlab-models",
        canary_experiment="inferlab-canary",
        labels_file=labels_file,
        champion_file=tiny_models.rgb,
        challenger_file=tiny_models.bgr,
        min_accuracy=0.6,
        canary_rounds=2,
        pushgateway_url="",
    )


@pytest.fixture
def client(settings: RegistrySettings) -> MlflowClient:
    return connect(settings.tracking_uri)
