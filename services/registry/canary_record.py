"""The canary's results as an MLflow run (experiment `inferlab-canary`), tagged with what the service served.

Runs over time are the history of the deployed model's accuracy and latency, beside the registration
runs that predicted them.
"""

from __future__ import annotations

import csv
import io
import time

from mlflow import MlflowClient
from mlflow.entities import Metric, Param

from services.registry import store
from services.registry.canary import CanaryResult
from services.registry.settings import RegistrySettings


def record_canary(client: MlflowClient, settings: RegistrySettings, result: CanaryResult) -> str:
    """The run's id; its metrics are accuracy, latency quantiles (seconds) and failed requests."""
    model, version = result.served
    experiment_id = store.ensure_experiment(client, settings.canary_experiment, settings.artifact_root)
    tags = {"inferlab.model": model, "inferlab.version": version, "inferlab.service": result.service_url}
    if len(result.versions_seen) > 1:
        tags["inferlab.versions_seen"] = ", ".join(result.versions_seen)
    run = client.create_run(experiment_id, run_name=f"canary {model}/{version}", tags=tags)
    client.log_batch(run.info.run_id, metrics=_metrics(result), params=_params(settings, result))
    client.log_text(run.info.run_id, answers_csv(result), "answers.csv")
    client.set_terminated(run.info.run_id)
    return run.info.run_id


def _metrics(result: CanaryResult) -> list[Metric]:
    now = int(time.time() * 1000)
    values = {"accuracy": result.accuracy, "requests": len(result.answers), "requests_failed": result.failed}
    for level, seconds in result.latency_quantiles().items():
        values[f"latency_p{level * 100:g}_seconds"] = seconds
    return [Metric(key, float(value), now, 0) for key, value in values.items()]


def _params(settings: RegistrySettings, result: CanaryResult) -> list[Param]:
    values = {
        "photos": len(result.photos),
        "rounds": len(result.answers) // len(result.photos),
        "min_accuracy": settings.min_accuracy,
        "labelled_set": settings.labels_file.name,
    }
    return [Param(key, str(value)) for key, value in values.items()]


def answers_csv(result: CanaryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("photo", "top-1", "model", "version", "seconds", "error"))
    writer.writerows((a.photo, a.label, a.model, a.version, f"{a.seconds:.4f}", a.error) for a in result.answers)
    return buffer.getvalue()
