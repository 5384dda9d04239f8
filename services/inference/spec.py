"""What a model file says about itself: input, labels and preprocessing.

Read from the ONNX metadata (`inferlab.*` keys, written by `services.export`) and from an
optional config next to the file (`model.onnx` -> `model.json`), which wins. A model zoo file
with neither (e.g. ResNet50) gets ImageNet's usual preprocessing and numbered labels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

IMAGENET_MEAN = (123.675, 116.28, 103.53)
IMAGENET_STD = (58.395, 57.12, 57.375)
METADATA_PREFIX = "inferlab."
INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos")


@dataclass(frozen=True)
class PreprocessSpec:
    """How pixels become the model's input tensor. Mean and std are in 0..255 pixel units."""

    height: int = 224
    width: int = 224
    layout: str = "NCHW"
    crop_fraction: float = 0.875
    interpolation: str = "bilinear"
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    channel_order: str = "RGB"

    def __post_init__(self) -> None:
        if self.layout not in ("NCHW", "NHWC"):
            raise ValueError(f"layout must be NCHW or NHWC, not {self.layout!r}")
        if self.channel_order not in ("RGB", "BGR"):
            raise ValueError(f"channel_order must be RGB or BGR, not {self.channel_order!r}")
        if not 0 < self.crop_fraction <= 1:
            raise ValueError(f"crop_fraction must be in (0, 1], not {self.crop_fraction}")
        if self.interpolation not in INTERPOLATIONS:
            raise ValueError(f"interpolation must be one of {', '.join(INTERPOLATIONS)}, not {self.interpolation!r}")

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """The shape of one image's tensor, without the batch dimension."""
        if self.layout == "NCHW":
            return (3, self.height, self.width)
        return (self.height, self.width, 3)


@dataclass(frozen=True)
class ModelSpec:
    name: str
    version: str
    input_name: str
    output_name: str
    labels: tuple[str, ...]
    preprocess: PreprocessSpec = field(default_factory=PreprocessSpec)
    source: str = ""


def sidecar_path(model_path: Path) -> Path:
    return model_path.with_suffix(".json")


def read_sidecar(model_path: Path) -> dict[str, Any]:
    path = sidecar_path(model_path)
    if not path.exists():
        return {}
    config = json.loads(path.read_text())
    if "labels_file" in config:
        labels_path = path.parent / config.pop("labels_file")
        config["labels"] = [line.strip() for line in labels_path.read_text().splitlines() if line.strip()]
    return config


def metadata_config(custom_metadata: dict[str, str]) -> dict[str, Any]:
    """The `inferlab.*` metadata entries as a config dict (JSON values decoded)."""
    config: dict[str, Any] = {}
    for key, raw in custom_metadata.items():
        if not key.startswith(METADATA_PREFIX):
            continue
        name = key.removeprefix(METADATA_PREFIX)
        config[name] = json.loads(raw) if name in ("labels", "preprocess") else raw
    return config


def shape_defaults(shape: list[Any]) -> dict[str, Any]:
    """Layout and size guessed from an input shape such as [N, 3, 224, 224]."""
    if len(shape) != 4:
        return {}
    if shape[1] == 3:
        layout, height, width = "NCHW", shape[2], shape[3]
    elif shape[3] == 3:
        layout, height, width = "NHWC", shape[1], shape[2]
    else:
        return {}
    guessed: dict[str, Any] = {"layout": layout}
    if isinstance(height, int) and isinstance(width, int):
        guessed.update(height=height, width=width)
    return guessed


def preprocess_spec(config: dict[str, Any], input_shape: list[Any]) -> PreprocessSpec:
    values = {**shape_defaults(input_shape), **config}
    if "size" in values:
        size = values.pop("size")
        values["height"], values["width"] = (size, size) if isinstance(size, int) else size
    for key in ("mean", "std"):
        if key in values:
            values[key] = tuple(float(v) for v in values[key])
    known = PreprocessSpec.__dataclass_fields__
    unknown = set(values) - set(known)
    if unknown:
        raise ValueError(f"unknown preprocessing keys: {sorted(unknown)}")
    return replace(PreprocessSpec(), **values)


def build_spec(
    model_path: Path,
    custom_metadata: dict[str, str],
    inputs: list[tuple[str, list[Any]]],
    outputs: list[tuple[str, list[Any]]],
) -> ModelSpec:
    """Combine defaults, the file's metadata and the sidecar config (in rising precedence)."""
    config = {**metadata_config(custom_metadata), **read_sidecar(model_path)}
    input_name = config.get("input", inputs[0][0])
    input_shape = dict(inputs).get(input_name)
    if input_shape is None:
        raise ValueError(f"the model has no input named {input_name!r}")
    output_name = config.get("output", outputs[0][0])
    output_shape = dict(outputs).get(output_name, [])
    labels = config.get("labels")
    if labels is None:
        classes = output_shape[-1] if output_shape and isinstance(output_shape[-1], int) else 0
        labels = [f"class_{i}" for i in range(classes)]
    return ModelSpec(
        name=str(config.get("name", model_path.stem)),
        version=str(config.get("version", "1")),
        input_name=input_name,
        output_name=output_name,
        labels=tuple(labels),
        preprocess=preprocess_spec(config.get("preprocess", {}), input_shape),
        source=str(config.get("source", "")),
    )
