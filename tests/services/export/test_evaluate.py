"""How closely the int8 model follows the fp32 one: agreement, the widest flipped tie, ranked top-k."""

from __future__ import annotations

import numpy as np
import pytest

from services.export import evaluate


def logits_ranking(*orders: list[int], classes: int = 8) -> np.ndarray:
    """One row per order: the listed classes get falling logits, the rest far below."""
    rows = np.full((len(orders), classes), -10.0, dtype=np.float32)
    for row, order in zip(rows, orders, strict=True):
        row[order] = np.arange(len(order), 0, -1, dtype=np.float32)
    return rows


def test_agreement_counts_equal_argmax_and_top5_overlap() -> None:
    reference = logits_ranking([0, 1, 2, 3, 4], [5, 6, 7, 0, 1])
    candidate = logits_ranking([0, 1, 2, 3, 7], [6, 5, 7, 0, 1])  # same top-1 / 4 of 5; other top-1 / 5 of 5
    found = evaluate.agreement(reference, candidate)
    assert (found.samples, found.top1) == (2, 0.5)
    assert found.top5_overlap == pytest.approx((4 / 5 + 5 / 5) / 2)


def test_widest_tie_is_the_largest_margin_among_flipped_samples() -> None:
    reference = np.log(np.array([[0.50, 0.40, 0.10], [0.70, 0.20, 0.10], [0.90, 0.05, 0.05]], dtype=np.float64))
    candidate = np.array([[0, 1, 0], [0, 1, 0], [1, 0, 0]], dtype=np.float64)  # the first two flip
    assert evaluate.widest_tie(reference, candidate) == pytest.approx(0.70 - 0.20)
    assert evaluate.widest_tie(reference, reference) == 0.0


def test_ranked_gives_labels_and_probabilities_in_order() -> None:
    logits = np.log(np.array([0.1, 0.6, 0.3]))
    ranked = evaluate.ranked(logits, ["a", "b", "c"], k=2)
    assert [label for label, _ in ranked] == ["b", "c"]
    assert [p for _, p in ranked] == pytest.approx([0.6, 0.3])


def test_softmax_rows_sum_to_one_even_for_large_logits() -> None:
    probs = evaluate.softmax(np.array([[1000.0, 1000.0], [0.0, -1000.0]]))
    assert np.allclose(probs.sum(axis=1), 1.0) and probs[0] == pytest.approx([0.5, 0.5])
