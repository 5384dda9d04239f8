"""Rebuild the sample photos in this folder from images that PyPI packages ship (see SOURCES.md).

    .venv/bin/python samples/build.py

scikit-image, scikit-learn and matplotlib (a dependency of mlflow) must be installed.

Small files (long side 320 px) in several formats, so the UI, the load tests and the post-deploy
check all try the service with the same real photos. The output is committed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from matplotlib import cbook
from PIL import Image
from skimage import data
from sklearn.datasets import load_sample_image

HERE = Path(__file__).resolve().parent
LONG_SIDE = 320


def summer_palace() -> np.ndarray:
    return load_sample_image("china.jpg")


def grace_hopper() -> np.ndarray:
    with cbook.get_sample_data("grace_hopper.jpg") as file:
        return np.asarray(Image.open(file).convert("RGB"))


# name -> (loader of the pixels, file format, what the photo shows)
SAMPLES = {
    "cat.jpg": (data.chelsea, "JPEG", "a tabby cat (Chelsea)"),
    "espresso.png": (data.coffee, "PNG", "a cup of espresso on a saucer"),
    "rocket.webp": (data.rocket, "WEBP", "a SpaceX Falcon 9 rocket on its launch pad"),
    "astronaut.jpg": (data.astronaut, "JPEG", "the astronaut Eileen Collins"),
    "camera-grayscale.png": (data.camera, "PNG", "a man with a camera on a tripod (grayscale)"),
    "logo-transparent.png": (data.logo, "PNG", "the scikit-image logo, with an alpha channel"),
    # Two more photos with an ImageNet class, for the labelled set of labels.json
    "summer-palace.jpg": (summer_palace, "JPEG", "the Tower of Buddhist Incense, Summer Palace, Beijing"),
    "grace-hopper.jpg": (grace_hopper, "JPEG", "Grace Hopper in US Navy uniform"),
}


def shrink(pixels: np.ndarray) -> Image.Image:
    image = Image.fromarray(pixels)
    scale = LONG_SIDE / max(image.size)
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)


def main() -> None:
    index = {}
    for name, (loader, fmt, caption) in SAMPLES.items():
        image = shrink(loader())
        options = {"quality": 85} if fmt in ("JPEG", "WEBP") else {"optimize": True}
        image.save(HERE / name, fmt, **options)
        index[name] = {"caption": caption, "mode": image.mode, "size": list(image.size)}
    (HERE / "samples.json").write_text(json.dumps(index, indent=2) + "\n")


if __name__ == "__main__":
    main()
