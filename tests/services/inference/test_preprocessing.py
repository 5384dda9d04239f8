"""RGB image to tensor, checked against values worked out here by hand or with plain loops."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from services.inference.preprocessing import (
    RESAMPLING,
    centre_crop_box,
    min_decode_side,
    normalize,
    preprocess,
    resize_and_crop,
)
from services.inference.spec import INTERPOLATIONS, PreprocessSpec
from tests.fixtures import solid

MEAN = (10.0, 20.0, 30.0)
STD = (2.0, 4.0, 8.0)


def reference_chw(rgb: np.ndarray, mean=MEAN, std=STD) -> np.ndarray:
    """(x - mean) / std per channel, element by element, in [channel, row, column] order."""
    height, width, _ = rgb.shape
    out = np.empty((3, height, width))
    for c in range(3):
        for y in range(height):
            for x in range(width):
                out[c, y, x] = (float(rgb[y, x, c]) - mean[c]) / std[c]
    return out


@pytest.fixture
def rgb() -> np.ndarray:
    return np.random.default_rng(7).integers(0, 256, (2, 3, 3), dtype=np.uint8)


def identity_spec(**changes) -> PreprocessSpec:
    """A spec that leaves a 3x2 image's pixels as they are (no crop, same size, nearest)."""
    values = {"height": 2, "width": 3, "crop_fraction": 1.0, "interpolation": "nearest", "mean": MEAN, "std": STD}
    return PreprocessSpec(**{**values, **changes})


class TestCrop:
    def test_centre_crop_box_of_a_landscape_image(self):
        spec = PreprocessSpec(height=224, width=224, crop_fraction=0.875)
        # The short side 300 limits: the crop is 300 * 0.875 = 262.5 px square, centred.
        assert centre_crop_box(400, 300, spec) == pytest.approx((68.75, 18.75, 331.25, 281.25))

    def test_centre_crop_box_of_a_portrait_image(self):
        spec = PreprocessSpec(height=224, width=224, crop_fraction=0.5)
        assert centre_crop_box(100, 300, spec) == pytest.approx((25.0, 125.0, 75.0, 175.0))

    def test_crop_keeps_the_target_aspect_ratio(self):
        spec = PreprocessSpec(height=160, width=320, crop_fraction=1.0)
        # A 2:1 target in a square image: the full width, the middle half of the height.
        assert centre_crop_box(1000, 1000, spec) == pytest.approx((0.0, 250.0, 1000.0, 750.0))

    def test_the_crop_drops_the_borders(self):
        pixels = np.zeros((8, 12, 3), np.uint8)
        pixels[:, :2] = (255, 0, 0)
        pixels[:, 2:10] = (0, 255, 0)
        pixels[:, 10:] = (0, 0, 255)
        spec = PreprocessSpec(height=4, width=4, crop_fraction=1.0, interpolation="nearest")
        out = np.asarray(resize_and_crop(Image.fromarray(pixels), spec))
        assert (out == (0, 255, 0)).all()

    def test_centre_fraction_is_taken_exactly(self):
        pixels = np.random.default_rng(3).integers(0, 256, (8, 8, 3), dtype=np.uint8)
        spec = PreprocessSpec(height=4, width=4, crop_fraction=0.5, interpolation="nearest")
        out = np.asarray(resize_and_crop(Image.fromarray(pixels), spec))
        assert (out == pixels[2:6, 2:6]).all()

    @pytest.mark.parametrize(("source", "target"), [((400, 300), (24, 32)), ((30, 90), (50, 20)), ((7, 7), (16, 16))])
    def test_resize_gives_the_spec_size(self, source: tuple[int, int], target: tuple[int, int]):
        width, height = target
        spec = PreprocessSpec(height=height, width=width)
        assert resize_and_crop(solid((9, 9, 9), source), spec).size == (width, height)


class TestMinDecodeSide:
    @pytest.mark.parametrize(
        ("height", "width", "fraction", "expected"),
        [(224, 224, 0.875, 256), (16, 16, 1.0, 16), (300, 200, 0.9, 334), (100, 400, 0.5, 800)],
    )
    def test_is_the_largest_side_over_the_crop_fraction(self, height, width, fraction, expected):
        spec = PreprocessSpec(height=height, width=width, crop_fraction=fraction)
        assert min_decode_side(spec) == expected

    def test_an_image_of_that_short_side_is_not_upsampled(self):
        spec = PreprocessSpec(height=224, width=224, crop_fraction=0.875)
        side = min_decode_side(spec)
        left, top, right, bottom = centre_crop_box(side * 2, side, spec)
        assert right - left >= spec.width and bottom - top >= spec.height


class TestNormalize:
    def test_nchw(self, rgb: np.ndarray):
        tensor = normalize(rgb, identity_spec())
        assert tensor.dtype == np.float32 and tensor.shape == (3, 2, 3)
        assert tensor.flags.c_contiguous
        np.testing.assert_allclose(tensor, reference_chw(rgb), rtol=1e-6)

    def test_nhwc(self, rgb: np.ndarray):
        tensor = normalize(rgb, identity_spec(layout="NHWC"))
        assert tensor.shape == (2, 3, 3)
        np.testing.assert_allclose(tensor, reference_chw(rgb).transpose(1, 2, 0), rtol=1e-6)

    def test_bgr_reverses_the_channels_after_normalising_each_colour(self, rgb: np.ndarray):
        # Mean and std are given per R, G, B whatever the model's channel order.
        tensor = normalize(rgb, identity_spec(channel_order="BGR"))
        np.testing.assert_allclose(tensor, reference_chw(rgb)[::-1], rtol=1e-6)
        assert tensor.flags.c_contiguous

    def test_bgr_nhwc(self, rgb: np.ndarray):
        tensor = normalize(rgb, identity_spec(channel_order="BGR", layout="NHWC"))
        np.testing.assert_allclose(tensor[..., 0], reference_chw(rgb)[2], rtol=1e-6)


class TestPreprocess:
    def test_identity_spec_keeps_the_pixels(self, rgb: np.ndarray):
        tensor = preprocess(Image.fromarray(rgb), identity_spec())
        np.testing.assert_allclose(tensor, reference_chw(rgb), rtol=1e-6)

    @pytest.mark.parametrize("interpolation", sorted(RESAMPLING))
    def test_solid_colour(self, interpolation: str):
        spec = PreprocessSpec(height=16, width=12, interpolation=interpolation, mean=MEAN, std=STD)
        tensor = preprocess(solid((50, 100, 150), (40, 30)), spec)
        assert tensor.shape == (3, 16, 12)
        expected = [(50 - 10) / 2, (100 - 20) / 4, (150 - 30) / 8]
        np.testing.assert_allclose(tensor.mean(axis=(1, 2)), expected, atol=1e-5)
        np.testing.assert_allclose(tensor.std(axis=(1, 2)), 0, atol=1e-5)

    def test_every_interpolation_of_a_spec_has_a_resampling_filter(self):
        assert set(RESAMPLING) == set(INTERPOLATIONS)
