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
    """Indices of the k largest values of a 1-D array, largest first; ties go to the lower index."""
    # A full stable sort: argpartition picks and orders tied values arbitrarily, and 1000 classes sort in µs.
    return np.argsort(-probabilities, kind="stable")[:k]


def entropy(logits: np.ndarray) -> float:
    """Entropy in nats of one image's predicted distribution: high when the model is unsure."""
    probabilities = softmax(logits.astype(np.float64))
    return float(-(probabilities * np.log(np.clip(probabilities, 1e-12, None))).sum())


def rank(logits: np.ndarray, labels: tuple[str, ...], k: int) -> list[ClassScore]:
    """The k most probable classes of one image's logits."""
    probabilities = softmax(logits.astype(np.float64))
    return [ClassScore(int(i), labels[i], float(probabilities[i])) for i in top_k(probabilities, k)]


def summarize(logits: np.ndarray, labels: tuple[str, ...], k: int) -> tuple[list[ClassScore], float]:
    """One image's top k classes and the entropy of its distribution, from one softmax."""
    probabilities = softmax(logits.astype(np.float64))
    top = [ClassScore(int(i), labels[i], float(probabilities[i])) for i in top_k(probabilities, k)]
    spread = float(-(probabilities * np.log(np.clip(probabilities, 1e-12, None))).sum())
    return top, spread
