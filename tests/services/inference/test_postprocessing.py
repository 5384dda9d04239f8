"""Logits to ranked classes: softmax, top k and its ties."""

from __future__ import annotations

import math

import numpy as np
import pytest

from services.inference.postprocessing import ClassScore, rank, softmax, top_k

LABELS = ("cat", "dog", "fox", "owl")


class TestSoftmax:
    def test_matches_the_definition(self):
        logits = np.array([1.0, 2.0, 3.0, -1.0])
        denominator = sum(math.exp(v) for v in logits)
        np.testing.assert_allclose(softmax(logits), [math.exp(v) / denominator for v in logits], rtol=1e-12)

    def test_rows_sum_to_one(self):
        logits = np.random.default_rng(0).normal(scale=5, size=(6, 10))
        probabilities = softmax(logits)
        np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0, rtol=1e-12)
        assert (probabilities > 0).all()

    def test_stable_for_big_logits(self):
        probabilities = softmax(np.array([1000.0, 999.0, -1000.0]))
        assert np.isfinite(probabilities).all()
        e = math.exp(-1)
        np.testing.assert_allclose(probabilities, [1 / (1 + e), e / (1 + e), 0.0], atol=1e-12)

    def test_big_float32_logits(self):
        probabilities = softmax(np.array([3e38, 3e38], dtype=np.float32))
        np.testing.assert_allclose(probabilities, [0.5, 0.5])

    def test_shift_invariant(self):
        logits = np.array([0.5, -2.0, 4.0])
        np.testing.assert_allclose(softmax(logits), softmax(logits + 700.0), rtol=1e-9)


class TestTopK:
    def test_largest_first(self):
        assert top_k(np.array([0.1, 0.4, 0.2, 0.3]), 3).tolist() == [1, 3, 2]

    def test_ties_go_to_the_lower_index(self):
        assert top_k(np.array([0.1, 0.3, 0.3, 0.3]), 2).tolist() == [1, 2]
        assert top_k(np.full(4, 0.25), 4).tolist() == [0, 1, 2, 3]

    def test_ties_among_many_classes(self):
        probabilities = np.zeros(1000)
        probabilities[[7, 500, 900]] = 0.5
        assert top_k(probabilities, 5).tolist() == [7, 500, 900, 0, 1]

    def test_k_larger_than_the_classes(self):
        assert top_k(np.array([0.2, 0.5, 0.3]), 10).tolist() == [1, 2, 0]

    def test_agrees_with_a_full_sort(self):
        probabilities = np.random.default_rng(1).random(1000)
        expected = sorted(range(1000), key=lambda i: -probabilities[i])[:5]
        assert top_k(probabilities, 5).tolist() == expected


class TestRank:
    def test_labels_scores_and_order(self):
        logits = np.array([0.0, 2.0, 1.0, -1.0], dtype=np.float32)
        scores = rank(logits, LABELS, 2)
        denominator = sum(math.exp(v) for v in logits)
        assert [s.label for s in scores] == ["dog", "fox"]
        assert [s.index for s in scores] == [1, 2]
        assert scores[0].score == pytest.approx(math.exp(2.0) / denominator)
        assert scores[1].score == pytest.approx(math.exp(1.0) / denominator)
        assert all(isinstance(s, ClassScore) and type(s.score) is float for s in scores)

    def test_all_classes_sum_to_one(self):
        scores = rank(np.array([3.0, 1.0, 2.0, 0.0]), LABELS, 10)
        assert len(scores) == 4
        assert sum(s.score for s in scores) == pytest.approx(1.0)
        assert [s.score for s in scores] == sorted((s.score for s in scores), reverse=True)
