"""The canary's MLflow run: experiment, tags of what answered, metrics and the answers table."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlflow import MlflowClient

from services.registry.canary import Answer, CanaryResult
from services.registry.canary_record import record_canary
from services.registry.samples import LabelledPhoto

PHOTOS = (LabelledPhoto("cat.jpg", b"", frozenset({"tabby"})),)
ANSWERS = (Answer("cat.jpg", "tabby", "effnet", "3", 0.010), Answer("cat.jpg", "tabby", "effnet", "4", 0.030))


def test_a_run_with_accuracy_latency_and_what_answered(client: MlflowClient, settings) -> None:
    run_id = record_canary(client, settings, CanaryResult("http://service", PHOTOS, ANSWERS, 0.0))
    run = client.get_run(run_id)
    assert client.get_experiment(run.info.experiment_id).name == "inferlab-canary"
    assert run.data.tags["inferlab.model"] == "effnet"
    assert run.data.tags["inferlab.versions_seen"] == "effnet/3, effnet/4"
    assert run.data.metrics["accuracy"] == 1.0
    assert run.data.metrics["requests"] == 2 and run.data.metrics["requests_failed"] == 0
    assert run.data.metrics["latency_p50_seconds"] == pytest.approx(0.02)
    assert run.data.metrics["latency_p95_seconds"] == pytest.approx(0.029)
    assert run.data.params["rounds"] == "2"
    table = Path(client.download_artifacts(run_id, "answers.csv")).read_text().splitlines()
    assert table[0] == "photo,top-1,model,version,seconds,error" and len(table) == 3
