"""The declared instruments: the Prometheus names they promise are the names the exporter writes."""

from __future__ import annotations

import pytest

from telemetry import instruments as i


def test_names_are_unique_and_namespaced():
    names = [spec.name for spec in i.ALL]
    assert len(names) == len(set(names))
    assert all(name.startswith(("http.server.", "inferlab.")) for name in names)


@pytest.mark.parametrize("spec", [s for s in i.ALL if s.kind is i.Kind.HISTOGRAM], ids=lambda s: s.name)
def test_histograms_have_explicit_increasing_boundaries(spec):
    assert spec.boundaries, "histograms need explicit boundaries: the SDK's defaults are sized for milliseconds"
    assert list(spec.boundaries) == sorted(set(spec.boundaries))


def test_durations_are_in_seconds_with_sub_millisecond_to_seconds_buckets():
    for spec in (i.HTTP_DURATION, i.STAGE_DURATION):
        assert spec.unit == "s"
        assert spec.boundaries[0] <= 0.005 and spec.boundaries[-1] >= 2.5


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (i.HTTP_DURATION, "http_server_request_duration_seconds"),
        (i.IMAGES, "inferlab_images_classified_total"),
        (i.INPUT_BYTES, "inferlab_input_size_bytes"),
        (i.CONFIDENCE, "inferlab_prediction_confidence"),
        (i.ENTROPY, "inferlab_prediction_entropy_nat"),
        (i.QUEUE_DEPTH, "inferlab_inference_queue_depth"),
    ],
)
def test_prometheus_names(spec, expected):
    assert spec.prometheus_name == expected
