"""Natural photos that ship inside PyPI packages, and seeded augmentation.

The service's tests use scikit-image's chelsea (== data.cat) and coffee, so
those two never feed calibration; they are only used to check the result.
"""

import numpy as np
from PIL import Image


def calibration_photos() -> dict[str, Image.Image]:
    from skimage import data
    from sklearn.datasets import load_sample_images

    left, right, _disparity = data.stereo_motorcycle()
    china, flower = load_sample_images().images
    arrays = {
        "skimage astronaut": data.astronaut(),
        "skimage rocket": data.rocket(),
        "skimage motorcycle (left)": left,
        "skimage motorcycle (right)": right,
        "skimage retina": data.retina(),
        "skimage hubble_deep_field": data.hubble_deep_field(),
        "skimage camera": data.camera(),
        "sklearn china.jpg": china,
        "sklearn flower.jpg": flower,
    }
    return {name: _to_rgb(array) for name, array in arrays.items()}


def test_photos() -> dict[str, Image.Image]:
    from skimage import data

    return {"chelsea": _to_rgb(data.chelsea()), "coffee": _to_rgb(data.coffee())}


def random_views(photos: dict[str, Image.Image], per_photo: int, seed: int) -> list[Image.Image]:
    """`per_photo` random crops/flips of each photo, reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    return [random_view(photo, rng) for photo in photos.values() for _ in range(per_photo)]


def random_view(photo: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A random crop (25-100% of the area, aspect 3:4..4:3), maybe mirrored."""
    width, height = photo.size
    area = width * height * rng.uniform(0.25, 1.0)
    aspect = np.exp(rng.uniform(np.log(3 / 4), np.log(4 / 3)))
    crop_w = int(min(width, round(np.sqrt(area * aspect))))
    crop_h = int(min(height, round(np.sqrt(area / aspect))))
    left = int(rng.integers(0, width - crop_w + 1))
    top = int(rng.integers(0, height - crop_h + 1))
    view = photo.crop((left, top, left + crop_w, top + crop_h))
    if rng.random() < 0.5:
        view = view.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return view


def _to_rgb(array: np.ndarray) -> Image.Image:
    return Image.fromarray(np.asarray(array, dtype=np.uint8)).convert("RGB")
