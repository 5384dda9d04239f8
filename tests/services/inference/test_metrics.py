"""ServiceMetrics on a fresh registry: every declared instrument is exported under its promised name."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
from prometheus_client import CollectorRegistry

from services.inference.metrics import ServiceMetrics
from services.inference.pipeline import Prediction
from services.inference.postprocessing import ClassScore
from services.inference.preprocessing import InputStats
from telemetry import instruments as i
from telemetry.provider import create_meter_provider

LABELS = ("cat", "dog", "cup")


def fake_model(version: str = "1") -> SimpleNamespace:
    return SimpleNamespace(name="fake", version=version, alias=None, ready=True, spec=SimpleNamespace(labels=LABELS))


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def metrics(registry):
    provider = create_meter_provider(registry, {"service.name": "test"})
    yield ServiceMetrics(provider)
    provider.shutdown()


def classification(label: str = "dog", score: float = 0.7, image: bool = True, batch_size: int = 1) -> Prediction:
    timings = {"queue": 0.001, "decode": 0.002, "preprocess": 0.003, "inference": 0.02, "postprocess": 0.0005}
    stats = InputStats(width=300, height=200, encoded_bytes=12_345, brightness=0.4, contrast=0.2) if image else None
    logits = np.zeros(len(LABELS), np.float32)
    timings = {**timings, "total": 0.03}
    return Prediction("fake", "1", [ClassScore(1, label, score)], score, 0.8, logits, timings, stats, batch_size)


def sample(registry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


def test_a_prediction_records_stages_inputs_and_its_answer(metrics, registry):
    metrics.predicted(classification())
    metrics.predicted(classification())
    ids = {"model_name": "fake", "model_version": "1"}
    assert sample(registry, "inferlab_images_classified_total", **ids) == 2
    assert sample(registry, "inferlab_prediction_top_class_total", class_label="dog", **ids) == 2
    assert sample(registry, "inferlab_inference_stage_duration_seconds_count", stage="inference", **ids) == 2
    assert sample(registry, "inferlab_inference_stage_duration_seconds_sum", stage="inference", **ids) == pytest.approx(
        0.04
    )
    # 20 ms lands in the 0.02 s bucket: the boundaries are in seconds.
    assert (
        sample(registry, "inferlab_inference_stage_duration_seconds_bucket", stage="inference", le="0.02", **ids) == 2
    )
    assert sample(registry, "inferlab_input_pixels_sum", **ids) == 2 * 60_000
    assert sample(registry, "inferlab_input_aspect_ratio_sum", **ids) == pytest.approx(3.0)
    assert sample(registry, "inferlab_prediction_confidence_bucket", le="0.7", **ids) == 2
    assert sample(registry, "inferlab_prediction_entropy_nat_sum", **ids) == pytest.approx(1.6)


def test_a_prediction_from_a_tensor_records_its_answer_but_no_image(metrics, registry):
    """The Open Inference Protocol's FP32 tensors: the same record, without the image's signals."""
    metrics.predicted(classification("cup", 0.9, image=False, batch_size=2))
    metrics.predicted(classification("cat", 0.6, image=False, batch_size=2))
    ids = {"model_name": "fake", "model_version": "1"}
    assert sample(registry, "inferlab_prediction_top_class_total", class_label="cup", **ids) == 1
    assert sample(registry, "inferlab_prediction_top_class_total", class_label="cat", **ids) == 1
    assert sample(registry, "inferlab_prediction_confidence_sum", **ids) == pytest.approx(1.5)
    assert sample(registry, "inferlab_inference_batch_size_sum", **ids) == 4
    assert sample(registry, "inferlab_input_pixels_count", **ids) is None  # tensors have no image


def test_watch_reads_state_at_scrape_time(metrics, registry):
    scheduler = SimpleNamespace(queued=3, admitted=5, capacity=10, rejected=0)
    models = [fake_model("1"), fake_model("2")]
    metrics.watch(scheduler, _Repo(models))
    assert sample(registry, "inferlab_inference_queue_depth") == 3
    scheduler.queued, scheduler.rejected = 0, 4
    assert sample(registry, "inferlab_inference_queue_depth") == 0
    assert sample(registry, "inferlab_overload_rejections_total") == 4
    assert sample(registry, "inferlab_model_info", model_name="fake", model_version="1", model_alias="default") == 1
    assert sample(registry, "inferlab_model_info", model_name="fake", model_version="2", model_alias="none") == 1
    assert sample(registry, "inferlab_telemetry_detail_share") == 1.0  # the default: every image recorded


class _Repo:
    def __init__(self, models):
        self._models = models
        self.default = models[0]

    def __iter__(self):
        return iter(self._models)


def test_every_declared_instrument_is_exported_under_its_name(metrics, registry):
    metrics.watch(SimpleNamespace(queued=0, admitted=0, capacity=1, rejected=0), _Repo([fake_model()]))
    metrics.predicted(classification())
    metrics.failed("InvalidImage")
    metrics.shadowed(classification(), classification())
    metrics.swapped("champion", "success")
    metrics.registry_error()
    metrics.http_duration.record(0.01, {"http.route": "/v1/predict"})
    metrics.http_active.add(1, "POST", "/v1/predict")
    exported = {s.name for family in registry.collect() for s in family.samples}
    for spec in i.ALL:
        name = spec.prometheus_name + ("_count" if spec.kind is i.Kind.HISTOGRAM else "")
        assert name in exported, f"{spec.name} promised {name}"


def test_process_collectors_share_the_registry(metrics, registry):
    assert sample(registry, "process_cpu_seconds_total") is not None
    assert sample(registry, "python_gc_collections_total", generation="0") is not None


def test_shadowed_counts_agreement_delta_and_latency_per_role(metrics, registry):
    metrics.shadowed(classification("dog", 0.7), classification("dog", 0.6))
    metrics.shadowed(
        classification("dog", 0.7), replace(classification("cat", 0.9), predictions=[ClassScore(0, "cat", 0.9)])
    )
    versions = {"model_name": "fake", "champion_version": "1", "challenger_version": "1"}
    assert sample(registry, "inferlab_shadow_comparisons_total", agreement="agree", **versions) == 1
    assert sample(registry, "inferlab_shadow_comparisons_total", agreement="disagree", **versions) == 1
    challenger = {"model_name": "fake", "model_version": "1", "role": "challenger"}
    assert sample(registry, "inferlab_shadow_confidence_sum", **challenger) == pytest.approx(0.6 + 0.9)
    assert (
        sample(
            registry, "inferlab_shadow_duration_seconds_count", model_name="fake", model_version="1", role="challenger"
        )
        == 2
    )


def test_swaps_and_registry_errors_are_counted(metrics, registry):
    metrics.swapped("champion", "failed")
    metrics.registry_error()
    metrics.registry_error()
    assert sample(registry, "inferlab_model_swaps_total", model_alias="champion", outcome="failed") == 1
    assert sample(registry, "inferlab_registry_errors_total") == 2


def test_http_active_requests_read_from_the_tally_at_scrape_time(metrics, registry):
    metrics.http_active.add(1, "POST", "/v1/predict")
    metrics.http_active.add(1, "POST", "/v1/predict")
    metrics.http_active.add(-1, "POST", "/v1/predict")
    labels = {"http_request_method": "POST", "http_route": "/v1/predict"}
    assert sample(registry, "http_server_active_requests", **labels) == 1


class _Never:
    @staticmethod
    def keep(images: int = 1) -> bool:
        return False

    @staticmethod
    def share() -> float:
        return 0.0


@pytest.fixture
def sampled_out(registry):
    provider = create_meter_provider(registry, {"service.name": "test"})
    yield ServiceMetrics(provider, _Never())
    provider.shutdown()


def test_images_left_out_by_the_sampler_are_still_counted(sampled_out, registry):
    """Counts are exact; only the per-image distributions are sampled."""
    sampled_out.predicted(classification("dog"))
    sampled_out.predicted(classification("cup", image=False))
    ids = {"model_name": "fake", "model_version": "1"}
    assert sample(registry, "inferlab_images_classified_total", **ids) == 2
    assert sample(registry, "inferlab_prediction_top_class_total", class_label="dog", **ids) == 1
    assert sample(registry, "inferlab_prediction_top_class_total", class_label="cup", **ids) == 1
    assert sample(registry, "inferlab_prediction_confidence_count", **ids) is None
    assert sample(registry, "inferlab_inference_stage_duration_seconds_count", stage="inference", **ids) is None
    sampled_out.watch(SimpleNamespace(queued=0, admitted=0, capacity=1, rejected=0), _Repo([fake_model()]))
    assert sample(registry, "inferlab_telemetry_detail_share") == 0.0
