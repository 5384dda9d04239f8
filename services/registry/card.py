"""The model card of a registered version (`model_card.md`), generated from the file's facts and its scores.

Generated, never written by hand: what it says is what the registration measured.
"""

from __future__ import annotations

from services.registry.modelfile import ModelFile
from services.registry.scoring import Scores

LIMITS = """\
- The labelled set is a handful of photos: each one moves the accuracy by several points. It catches a
  broken export, wrong preprocessing or a bad quantization, not a change of a point or two.
- ImageNet-1k classes only; photos without a fitting class are left out of the set (`samples/SOURCES.md`).
- Scored in-process with the service's own decoding and preprocessing (`services.inference.runtime`).
"""


def model_card(model: ModelFile, name: str, version: str, scores: Scores, predictions_markdown: str) -> str:
    return "\n".join(
        [
            f"# {name}, version {version} ({model.variant})",
            "",
            model.description or "(the file carries no description)",
            "",
            "## What it is",
            "",
            _facts(model),
            "## Scores",
            "",
            _scores(scores),
            "",
            "## Predictions on the labelled photos",
            "",
            predictions_markdown,
            "## Limits",
            "",
            LIMITS,
        ]
    )


def _facts(model: ModelFile) -> str:
    spec, pre = model.spec, model.spec.preprocess
    rows = {
        "file": f"`{model.path.name}`, {model.size_bytes / 2**20:.1f} MiB, sha256 `{model.sha256}`",
        "variant": model.variant,
        "quantization": model.quantization,
        "source": spec.source or "(not stated in the file)",
        "input": _tensors(model.signature.inputs),
        "output": f"{_tensors(model.signature.outputs)}; {len(spec.labels)} classes",
        "preprocessing": (
            f"{pre.width}x{pre.height} {pre.layout} {pre.channel_order}, centre crop {pre.crop_fraction:g}, "
            f"{pre.interpolation}, mean {list(pre.mean)}, std {list(pre.std)} (0..255 units)"
        ),
    }
    return "| | |\n|---|---|\n" + "".join(f"| {key} | {value} |\n" for key, value in rows.items())


def _tensors(schema) -> str:
    return ", ".join(f"`{t.name}` {t.type} {list(t.shape)}" for t in schema.inputs)


def _scores(scores: Scores) -> str:
    lines = [f"- Top-1 accuracy on the labelled sample set: {scores.accuracy:.0%} of {scores.photos} photos."]
    if scores.agreement is None:
        lines.append("- No champion when this was registered: no agreement to report.")
    else:
        lines.append(
            f"- Top-1 agreement with the champion (version {scores.champion_version}): {scores.agreement:.0%}."
        )
    return "\n".join(lines)
