"""The export calibrates and evaluates on exactly the tensors the service feeds the model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from services.export.preprocess import SPEC, service_spec, to_batch, to_input
from services.inference.runtime import OnnxClassifier
from tests.fixtures import encode

REPO = Path(__file__).resolve().parents[3]
SAMPLES = sorted(p for p in (REPO / "samples").iterdir() if p.suffix in (".jpg", ".png", ".webp"))
MODELS = [REPO / "models" / "efficientnet-lite0.onnx", REPO / "models" / "efficientnet-lite0-int8.onnx"]


@pytest.fixture(scope="module")
def service_model() -> Iterator[OnnxClassifier]:
    """The shipped int8 model as the service loads it: its preprocessing comes from the file's metadata."""
    model = OnnxClassifier(MODELS[1])
    model.load()
    yield model
    model.unload()


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_the_shipped_models_carry_the_spec_the_export_uses(path: Path) -> None:
    model = OnnxClassifier(path)
    model.load()
    try:
        assert model.spec.preprocess == service_spec()
    finally:
        model.unload()


def test_the_spec_as_the_service_reads_it_keeps_every_value() -> None:
    spec = service_spec()
    assert (spec.height, spec.width, spec.crop_fraction, spec.interpolation) == (
        SPEC["size"], SPEC["size"], SPEC["crop_fraction"], SPEC["interpolation"]
    )  # fmt: skip
    assert (list(spec.mean), list(spec.std), spec.layout, spec.channel_order) == (
        SPEC["mean"], SPEC["std"], SPEC["layout"], SPEC["channel_order"]
    )  # fmt: skip


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_each_sample_photo_becomes_the_tensor_the_service_computes(path: Path, service_model) -> None:
    """Sent as a lossless PNG, the service sees the same pixels as the export: the tensors must be equal."""
    with Image.open(path) as photo:
        photo.load()
    served = service_model.prepare(encode(photo, "PNG")).tensor
    exported = to_input(photo)
    assert exported.dtype == np.float32 and exported.shape == served.shape == (3, SPEC["size"], SPEC["size"])
    assert np.array_equal(exported, served)


def test_a_batch_stacks_the_images_in_order() -> None:
    photos = [Image.open(path).convert("RGB") for path in SAMPLES[:3]]
    batch = to_batch(photos)
    assert batch.shape == (3, 3, SPEC["size"], SPEC["size"])
    for row, photo in zip(batch, photos, strict=True):
        assert np.array_equal(row, to_input(photo))


@pytest.mark.parametrize("mode", ["RGBA", "LA", "I;16"])
def test_other_modes_are_made_rgb_as_the_service_does(mode: str, service_model) -> None:
    """A see-through image whose hidden pixels are black: the service composites it on white."""
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, (300, 260, 4), dtype=np.uint8)
    pixels[:150, :, :3], pixels[:150, :, 3] = 0, 0
    image = Image.fromarray(pixels, "RGBA")
    image = Image.fromarray(pixels[..., 0].astype(np.uint16) * 257) if mode == "I;16" else image.convert(mode)
    served = service_model.prepare(encode(image, "PNG")).tensor
    assert np.array_equal(to_input(image), served)
