"""`register PATH [--alias A]`: a new version of the registered model from an ONNX file, in one MLflow run.

The run holds everything the version is judged by: parameters (file, source, quantization,
preprocessing), metrics (accuracy on the labelled photos, agreement with the champion), the signature,
a table of predictions and a model card. The version itself is the run's `model/` folder: the .onnx
file (and its sidecar), nothing else, so that the service can load the one .onnx it downloads.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mlflow import MlflowClient
from mlflow.entities import Metric, Param

from services.registry import evaluation, store, tables
from services.registry.aliases import promote
from services.registry.card import model_card
from services.registry.modelfile import ModelFile, describe
from services.registry.samples import LabelledPhoto, load_labelled
from services.registry.scoring import Scores, agreement, top1_accuracy
from services.registry.settings import RegistrySettings

MODEL_DIR = "model"
VARIANT_TAG = "inferlab.variant"


@dataclass(frozen=True)
class Registered:
    version: str
    run_id: str
    variant: str
    scores: Scores


@dataclass(frozen=True)
class Evaluated:
    model: ModelFile
    table: list[tables.Row]
    scores: Scores


def register(client: MlflowClient, settings: RegistrySettings, path: Path, alias: str | None = None) -> Registered:
    """Score the file, record it as a new version, then point `alias` at it if one is given."""
    evaluated = evaluate(client, settings, path)
    registered = record(client, settings, evaluated)
    if alias:
        promote(client, settings.model_name, registered.version, alias)
    return registered


def evaluate(client: MlflowClient, settings: RegistrySettings, path: Path) -> Evaluated:
    """Describe and score the file, and score the current champion on the same photos."""
    photos = load_labelled(settings.labels_file)
    with evaluation.loaded(path) as classifier:
        model = describe(path, classifier.spec)
        predictions = evaluation.predict(classifier, photos)
    answers = evaluation.answers(predictions)
    champion_version, champion = champion_answers(client, settings.model_name, photos)
    scores = Scores(
        accuracy=top1_accuracy(answers, photos),
        photos=len(photos),
        agreement=agreement(answers, champion) if champion else None,
        champion_version=champion_version,
    )
    return Evaluated(model, tables.rows(photos, predictions, champion), scores)


def champion_answers(client: MlflowClient, name: str, photos: list[LabelledPhoto]) -> tuple[str | None, dict | None]:
    """The champion's version and top-1 labels on the photos, or (None, None) without a champion."""
    champion = store.aliases_of(client, name).get("champion")
    if champion is None:
        return None, None
    with tempfile.TemporaryDirectory(prefix="inferlab-champion-") as scratch:
        path = store.download_onnx(client, name, champion, Path(scratch))
        with evaluation.loaded(path) as classifier:
            return champion, evaluation.answers(evaluation.predict(classifier, photos))


def record(client: MlflowClient, settings: RegistrySettings, evaluated: Evaluated) -> Registered:
    """One run with params, metrics and artifacts, then the version made of its `model/` folder."""
    model = evaluated.model
    experiment_id = store.ensure_experiment(client, settings.experiment, settings.artifact_root)
    tags = {VARIANT_TAG: model.variant, "inferlab.sha256": model.sha256}
    run = client.create_run(experiment_id, run_name=f"register {model.path.name}", tags=tags)
    run_id = run.info.run_id
    try:
        log_run(client, run_id, settings, evaluated)
        version = create_version(client, settings.model_name, run.info.artifact_uri, run_id, evaluated)
        card = model_card(model, settings.model_name, version, evaluated.scores, tables.to_markdown(evaluated.table))
        client.log_text(run_id, card, "model_card.md")
    except BaseException:
        client.set_terminated(run_id, "FAILED")
        raise
    client.set_terminated(run_id)
    return Registered(version, run_id, model.variant, evaluated.scores)


def log_run(client: MlflowClient, run_id: str, settings: RegistrySettings, evaluated: Evaluated) -> None:
    model, scores = evaluated.model, evaluated.scores
    params = {**model.params(), "labelled_set": settings.labels_file.name}
    if scores.champion_version:
        params["champion_version"] = scores.champion_version
    now = int(time.time() * 1000)
    client.log_batch(
        run_id,
        metrics=[Metric(key, value, now, 0) for key, value in scores.metrics().items()],
        params=[Param(key, value) for key, value in params.items()],
    )
    client.log_artifact(run_id, str(model.path), MODEL_DIR)
    if (sidecar := model.sidecar()) is not None:
        client.log_dict(run_id, sidecar, f"{MODEL_DIR}/{model.path.with_suffix('.json').name}")
    client.log_dict(run_id, model.signature.to_dict(), "signature.json")
    client.log_text(run_id, tables.to_csv(evaluated.table), "predictions.csv")


def create_version(client: MlflowClient, name: str, artifact_uri: str, run_id: str, evaluated: Evaluated) -> str:
    model = evaluated.model
    store.ensure_registered_model(client, name)
    created = client.create_model_version(
        name,
        source=f"{artifact_uri}/{MODEL_DIR}",
        run_id=run_id,
        tags={VARIANT_TAG: model.variant},
        description=f"{model.path.name} ({model.variant}): {evaluated.scores.summary()}.",
    )
    return str(created.version)
