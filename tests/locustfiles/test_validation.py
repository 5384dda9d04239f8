from __future__ import annotations

import json

import numpy as np
import pytest

from locustfiles.validation import (
    classification_problems,
    logits_problems,
    settle,
    status_problem,
    v1_problems,
    v2_document_problems,
)

GOOD = {
    "model": "tiny",
    "version": "1",
    "predictions": [{"label": "red", "index": 0, "score": 0.7}, {"label": "grey", "index": 3, "score": 0.2}],
}


def v1(**changes) -> bytes:
    return json.dumps({**GOOD, **changes}).encode()


def test_a_good_v1_answer_has_no_problem() -> None:
    assert v1_problems(v1()) == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<html>oops</html>", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (v1(model=""), "no model"),
        (v1(version=None), "no version"),
        (v1(predictions=[]), "no predictions"),
        (v1(predictions=[{"label": "", "score": 0.5}]), "no label"),
        (v1(predictions=[{"label": "a", "score": 1.5}]), "outside [0, 1]"),
        (v1(predictions=[{"label": "a", "score": "high"}]), "outside [0, 1]"),
        (v1(predictions=[{"label": "a", "score": 0.1}, {"label": "b", "score": 0.6}]), "not ranked"),
    ],
)
def test_a_wrong_v1_answer_says_what_is_wrong(body: bytes, problem: str) -> None:
    assert problem in "; ".join(v1_problems(body))


@pytest.mark.parametrize(
    ("status", "expected", "problem"),
    [
        (200, {200}, None),
        (400, {400}, None),
        (0, {200}, "no response"),
        (503, {400}, "server error 503"),
        (200, {400, 415}, "status 200 (expected 400/415)"),
        (404, {400}, "status 404"),
    ],
)
def test_statuses_are_judged_against_what_was_expected(status, expected, problem) -> None:
    found = status_problem(status, frozenset(expected))
    assert found == problem if problem is None else problem in found


def test_v2_documents_name_the_model_its_version_and_the_output() -> None:
    document = {"model_name": "tiny", "model_version": "1", "outputs": [{"name": "logits"}]}
    assert v2_document_problems(document, "tiny", "logits") == []
    assert len(v2_document_problems({"model_name": "other", "outputs": []}, "tiny", "logits")) == 3


def test_classes_must_be_complete_well_formed_and_ranked() -> None:
    assert classification_problems([b"2.5:2:blue", b"-0.5:0:red"], 2) == []
    assert "instead of 3" in classification_problems([b"2.5:2:blue"], 3)[0]
    assert "malformed" in classification_problems([b"2.5:blue"], 1)[0]
    assert "malformed" in classification_problems([b"high:2:blue"], 1)[0]
    assert "not ranked" in classification_problems([b"0.1:2:blue", b"0.5:0:red"], 2)[0]


def test_logits_must_have_the_model_shape_and_be_finite() -> None:
    assert logits_problems(np.zeros((1, 4), np.float32), 1, 4) == []
    assert "shape" in logits_problems(np.zeros((1, 3), np.float32), 1, 4)[0]
    assert "not finite" in logits_problems(np.array([[0, np.nan, 0, 0]], np.float32), 1, 4)[0]
    assert "not a binary" in logits_problems([0.0, 1.0], 1, 2)[0]


class FakeResponse:
    """What `settle` uses of Locust's response context manager."""

    def __init__(self, status_code: int, content: bytes | None = b"") -> None:
        self.status_code, self.content, self.verdict = status_code, content, None

    def success(self) -> None:
        self.verdict = "success"

    def failure(self, message: str) -> None:
        self.verdict = f"failure: {message}"


@pytest.mark.parametrize(
    ("status", "content", "expected", "verdict"),
    [
        (200, v1(), frozenset({200}), "success"),
        (200, v1(model=""), frozenset({200}), "failure: no model"),
        (503, b'{"error": "busy"}', frozenset({200}), "failure: server error 503 (expected 200)"),
        (0, None, frozenset({200}), "failure: no response (timeout or connection error)"),
        (400, b'{"error": "not an image"}', frozenset({400}), "success"),  # the bad-input user's 4xx
        (415, b"", frozenset({400}), "failure: status 415 (expected 400)"),
        (200, v1(), frozenset({400}), "failure: status 200 (expected 400)"),  # garbage accepted
    ],
)
def test_settle_marks_each_response_explicitly(status, content, expected, verdict) -> None:
    response = FakeResponse(status, content)
    body_problems = v1_problems if expected == {200} else None
    settle(response, body_problems, expected)
    assert response.verdict == verdict
