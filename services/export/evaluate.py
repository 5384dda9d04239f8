"""How closely the int8 model follows the fp32 one."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Agreement:
    samples: int
    top1: float
    top5_overlap: float


def agreement(reference: np.ndarray, candidate: np.ndarray) -> Agreement:
    """top1: share of samples with the same argmax; top5_overlap: mean |top5 ∩ top5| / 5."""
    ref5, cand5 = top_k(reference, 5), top_k(candidate, 5)
    top1 = float(np.mean(ref5[:, 0] == cand5[:, 0]))
    overlap = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(ref5, cand5, strict=True)])
    return Agreement(len(reference), top1, float(overlap))


def widest_tie(reference: np.ndarray, candidate: np.ndarray) -> float:
    """Largest fp32 top-1 minus top-2 probability among samples whose top-1 differs.

    Small values mean the int8 model only flips near-ties.
    """
    flipped = reference.argmax(axis=1) != candidate.argmax(axis=1)
    if not flipped.any():
        return 0.0
    probs = np.sort(softmax(reference[flipped]), axis=1)
    return float(np.max(probs[:, -1] - probs[:, -2]))


def top_k(logits: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-logits, axis=1)[:, :k]


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def ranked(logits_row: np.ndarray, labels: list[str], k: int = 5) -> list[tuple[str, float]]:
    """Top-k (label, probability) for one sample."""
    probs = softmax(logits_row[np.newaxis])[0]
    return [(labels[i], float(probs[i])) for i in top_k(logits_row[np.newaxis], k)[0]]
