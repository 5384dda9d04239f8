"""What the answers should be, computed without the service: onnxruntime on the model file itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort


def onnx_logits(model_path: Path, batch: np.ndarray) -> np.ndarray:
    """The logits of a direct onnxruntime run of `model_path` on `batch`."""
    session = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: batch})[0]


def solid_tensor(colour: tuple[int, int, int], size: int, count: int = 1) -> np.ndarray:
    """The tiny model's input for solid images of `colour`: (pixel - 127.5) / 127.5, NCHW."""
    channels = (np.asarray(colour, np.float32) - 127.5) / 127.5
    return np.broadcast_to(channels[None, :, None, None], (count, 3, size, size)).astype(np.float32)


def random_tensor(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)
