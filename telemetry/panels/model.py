"""Model: where an image's time goes, what the model predicts and how sure it is, and whether inputs drift.

Every figure is kept apart by model name and version, so two versions served side by side (the lab's
fp32 and int8, or a champion and a challenger) can be read against each other.
"""

from __future__ import annotations

from telemetry import instruments as i
from telemetry import promql
from telemetry import recorded as r
from telemetry.panels.spec import (
    BYTES,
    COUNT,
    NATS,
    PER_S,
    PIXELS,
    RATIO,
    SECONDS,
    Dashboard,
    Kind,
    Panel,
    Row,
    Target,
    Unit,
)

MODEL = ["model_name", "model_version"]
VERSION = "{{model_name}} {{model_version}}"
BASELINE = "6h"  # the drift panels compare the last minutes with this much history
BASELINE_LEGEND = f"6 h baseline {VERSION}"
PLAIN = Unit("short", "")


def _mean_and_quantile(histogram: i.Instrument, q: float) -> tuple[Target, Target]:
    return (
        Target(promql.mean(histogram, MODEL), f"mean {VERSION}"),
        Target(promql.quantile(q, histogram, MODEL), f"p{q * 100:g} {VERSION}"),
    )


def _drift(title: str, histogram: i.Instrument, what: str, unit: Unit) -> Panel:
    return Panel(
        title,
        f"Mean {what} of the inputs over the last 5 minutes against the last 6 hours: a gap is input drift.",
        (
            Target(promql.mean(histogram, MODEL, window="5m"), f"5 min {VERSION}"),
            Target(promql.mean(histogram, MODEL, window=BASELINE), BASELINE_LEGEND),
        ),
        unit,
        width=8,
    )


STAGES = Panel(
    "Time per stage (mean)",
    "Mean seconds per image in each stage, stacked (all models): queue, decode, preprocess, inference, postprocess.",
    (Target(promql.mean(i.STAGE_DURATION, ["stage"]), "{{stage}}"),),
    SECONDS,
    stacked=True,
)
STAGE_P95 = Panel(
    "Stage p95",
    "95th percentile of each stage, per model version: which stage grows when latency does.",
    (Target(r.STAGE_P95.record, f"{{{{stage}}}} {VERSION}"),),
    SECONDS,
)
IMAGES = Panel(
    "Images classified",
    "Images per second through each model version.",
    (Target(promql.summed_rate(i.IMAGES.prometheus_name, MODEL), VERSION),),
    PER_S,
)
BATCH = Panel(
    "Batch size (mean)",
    "Images per network call; above 1 only when micro-batching is on and requests overlap.",
    (Target(promql.mean(i.BATCH_SIZE, MODEL), VERSION),),
    COUNT,
)
TOP_CLASSES = Panel(
    "Top-10 classes (last hour)",
    "The ten labels predicted top-1 most often in the last hour: a shift here is a shift in what users send.",
    (Target(f"topk(10, sum by (class_label) (increase({i.TOP_CLASS.prometheus_name}[1h])))", "{{class_label}}",
            instant=True),),
    COUNT,
    Kind.BARGAUGE,
)  # fmt: skip
CONFIDENCE = Panel(
    "Top-1 confidence",
    "Probability of the top-1 class: its mean, and the 10th percentile (the least sure tenth of images).",
    _mean_and_quantile(i.CONFIDENCE, 0.1),
    RATIO,
)
CONFIDENCE_BASELINE = Panel(
    "Confidence against its baseline",
    "Mean confidence over 15 minutes and over 6 hours; an alert fires when the first falls below 80% of the second.",
    (
        Target(r.CONFIDENCE_15M.record, f"15 min {VERSION}"),
        Target(r.CONFIDENCE_6H.record, BASELINE_LEGEND),
    ),
    RATIO,
)
CONFIDENCE_HEATMAP = Panel(
    "Confidence distribution",
    "Share of images in each confidence bucket, over time. A share, not a rate: above the service's detail "
    "budget (INFERLAB_TELEMETRY_DETAIL_BUDGET images/s) the histogram holds a uniform sample of the images.",
    (
        Target(
            f"{promql.summed_rate(f'{i.CONFIDENCE.prometheus_name}_bucket', ['le'])} / ignoring (le) group_left "
            f"{promql.summed_rate(f'{i.CONFIDENCE.prometheus_name}_count')}",
            "{{le}}",
        ),
    ),
    RATIO,
    Kind.HEATMAP,
)
ENTROPY = Panel(
    "Prediction entropy",
    "Entropy of the predicted distribution (nats): high when the model spreads its belief over many classes.",
    _mean_and_quantile(i.ENTROPY, 0.9),
    NATS,
)
BRIGHTNESS = _drift("Brightness", i.BRIGHTNESS, "luminance (0-1)", RATIO)
CONTRAST = _drift("Contrast", i.CONTRAST_I, "luminance standard deviation (0-1)", PLAIN)
ASPECT = _drift("Aspect ratio", i.ASPECT_RATIO, "width / height", PLAIN)
PIXELS_PANEL = Panel(
    "Input pixels",
    "Pixels per input image (mean and 95th percentile): how much decoding and resizing each request costs.",
    _mean_and_quantile(i.INPUT_PIXELS, 0.95),
    PIXELS,
)
BYTES_PANEL = Panel(
    "Input size",
    "Encoded bytes per input image (mean and 95th percentile).",
    _mean_and_quantile(i.INPUT_BYTES, 0.95),
    BYTES,
)
VERSIONS = Panel(
    "Models served",
    "Every model the service holds, with its version and alias (`default` answers requests that name no model).",
    (Target(i.MODEL_INFO.prometheus_name, instant=True),),
    COUNT,
    Kind.TABLE,
)
TRAFFIC_SPLIT = Panel(
    "Traffic split",
    "Share of images each model version classified over 5 minutes: a champion against its challenger.",
    (Target(f"{promql.summed_rate(i.IMAGES.prometheus_name, MODEL, window='5m')} / ignoring (model_name, "
            f"model_version) group_left {promql.summed_rate(i.IMAGES.prometheus_name, window='5m')}", VERSION),),
    RATIO,
)  # fmt: skip

MODEL_DASHBOARD = Dashboard(
    uid="inferlab-model",
    title="inferlab / Model",
    description="The model in service: stage timings, predictions, confidence, input drift and versions.",
    rows=(
        Row("Pipeline", (STAGES, STAGE_P95, IMAGES, BATCH)),
        Row("Predictions", (TOP_CLASSES, CONFIDENCE, CONFIDENCE_BASELINE, CONFIDENCE_HEATMAP, ENTROPY)),
        Row("Input drift", (BRIGHTNESS, CONTRAST, ASPECT, PIXELS_PANEL, BYTES_PANEL)),
        Row("Versions", (VERSIONS, TRAFFIC_SPLIT)),
    ),
)
