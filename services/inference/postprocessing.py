"""Logits to ranked classes. Pure functions on numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClassScore:
    index: int
    label: str
    score: float


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, stable for large logits."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def top_k(probabilities: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest values of a 1-D array, largest first."""
    k = min(k, probabilities.shape[-1])
    candidates = np.argpartition(-probabilities, k - 1)[:k]
    return candidates[np.argsort(-probabilities[candidates], kind="stable")]


def rank(logits: np.ndarray, labels: tuple[str, ...], k: int) -> list[ClassScore]:
    """The k most probable classes of one image's logits."""
    probabilities = softmax(logits.astype(np.float64))
    return [ClassScore(int(i), labels[i], float(probabilities[i])) for i in top_k(probabilities, k)]
